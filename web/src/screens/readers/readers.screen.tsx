import { useLocation, useRoute } from 'preact-iso';
import { query } from '../../api/client';
import { useApi } from '../../api/use-api';
import { DataTable } from '../../ui/data-table';
import { formatRate } from '../../ui/format';
import { Loading, Page, ProblemMessage } from '../../ui/page';
import { casesHref, readerHref } from '../reader/count-links';
import { FilterSelect, ScopeSelects } from './filter-select';
import { FunnelChart } from './funnel-chart';
import {
  FUNNEL_MEASURES,
  FUNNEL_REFERENCES,
  type FunnelPlotData,
  type FunnelPoint,
  MEASURES,
  REFERENCE_LABELS,
  byStatus,
  funnelPath,
  isFunnelMeasure,
  isOutside,
  outlierStatus,
  referenceFor,
} from './funnel.api';
import { type MetricsScope, scopeOf, scopeText } from './metrics-scope';

/**
 * Reader performance (/app/readers): the funnel plot of one measure over every reader in scope,
 * who is outside the control limits, and a link from each reader to their figures and cases.
 * Every choice is in the query string (measure, reference, finding, bodyRegion, period).
 */
export function ReadersScreen() {
  const { query: screenQuery } = useRoute();
  const { route } = useLocation();
  const measure = isFunnelMeasure(screenQuery.measure) ? screenQuery.measure : 'major-discordance';
  const reference = referenceFor(measure, screenQuery.reference);
  const scope = scopeOf(screenQuery);
  const fixedReference = MEASURES[measure].fixedReference;
  const { data, error, loading } = useApi<FunnelPlotData>(funnelPath(measure, reference, scope));

  // A new choice is a new URL (pushed: Back returns to the previous one).
  const choose = (key: string, value: string) => {
    const next: Record<string, string | undefined> = { ...screenQuery, measure, [key]: value };
    if (key === 'measure' && isFunnelMeasure(value) && MEASURES[value].fixedReference) delete next.reference;
    route(`/app/readers${query(next)}`);
  };

  return (
    <Page
      title="Reader performance"
      lead="Who is outside the control limits, on which measure, and the cases behind each count. Choose the measure and the scope; every dot and every row opens that reader."
    >
      <form class="filters" aria-label="Measure and scope" onSubmit={(event) => event.preventDefault()}>
        <FilterSelect
          label="Measure"
          value={measure}
          options={FUNNEL_MEASURES.map((value) => ({ value, label: MEASURES[value].label }))}
          onChange={(value) => choose('measure', value)}
        />
        <FilterSelect
          label="Compared with"
          value={reference}
          options={FUNNEL_REFERENCES.map((value) => ({ value, label: REFERENCE_LABELS[value] }))}
          onChange={(value) => choose('reference', value)}
          disabled={fixedReference !== undefined}
        />
        <ScopeSelects scope={scope} onChange={choose} />
      </form>
      {fixedReference && (
        <p class="hint">Major discordance is always measured against the consensus of the case.</p>
      )}
      <ProblemMessage error={error} context="The funnel plot could not be drawn" />
      {loading && !data && <Loading what="the funnel plot" />}
      {data && <Funnel data={data} scope={scope} />}
    </Page>
  );
}

function Funnel(props: { data: FunnelPlotData; scope: MetricsScope }) {
  const { data, scope } = props;
  const wording = MEASURES[data.measure];
  return (
    <>
      <OutsideTheLimits data={data} scope={scope} />
      <p class="funnel-definition">
        <strong>{wording.label}</strong> against the {REFERENCE_LABELS[data.reference].toLowerCase()},{' '}
        {scopeText(scope)}: {data.definition} Group rate {formatRate(data.groupRate)} ({data.groupNumerator}{' '}
        of {data.groupDenominator}
        ); {wording.worse === 'higher' ? 'higher' : 'lower'} is worse.
      </p>
      {data.points.length === 0 ? (
        <p class="notice">No reader has a read in this scope.</p>
      ) : (
        <div class="readers-layout">
          <FunnelChart data={data} scope={scope} />
          <ReadersTable data={data} scope={scope} />
        </div>
      )}
    </>
  );
}

function statusBadge(point: FunnelPoint, minimumN: number) {
  const status = outlierStatus(point, minimumN);
  return <span class={`badge ${status.tone}`}>{status.text}</span>;
}

/** The committee's question first: who is outside the limits in this scope. */
function OutsideTheLimits(props: { data: FunnelPlotData; scope: MetricsScope }) {
  const { data, scope } = props;
  const outside = byStatus(data.points).filter(isOutside);
  const notJudged = data.points.filter((point) => point.insufficientData).length;
  return (
    <section class={`outside-limits ${outside.length > 0 ? 'alarm' : 'ok'}`} aria-labelledby="outside-title">
      <h2 id="outside-title">Outside the limits</h2>
      {outside.length === 0 ? (
        <p>No judged reader is outside the 95% or 99.8% control limits in this scope.</p>
      ) : (
        <ul>
          {outside.map((point) => (
            <li key={point.readerId}>
              <a href={readerHref(point.readerId, scope)}>{point.readerId}</a>{' '}
              {statusBadge(point, data.minimumN)} {formatRate(point.rate)}: {point.numerator}{' '}
              {MEASURES[data.measure].counted} in n = {point.n}, against a group rate of{' '}
              {formatRate(data.groupRate)}
            </li>
          ))}
        </ul>
      )}
      {notJudged > 0 && (
        <p class="hint">
          {notJudged} {notJudged === 1 ? 'reader has' : 'readers have'} fewer than {data.minimumN} compared
          reads here: plotted, never judged.
        </p>
      )}
    </section>
  );
}

function ReadersTable(props: { data: FunnelPlotData; scope: MetricsScope }) {
  const { data, scope } = props;
  const wording = MEASURES[data.measure];
  return (
    <DataTable
      caption={`Readers by status: ${wording.label.toLowerCase()}`}
      rows={byStatus(data.points)}
      rowKey={(point) => point.readerId}
      columns={[
        {
          header: 'Reader',
          cell: (point) => <a href={readerHref(point.readerId, scope)}>{point.readerId}</a>,
        },
        { header: 'n', numeric: true, cell: (point) => point.n },
        {
          header: wording.counted.replace(/^./, (first) => first.toUpperCase()),
          numeric: true,
          cell: (point) => {
            const href = casesHref(point.cases, scope);
            return href && point.numerator > 0 ? (
              <a href={href} aria-label={`${point.numerator} ${wording.counted} of ${point.readerId}`}>
                {point.numerator}
              </a>
            ) : (
              point.numerator
            );
          },
        },
        { header: 'Rate', numeric: true, cell: (point) => formatRate(point.rate) },
        { header: 'Status', cell: (point) => statusBadge(point, data.minimumN) },
      ]}
    />
  );
}
