import type { FastifyInstance, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problem } from '../problem/problem-details.js';
import { sendProblem } from '../problem/problem.filter.js';
import { ProblemException } from '../problem/problem-exception.js';
import { operationOutcomeOf } from './operation-outcome.js';

export const FHIR_BASE = '/fhir/R4';
export const FHIR_CONTENT_TYPE = 'application/fhir+json';

/** Everything under /fhir answers FHIR: OperationOutcome for every error, fhir+json for the rest. */
export const isFhirUrl = (url: string): boolean => /^\/fhir(?:[/?]|$)/.test(url);

/** What the facade answers with, in the client's preference order when it names several. */
const OFFERED = [FHIR_CONTENT_TYPE, 'application/json'].flatMap((type) => [type, `${type}; charset=utf-8`]);

/** `_format` values meaning JSON (FHIR RESTful API "Content Types and encodings"). */
const JSON_FORMATS = new Set(['json', 'application/json', FHIR_CONTENT_TYPE]);

const mediaTypeOf = (header: unknown): string | undefined =>
  typeof header === 'string' ? header.split(';')[0]?.trim().toLowerCase() : undefined;

function notAcceptable(request: FastifyRequest, detail: string): ProblemDetails {
  return problem(406, 'not-acceptable', detail, request.url.split('?')[0] ?? '/');
}

/**
 * The FHIR facade's HTTP conventions, registered beside the API's own: `application/fhir+json`
 * bodies only on /fhir (415 elsewhere), `Accept` and `_format` negotiated after 401 and 403, and
 * every problem answer under /fhir rewritten as an OperationOutcome (after the access log has
 * read its problem code).
 */
export function registerFhirHttp(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (request) => {
    if (mediaTypeOf(request.headers['content-type']) === FHIR_CONTENT_TYPE && !isFhirUrl(request.url)) {
      throw new ProblemException(415, 'unsupported-media-type', 'Send the body as application/json.');
    }
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!isFhirUrl(request.url) || request.routeOptions.url === undefined) return;
    const format = (request.query as Record<string, unknown> | undefined)?._format;
    if (
      format !== undefined &&
      !(typeof format === 'string' && JSON_FORMATS.has(format.replace(/ /g, '+')))
    ) {
      sendProblem(reply, {
        body: notAcceptable(
          request,
          `_format ${String(format)} is not served; the facade answers JSON only.`,
        ),
        headers: {},
      });
      return reply;
    }
    const accept = request.headers.accept;
    if (format !== undefined || accept === undefined || accept.trim() === '') return;
    if (new Negotiator({ headers: { accept } }).mediaType(OFFERED) !== undefined) return;
    sendProblem(reply, {
      body: notAcceptable(
        request,
        `The Accept header allows none of ${FHIR_CONTENT_TYPE}, application/json.`,
      ),
      headers: {},
    });
    return reply;
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (!isFhirUrl(request.url)) return payload;
    const type = mediaTypeOf(reply.getHeader('content-type'));
    if (type === PROBLEM_CONTENT_TYPE && typeof payload === 'string') {
      void reply.header('content-type', `${FHIR_CONTENT_TYPE}; charset=utf-8`);
      return JSON.stringify(operationOutcomeOf(JSON.parse(payload) as ProblemDetails));
    }
    if (type === 'application/json') void reply.header('content-type', `${FHIR_CONTENT_TYPE}; charset=utf-8`);
    return payload;
  });
}
