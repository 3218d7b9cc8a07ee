/**
 * Node's socket and name-resolution error codes that mean "the event store did not answer", as
 * opposed to an answer refusing the call; both adapters map them to `EventStoreUnavailableError`.
 */
export const UNREACHABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
