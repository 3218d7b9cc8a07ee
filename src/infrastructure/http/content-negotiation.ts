import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import Negotiator from 'negotiator';
import { PROBLEM_CONTENT_TYPE, problem } from './problem/problem-details.js';
import { sendProblem } from './problem/problem.filter.js';

/** What an API route answers on success when its OpenAPI operation names no media type. */
const DEFAULT_MEDIA_TYPE = 'application/json';

/** Every text the API sends is UTF-8, so an Accept asking for `charset=utf-8` is met. */
const inUtf8 = (type: string): string => (type.includes(';') ? type : `${type}; charset=utf-8`);

/**
 * The media types each API route answers with, by `METHOD /fastify/:route`: those its OpenAPI
 * operation lists for its 2xx responses (the audit trail's `text/csv` comes from its
 * `@ApiProduces`), then problem+json, which every error is.
 */
export function offeredMediaTypes(document: OpenAPIObject): Map<string, readonly string[]> {
  const offered = new Map<string, readonly string[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    const url = path.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(item) as Array<
      [string, { responses?: Record<string, { content?: Record<string, unknown> }> }]
    >) {
      const success = Object.entries(operation.responses ?? {})
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([, response]) => Object.keys(response.content ?? {}));
      const types = new Set([...(success.length > 0 ? success : [DEFAULT_MEDIA_TYPE]), PROBLEM_CONTENT_TYPE]);
      offered.set(`${method.toUpperCase()} ${url}`, [...types].map(inUtf8));
    }
  }
  return offered;
}

/**
 * 406 for an `Accept` that allows none of what the route answers, decided before the body is read
 * (after 401 and 403), so a command the client could not read the answer of is never run. Only the
 * API routes (those with an access action) negotiate; health, metrics and docs answer as they are.
 * No `Accept`, or an empty one, accepts anything.
 */
export function registerContentNegotiation(
  fastify: FastifyInstance,
  offered: () => ReadonlyMap<string, readonly string[]>,
): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const accept = request.headers.accept;
    if (accept === undefined || accept.trim() === '' || !request.routeOptions.config?.access) return;
    // The FHIR facade negotiates its own media types (fhir/fhir-http.ts).
    if (/^\/fhir(?:[/?]|$)/.test(request.url)) return;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const types =
      offered().get(`${method} ${request.routeOptions.url ?? ''}`) ??
      [DEFAULT_MEDIA_TYPE, PROBLEM_CONTENT_TYPE].map(inUtf8);
    if (new Negotiator({ headers: { accept } }).mediaType(types) !== undefined) return;
    const instance = request.url.split('?')[0] ?? '/';
    sendProblem(reply, {
      body: problem(
        406,
        'not-acceptable',
        `The Accept header allows none of the media types ${instance} answers with: ${types.join(', ')}.`,
        instance,
      ),
      headers: {},
    });
    return reply;
  });
}
