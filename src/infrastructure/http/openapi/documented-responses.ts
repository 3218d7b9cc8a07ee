import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem-details.js';
import { RATE_LIMIT_EXEMPT } from '../security/rate-limit.js';

/** The slice of an OpenAPI operation this module reads and completes. */
interface Operation {
  parameters?: Array<{ in: string; name: string } | { $ref: string }>;
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, Response>;
}

interface Response {
  description: string;
  content?: Record<string, { schema?: unknown }>;
}

/** A problem answer some routes give, and which routes: decided from the operation alone. */
interface ProblemRule {
  status: string;
  description: string;
  applies: (operation: Operation, path: string, method: string) => boolean;
}

const has = (operation: Operation, where: string): boolean =>
  (operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === where);

const isProtected = (operation: Operation): boolean => (operation.security ?? []).length > 0;

/**
 * Whether a body can reach the route: one it declares, or any sent to a POST, PUT or PATCH, which the
 * body parser reads (and refuses: 400, 413, 415) before the route is reached.
 */
const takesBody = (operation: Operation, method: string): boolean =>
  !!operation.requestBody || ['post', 'put', 'patch'].includes(method);

/**
 * The problem answers the engine's shared HTTP layer gives, whichever route it is: the hooks in
 * configure-http.ts (rate limits, authentication, access, content negotiation), the pipes that
 * check path ids, query strings and bodies, the JSON body parser and the problem filter. A route
 * documents its own domain answers (409, 412, 422) itself; these rules add only what it lacks, so
 * a new route is documented by what it declares (a path id, a body, a guard), never by a list.
 */
const PROBLEM_RULES: readonly ProblemRule[] = [
  {
    status: '400',
    description: 'A malformed path id or query parameter, or an invalid body (errors[] names the fields)',
    applies: (operation, _path, method) =>
      has(operation, 'path') || has(operation, 'query') || takesBody(operation, method),
  },
  {
    status: '401',
    description: 'No token, or an invalid or expired one',
    applies: isProtected,
  },
  {
    status: '403',
    description: 'The token’s roles may not do this',
    applies: isProtected,
  },
  {
    status: '404',
    description: 'Nothing with that id',
    applies: (operation) => has(operation, 'path'),
  },
  {
    status: '406',
    description: 'The Accept header allows none of the media types this route answers with',
    applies: isProtected,
  },
  {
    status: '413',
    description: 'The body is larger than 256 KiB',
    applies: (operation, _path, method) => takesBody(operation, method),
  },
  {
    status: '415',
    description: 'The body is not UTF-8 application/json',
    applies: (operation, _path, method) => takesBody(operation, method),
  },
  {
    status: '429',
    description:
      'Too many requests from this user or address (rate-limited); Retry-After says when to try again',
    applies: (_operation, path) => !RATE_LIMIT_EXEMPT.has(path),
  },
  {
    status: '503',
    description:
      'The event store or the read models do not answer, a read model is not built yet, or the request ' +
      'took too long (timeout); Retry-After says when to try again',
    applies: () => true,
  },
];

const PROBLEM_SCHEMA = { $ref: '#/components/schemas/ProblemDto' };

/** What every problem answer carries: RFC 9457 problem details. */
const problemContent = () => ({ [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_SCHEMA } });

/** Every operation of the document, with its OpenAPI path. */
export function operationsOf(document: OpenAPIObject): Array<[string, string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method))
      .map(([method, operation]): [string, string, Operation] => [path, method, operation]),
  );
}

/**
 * Completes each operation's responses: the problem answers of PROBLEM_RULES it lacks, and every
 * answer from 400 up as `application/problem+json` only (a route that also serves CSV or PDF
 * still answers errors as problem details).
 */
export function documentProblemResponses(document: OpenAPIObject): void {
  for (const [path, method, operation] of operationsOf(document)) {
    for (const rule of PROBLEM_RULES) {
      if (operation.responses[rule.status] === undefined && rule.applies(operation, path, method)) {
        operation.responses[rule.status] = { description: rule.description, content: problemContent() };
      }
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      if (Number(status) < 400) continue;
      const schema =
        response.content?.[PROBLEM_CONTENT_TYPE]?.schema ?? response.content?.['application/json']?.schema;
      response.content = { [PROBLEM_CONTENT_TYPE]: { schema: schema ?? PROBLEM_SCHEMA } };
    }
  }
}
