/**
 * Whether an error says "the database or the event store could not do it now" (retry later) rather
 * than "this event cannot be applied" (a poison event, which stops the projection).
 */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown (also pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '53300', // too_many_connections
  '3D000', // database does not exist (yet / any more)
]);
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const TRANSIENT_MESSAGES =
  /Connection terminated|connection (is )?(closed|ended)|not queryable|Cannot use a pool after calling end|timeout exceeded when trying to connect|Query runner already released|terminating connection/i;
const TRANSIENT_NAMES = new Set([
  'QueryRunnerAlreadyReleasedError',
  'EventStoreUnavailableError',
  'ConnectionLostError',
  'CheckpointMovedError',
]);

export function isTransientError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, name, driverError, cause } = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
  if (code === 'event-store-unreachable') return true;
  if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SOCKET_CODES.has(code)))
    return true;
  if (typeof code === 'string' && /^08[0-9A-Z]{3}$/.test(code)) return true; // connection_exception class
  if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
  return isTransientError(driverError, depth + 1) || isTransientError(cause, depth + 1);
}

/** The worker's connection (and with it the advisory lock) is gone. */
export class ConnectionLostError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionLostError';
  }
}

/** The checkpoint is not where this worker left it: another worker wrote it (the batch was not applied). */
export class CheckpointMovedError extends Error {
  constructor(projection: string, generation: number) {
    super(`The checkpoint of ${projection} generation ${generation} moved under this worker; reloading`);
    this.name = 'CheckpointMovedError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const driver = (error as { driverError?: unknown }).driverError;
    // TypeORM's QueryFailedError repeats the driver's message; the driver's own is the useful one.
    return driver instanceof Error ? driver.message : error.message;
  }
  return String(error);
}
