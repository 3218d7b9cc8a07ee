import type { ComponentChildren } from 'preact';
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
import { type CountedRate, type ReaderMetrics, readerMetricsPath } from './reader-metrics.api';
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

/** A rate and its interval, then "x of n …" with both counts linked to the cases behind them. */
function RateCard<Counted extends string>(props: {
  title: string;
  rate: CountedRate & Record<Counted, number>;
  /** The numerator's field, which names its drill-down link too. */
  counted: Counted;
  what: { counted: string; n: string };
  /** The sentence after "x of n". */
  rest: string;
  scope: MetricsScope;
  children?: ComponentChildren;
}) {
  const { rate, counted, what, scope } = props;
  return (
    <div class="card">
      <h3>{props.title}</h3>
      <p class="figure">
        <RateWithInterval rate={rate} />
      </p>
      <p>
        <CountLink count={rate[counted]} link={rate.cases?.[counted]} scope={scope} what={what.counted} /> of{' '}
        <CountLink count={rate.n} link={rate.cases?.n} scope={scope} what={what.n} /> {props.rest}
      </p>
      {props.children}
    </div>
  );
}

function ReaderFigures(props: { metrics: ReaderMetrics; scope: MetricsScope }) {
  const { metrics, scope } = props;
  const status = metrics.insufficientData
    ? { text: 'Not judged: too few compared reads', tone: 'neutral' }
    : outlierWords(metrics.funnel.outlier);
  return (
    <>
      <section aria-labelledby="summary-title">
        <h2 id="summary-title">At a glance</h2>
        <div class="reader-summary">
          <RateCard
            title="Major discordance"
            rate={metrics.majorDiscordanceRate}
            counted="discordant"
            what={{
              counted: 'major discordances with the consensus',
              n: 'opinions compared with the consensus',
            }}
            rest="opinions disagree with the consensus on a significant finding."
            scope={scope}
          >
            <p>
              <span class={`badge ${status.tone}`}>{status.text}</span> group rate{' '}
              {formatRate(metrics.funnel.groupMean)}
            </p>
          </RateCard>
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
          <RateCard
            title="Escalated to adjudication"
            rate={metrics.adjudicationRate}
            counted="adjudicated"
            what={{ counted: 'reads escalated to adjudication', n: 'decided reads' }}
            rest="decided reads."
            scope={scope}
          />
          <RateCard
            title="Adjudicator agreed"
            rate={metrics.adjudicatorAgreementRate}
            counted="agreed"
            what={{ counted: 'reads the adjudicator agreed with', n: 'reads compared with the adjudication' }}
            rest="adjudicated reads."
            scope={scope}
          />
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
