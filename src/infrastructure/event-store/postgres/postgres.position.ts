import { InvalidPositionError, type Position } from '../../../application/ports/event-store.port.js';

export { InvalidPositionError };

/**
 * A PostgreSQL position is the read-all sort key of an event, `<restore_epoch>/<transaction_id>/<global_position>`,
 * e.g. `1/7421/1003`. Compared as a triple, never as a string.
 */
export interface PostgresPosition {
  restoreEpoch: number;
  /** xid8, kept as decimal text (64-bit). */
  transactionId: string;
  /** bigint, kept as decimal text (64-bit). */
  globalPosition: string;
}

/** Before every event: epochs start at 1. */
export const ORIGIN: PostgresPosition = { restoreEpoch: 0, transactionId: '0', globalPosition: '0' };

const POSITION_PATTERN = /^(0|[1-9]\d{0,9})\/(0|[1-9]\d{0,19})\/(0|[1-9]\d{0,18})$/;
const MAX_INT4 = 2_147_483_647;
const MAX_XID8 = 18_446_744_073_709_551_615n;
const MAX_INT8 = 9_223_372_036_854_775_807n;

export function formatPosition(
  restoreEpoch: number,
  transactionId: string,
  globalPosition: string,
): Position {
  return `${restoreEpoch}/${transactionId}/${globalPosition}` as Position;
}

export function parsePosition(position: unknown): PostgresPosition {
  const match = typeof position === 'string' ? POSITION_PATTERN.exec(position) : null;
  if (!match || Number(match[1]) > MAX_INT4 || BigInt(match[2]) > MAX_XID8 || BigInt(match[3]) > MAX_INT8) {
    throw new InvalidPositionError(
      position,
      'a PostgreSQL position reads "<restore epoch>/<transaction id>/<global position>", e.g. "1/7421/1003"',
    );
  }
  return { restoreEpoch: Number(match[1]), transactionId: match[2], globalPosition: match[3] };
}
