import { formatInterval, formatRate } from '../../ui/format';
import type { MetricsScope } from '../readers/metrics-scope';
import { casesHref } from './count-links';
import type { Interval } from './reader-metrics.api';

/**
 * A count of the reader metrics, linked to the cases behind it (on the reader's screen). A zero
 * has no cases behind it and stays plain text. `what` completes the link's name ("15 false
 * negatives"), since a bare number says nothing out of its table.
 */
export function CountLink(props: {
  count: number;
  link: string | undefined;
  scope: MetricsScope;
  what: string;
}) {
  const href = casesHref(props.link, props.scope);
  if (!href || props.count === 0) return <>{props.count}</>;
  return (
    <a
      href={href}
      aria-label={`${props.count} ${props.what}`}
      title={`List the ${props.count} ${props.what}`}
    >
      {props.count}
    </a>
  );
}

/** A rate and its 95% Wilson interval. */
export function RateWithInterval(props: { rate: Interval; digits?: number }) {
  return (
    <span class="rate">
      {formatRate(props.rate.value, props.digits)}
      {props.rate.value !== null && (
        <span class="interval"> ({formatInterval(props.rate.low, props.rate.high)})</span>
      )}
    </span>
  );
}
