import { query } from '../../api/client';
import { formatInstant } from '../../ui/format';

/**
 * Where the replay stops, exactly as the URL says it (`?revision=k`, `?asOf=…`, `?asOccurredBy=…`)
 * and as GET /history takes it: the engine validates the values, so a bookmark it refuses shows
 * its problem rather than a guess.
 */
export type ReplayPoint =
  | { kind: 'latest' }
  | { kind: 'revision'; revision: string }
  | { kind: 'asOf'; time: string }
  | { kind: 'asOccurredBy'; time: string };

export type TimeKind = Extract<ReplayPoint, { time: string }>['kind'];

export function replayPointOf(search: Record<string, string | undefined>): ReplayPoint {
  if (search.revision !== undefined) return { kind: 'revision', revision: search.revision };
  if (search.asOf !== undefined) return { kind: 'asOf', time: search.asOf };
  if (search.asOccurredBy !== undefined) return { kind: 'asOccurredBy', time: search.asOccurredBy };
  return { kind: 'latest' };
}

function parametersOf(point: ReplayPoint): Record<string, string> {
  switch (point.kind) {
    case 'latest':
      return {};
    case 'revision':
      return { revision: point.revision };
    case 'asOf':
      return { asOf: point.time };
    case 'asOccurredBy':
      return { asOccurredBy: point.time };
    default:
      return assertNever(point);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unknown replay point: ${JSON.stringify(value)}`);
}

const casePath = (caseId: string) => encodeURIComponent(caseId);

export const historyPath = (caseId: string, point: ReplayPoint): string =>
  `/api/v1/cases/${casePath(caseId)}/history${query(parametersOf(point))}`;

export const timelineUrl = (caseId: string, point: ReplayPoint): string =>
  `/app/cases/${casePath(caseId)}${query(parametersOf(point))}`;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** How the replay point reads in a heading: "State at revision 9", "State as recorded at …". */
export function pointHeading(point: ReplayPoint, revision: number): string {
  switch (point.kind) {
    case 'latest':
      return `Current state (revision ${revision})`;
    case 'revision':
      return `State at revision ${revision}`;
    case 'asOf':
      return `State as recorded at ${momentText(point.time)} (revision ${revision})`;
    case 'asOccurredBy':
      return `State as occurred by ${momentText(point.time)} (revision ${revision})`;
    default:
      return assertNever(point);
  }
}

/** A date names its whole UTC day, through its end (docs/api.md "Dates"). */
const momentText = (time: string): string =>
  DATE_ONLY.test(time) ? `the end of ${time} (UTC)` : formatInstant(time);

/**
 * The time field holds UTC wall-clock time (`datetime-local` has no zone): the URL's instant in
 * that form, and back. Milliseconds count: one command's events are often recorded within a second.
 */
export function timeFieldValue(time: string | undefined): string {
  if (!time) return '';
  if (DATE_ONLY.test(time)) return `${time}T23:59:59.999`;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 23);
}

export function instantFromField(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return null;
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const date = new Date(`${withSeconds}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
