import type { FastifyRequest } from 'fastify';
import type { AccessRecord } from '../../../projections/access-log/access-recorder.js';

/** Where a request came from, as the access log keeps it (never the query string or the token). */
export function requestOrigin(
  request: FastifyRequest,
): Pick<AccessRecord, 'ip' | 'userAgent' | 'correlationId'> {
  return { ip: request.ip, userAgent: request.headers['user-agent'], correlationId: request.id };
}
