/**
 * Instants from the ISO 8601 text of events. A date-time without an offset is read as UTC (the
 * language would read it in the server's zone, and a replay must not depend on where it runs).
 */

const WITHOUT_OFFSET = /T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?$/;

/** Milliseconds since the epoch, or NaN when the text is not a date or date-time. */
export const parseInstant = (value: string): number =>
  Date.parse(WITHOUT_OFFSET.test(value) ? `${value}Z` : value);

/** Milliseconds since the epoch; a text that is not an instant is a corrupt record, not a rule broken. */
export function instantOf(value: string, what: string): number {
  const time = parseInstant(value);
  if (Number.isNaN(time)) throw new RangeError(`${what} is not a valid ISO 8601 date-time: "${value}".`);
  return time;
}

export const DAY_MS = 86_400_000;

/** ISO 8601 text (UTC, milliseconds) of an instant. */
export const isoOf = (time: number): string => new Date(time).toISOString();

/** The UTC year-month (YYYY-MM) of an instant. */
export const periodOf = (value: string): string => isoOf(instantOf(value, 'occurredAt')).slice(0, 7);
