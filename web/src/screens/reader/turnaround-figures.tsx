import type { MetricsScope } from '../readers/metrics-scope';
import { CountLink } from './count-link';
import type { Interval, Turnaround } from './reader-metrics.api';

/** A span in the largest units that read naturally: "45 s", "12 min", "3 h 20 min", "2 days 4 h". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  const days = Math.floor(hours / 24);
  return `${days} days${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

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
