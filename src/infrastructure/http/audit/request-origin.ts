import type { FastifyRequest } from 'fastify';
import type { AccessRecord, AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import type { HttpExchange } from '../case/command-context.js';

/** Where a request came from, as the access log keeps it (never the query string or the token). */
export function requestOrigin(
  request: FastifyRequest,
): Pick<AccessRecord, 'ip' | 'userAgent' | 'correlationId'> {
  return { ip: request.ip, userAgent: request.headers['user-agent'], correlationId: request.id };
}

/** What a read route says of its read; who made it and from where come from the exchange. */
export type ReadRecord = Omit<AccessRecord, 'identity' | 'ip' | 'userAgent' | 'correlationId'>;

/**
 * Records the caller's read of case data before it is answered: a read that cannot be recorded is
 * not served.
 */
export function recordRead(
  access: AccessRecorder,
  { identity, request }: Pick<HttpExchange, 'identity' | 'request'>,
  read: ReadRecord,
): Promise<void> {
  return access.record({ ...read, identity, ...requestOrigin(request) });
}
