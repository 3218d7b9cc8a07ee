import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessAction } from '../../../application/auth/access-policy.js';
import type { HistoryPoint } from '../../../application/case/queries/get-case-history.query.js';
import { assertNever } from '../../../domain/kernel/decider.js';
import { UUID_PATTERN } from '../../../domain/kernel/identifiers.js';
import type { AccessingIdentity, AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import {
  type AccessedResource,
  type AskedHistoryPoint,
  REFUSED_STATUSES,
  type RefusedStatus,
} from '../../../projections/access-log/case-data-accessed.event.js';
import { bearerTokenOf, verifyRequestToken } from '../../auth/request-token.js';
import type { TokenVerifier } from '../../auth/token-verifier.js';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem-details.js';
import { requestOrigin } from './request-origin.js';

/**
 * The access actions that read case data, and what each reads (the same resources a successful read
 * records). A route of `read-audit-trail` that names a case reads that case's trail.
 */
const READ_RESOURCES: Partial<Record<AccessAction, AccessedResource>> = {
  'read-case': 'case',
  'read-history': 'history',
  'read-audit-trail': 'audit-search',
  'read-worklist': 'worklist',
  'read-reader-metrics': 'reader-metrics',
  'read-shopping-flags': 'shopping-flags',
  'read-access-log': 'access-log',
  'read-dossier': 'dossier',
};

const PROBLEM_CODE = /^[a-z0-9-]{1,64}$/;

const askedPoints = new WeakMap<FastifyRequest, AskedHistoryPoint>();

/** The point of the history a request asked for, as the access log records it (none for the latest). */
export function askedHistoryPoint(point: HistoryPoint): AskedHistoryPoint | undefined {
  switch (point.kind) {
    case 'latest':
      return undefined;
    case 'revision':
      return { revision: point.revision };
    case 'as-of':
      return { asOf: point.time.toISOString() };
    case 'as-occurred-by':
      return { asOccurredBy: point.time.toISOString() };
    default:
      return assertNever(point, 'history point');
  }
}

/** Remembers the validated point a history request asked for, should its answer be a refusal. */
export function noteAskedHistoryPoint(request: FastifyRequest, point: AskedHistoryPoint | undefined): void {
  if (point !== undefined) askedPoints.set(request, point);
}

const isRefused = (status: number): status is RefusedStatus =>
  (REFUSED_STATUSES as readonly number[]).includes(status);

function caseIdOf(request: FastifyRequest): string | undefined {
  const caseId = (request.params as Record<string, unknown> | undefined)?.caseId;
  // Only an id that can name a case: anything else would name an access stream after client text.
  return typeof caseId === 'string' && UUID_PATTERN.test(caseId) ? caseId.toLowerCase() : undefined;
}

function resourceOf(request: FastifyRequest, caseId: string | undefined): AccessedResource | undefined {
  const action = request.routeOptions.config?.access;
  const resource = action === undefined ? undefined : READ_RESOURCES[action];
  return resource === 'audit-search' && caseId !== undefined ? 'audit-trail' : resource;
}

function problemCodeOf(reply: FastifyReply, payload: unknown): string | undefined {
  const type = reply.getHeader('content-type');
  if (typeof payload !== 'string' || typeof type !== 'string' || !type.startsWith(PROBLEM_CONTENT_TYPE)) {
    return undefined;
  }
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'string' && PROBLEM_CODE.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Who made a refused request: the verified caller, else the subject of a token that verified (a 403 of the role check), else nobody. */
async function callerOf(
  request: FastifyRequest,
  verifier: TokenVerifier,
): Promise<AccessingIdentity | undefined> {
  if (request.identity) return request.identity;
  const bearer = bearerTokenOf(request);
  if (!bearer) return undefined;
  try {
    // The auth hook's verification of this request, remembered: no second signature check.
    return { sub: (await verifyRequestToken(request, bearer, verifier)).sub };
  } catch {
    return undefined;
  }
}

/**
 * Records attempts on case data answered 401, 403 or 404 in the access log (docs/projections.md
 * "Access log"): who (the verified subject, else `anonymous` and the IP), what, when, the status
 * and problem code. It runs just before the answer is sent, so a refusal the caller saw is already
 * on record, in the order the caller met it; a failure to record is logged and the refusal is still
 * sent unchanged. Neither the query string nor the token is recorded.
 */
export function registerRefusedAccessLog(
  fastify: FastifyInstance,
  verifier: TokenVerifier,
  recorder: () => AccessRecorder,
): void {
  const logger = new Logger('AccessLog');
  fastify.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    if (!isRefused(status) || request.routeOptions.config?.access === undefined) return payload;
    const caseId = caseIdOf(request);
    const resource = resourceOf(request, caseId);
    if (resource === undefined) return payload;
    try {
      await recorder().recordRefused({
        caseId,
        resource,
        identity: await callerOf(request, verifier),
        ...requestOrigin(request),
        status,
        problemCode: problemCodeOf(reply, payload),
        point: askedPoints.get(request),
      });
    } catch (error) {
      logger.error(
        { err: error, url: request.url.split('?')[0], status },
        'A refused attempt on case data could not be recorded in the access log',
      );
    }
    return payload;
  });
}
