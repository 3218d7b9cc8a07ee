import { useLocation, useRoute } from 'preact-iso';
import { query } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatRate } from '../../ui/format';
import { Loading, Page, ProblemMessage } from '../../ui/page';
import { ScopeSelects } from '../readers/filter-select';
import { outlierWords } from '../readers/funnel.api';
import { type MetricsScope, scopeOf, scopeText } from '../readers/metrics-scope';
import { AccuracyTables } from './accuracy-tables';
import { CountLink, RateWithInterval } from './count-link';
import { countOf, withoutCount } from './count-links';
import { RadpeerTables } from './radpeer-tables';
import { ReaderCasesSection } from './reader-cases.section';
import { type ReaderMetrics, readerMetricsPath } from './reader-metrics.api';
import { ReaderTrend } from './reader-trend';
import { TurnaroundFigures } from './turnaround-figures';

/**
 * One reader (/app/readers/{readerId}): accuracy by finding with Wilson intervals and kappa, the
 * trend by month, RADPEER scores received, turnaround; every count links to the cases behind it,
 * listed on this screen (`?measure=…` in the URL) with a link to each case's timeline.
 */
export function ReaderScreen() {
  const { params, query: screenQuery } = useRoute();
  const { route } = useLocation();
  const readerId = params.readerId ?? '';
  const scope = scopeOf(screenQuery);
  const count = countOf(screenQuery);
  const { data, error, loading } = useApi<ReaderMetrics>(readerMetricsPath(readerId, scope));
  const here = `/app/readers/${encodeURIComponent(readerId)}`;

  const choose = (key: string, value: string) => route(`${here}${query({ ...screenQuery, [key]: value })}`);

  return (
    <Page title={`Reader ${readerId}`}>
      <p class="lead">
        <a href={`/app/readers${query({ ...scope })}`}>← All readers</a> · Figures for {scopeText(scope)}.
      </p>
      <form class="filters" aria-label="Scope" onSubmit={(event) => event.preventDefault()}>
        <ScopeSelects scope={scope} onChange={choose} />
      </form>
      {count && (
        <ReaderCasesSection
          readerId={readerId}
          scope={scope}
          count={count}
          closeHref={`${here}${query(withoutCount(screenQuery))}`}
        />
      )}
      <ProblemMessage error={error} context="The reader's figures could not be read" />
      {loading && !data && <Loading what="the reader's figures" />}
      {data && <ReaderFigures metrics={data} scope={scope} />}
    </Page>
  );
}

function ReaderFigures(props: { metrics: ReaderMetrics; scope: MetricsScope }) {
  const { metrics, scope } = props;
  const discordance = metrics.majorDiscordanceRate;
  const adjudication = metrics.adjudicationRate;
  const agreement = metrics.adjudicatorAgreementRate;
  const status = metrics.insufficientData
    ? { text: 'Not judged: too few compared reads', tone: 'neutral' }
    : outlierWords(metrics.funnel.outlier);
  return (
    <>
      <section aria-labelledby="summary-title">
        <h2 id="summary-title">At a glance</h2>
        <div class="reader-summary">
          <div class="card">
            <h3>Major discordance</h3>
            <p class="figure">
              <RateWithInterval rate={discordance} />
            </p>
            <p>
              <CountLink
                count={discordance.discordant}
                link={discordance.cases?.discordant}
                scope={scope}
                what="major discordances with the consensus"
              />{' '}
              of{' '}
              <CountLink
                count={discordance.n}
                link={discordance.cases?.n}
                scope={scope}
                what="opinions compared with the consensus"
              />{' '}
              opinions disagree with the consensus on a significant finding.
            </p>
            <p>
              <span class={`badge ${status.tone}`}>{status.text}</span> group rate{' '}
              {formatRate(metrics.funnel.groupMean)}
            </p>
          </div>
          <div class="card">
            <h3>Opinions</h3>
            <p class="figure">
              <CountLink
                count={metrics.reads}
                link={metrics.cases?.reads}
                scope={scope}
                what="opinions submitted"
              />
            </p>
            <p>
              submitted;{' '}
              <CountLink
                count={metrics.comparedReads}
                link={metrics.cases?.comparedReads}
                scope={scope}
                what="opinions compared with a reference"
              />{' '}
              compared with a reference.
            </p>
            {metrics.insufficientData && (
              <p class="hint">
                Fewer than 30 compared reads: the figures are shown but the reader is not ranked.
              </p>
            )}
          </div>
          <div class="card">
            <h3>Escalated to adjudication</h3>
            <p class="figure">
              <RateWithInterval rate={adjudication} />
            </p>
            <p>
              <CountLink
                count={adjudication.adjudicated}
                link={adjudication.cases?.adjudicated}
                scope={scope}
                what="reads escalated to adjudication"
              />{' '}
              of{' '}
              <CountLink
                count={adjudication.n}
                link={adjudication.cases?.n}
                scope={scope}
                what="decided reads"
              />{' '}
              decided reads.
            </p>
          </div>
          <div class="card">
            <h3>Adjudicator agreed</h3>
            <p class="figure">
              <RateWithInterval rate={agreement} />
            </p>
            <p>
              <CountLink
                count={agreement.agreed}
                link={agreement.cases?.agreed}
                scope={scope}
                what="reads the adjudicator agreed with"
              />{' '}
              of{' '}
              <CountLink
                count={agreement.n}
                link={agreement.cases?.n}
                scope={scope}
                what="reads compared with the adjudication"
              />{' '}
              adjudicated reads.
            </p>
          </div>
        </div>
      </section>
      <section aria-labelledby="accuracy-title">
        <h2 id="accuracy-title">Accuracy by finding</h2>
        <p class="hint">
          Finding pairs (opinion, code) against each reference; rates with 95% Wilson intervals; κ is Cohen’s
          kappa. Every count opens the cases behind it.
        </p>
        <AccuracyTables overall={metrics.overall} byFinding={metrics.byFinding} scope={scope} />
      </section>
      <section aria-labelledby="trend-title">
        <h2 id="trend-title">Trend over time</h2>
        <ReaderTrend byPeriod={metrics.byPeriod} scope={scope} />
      </section>
      <section aria-labelledby="radpeer-title">
        <h2 id="radpeer-title">RADPEER scores</h2>
        <RadpeerTables radpeer={metrics.radpeer} scope={scope} />
      </section>
      <section aria-labelledby="turnaround-title">
        <h2 id="turnaround-title">Turnaround</h2>
        <p class="hint">From assignment to submitted opinion, with 95% intervals.</p>
        <TurnaroundFigures turnaround={metrics.turnaround} scope={scope} />
      </section>
    </>
  );
}
