import { formatDuration } from '../../ui/format';
import type { MetricsScope } from '../readers/metrics-scope';
import { CountLink } from './count-link';
import type { Interval, Turnaround } from './reader-metrics.api';

const spanWithInterval = (span: Interval): string =>
  span.value === null
    ? '—'
    : `${formatDuration(span.value)} (95% CI ${formatDuration(span.low)} to ${
        span.high === null ? 'not bounded' : formatDuration(span.high)
      })`;

/** From assignment to submitted opinion: the median and 90th percentile, and the counts behind them. */
export function TurnaroundFigures(props: { turnaround: Turnaround; scope: MetricsScope }) {
  const { turnaround, scope } = props;
  return (
    <dl class="facts">
      <dt>Median</dt>
      <dd>{spanWithInterval(turnaround.median)}</dd>
      <dt>90th percentile</dt>
      <dd>{spanWithInterval(turnaround.p90)}</dd>
      <dt>Reads timed</dt>
      <dd>
        <CountLink count={turnaround.n} link={turnaround.cases?.n} scope={scope} what="reads timed" />
      </dd>
      <dt>Left out</dt>
      <dd>
        <CountLink
          count={turnaround.excluded}
          link={turnaround.cases?.excluded}
          scope={scope}
          what="reads left out of the turnaround"
        />{' '}
        (no assignment time, a negative span, or imported history; of these, imported:{' '}
        <CountLink
          count={turnaround.backfilled}
          link={turnaround.cases?.backfilled}
          scope={scope}
          what="reads from imported history"
        />
        )
      </dd>
    </dl>
  );
}
