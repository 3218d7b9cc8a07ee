import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyServerOptions } from 'fastify';
import { DataSource } from 'typeorm';
import { offeredMediaTypes, registerContentNegotiation } from './content-negotiation.js';
import { isFhirUrl, registerFhirHttp } from './fhir/fhir-http.js';
import { correlationIdOf } from './correlation-id.js';
import { registerAuthHook } from '../auth/auth.hook.js';
import { AccessRecorder } from '../../projections/access-log/access-recorder.js';
import { registerRefusedAccessLog } from './audit/refused-access.hook.js';
import { TokenVerifier } from '../auth/token-verifier.js';
import type { AppConfig } from '../config/app-config.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { BODY_LIMIT_BYTES, registerJsonBodyParser } from './json-body.js';
import { RouteMethods, registerMethodNotAllowed } from './method-not-allowed.js';
import { applyDocumentFrame } from './openapi/document-frame.js';
import { documentProblemResponses } from './openapi/documented-responses.js';
import {
  applyValidationConstraints,
  exampleEveryUuid,
  forbidUnknownBodyFields,
  makeNullablesValidate,
} from './openapi/schema-constraints.js';
import { problem } from './problem/problem-details.js';
import { ProblemFilter, sendProblem } from './problem/problem.filter.js';
import { registerCors } from './security/cors.js';
import { registerRateLimits } from './security/rate-limit.js';
import { registerSecurityHeaders } from './security/security-headers.js';
import { registerWebApp } from './web-app/web-app.js';
import { OPERATIONS_PATHS, servesApi } from '../runtime/engine-role.js';

/**
 * fastify's `trustProxy` for TRUST_PROXY. fastify ignores a bare hop count (it cannot tell a proxy
 * from a client that dials in directly), so hops are given as proxy-addr's hop rule: the socket peer
 * and the next `hops - 1` forwarders are proxies.
 */
function trustProxyOption(trust: AppConfig['trustProxy']): FastifyServerOptions['trustProxy'] {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

function fastifyOptions(
  config: Pick<AppConfig, 'requestHandlerTimeoutMs' | 'trustProxy'>,
): FastifyServerOptions {
  return {
    bodyLimit: BODY_LIMIT_BYTES,
    // request.ip (rate limits, access log, request log) believes X-Forwarded-For only from these.
    trustProxy: trustProxyOption(config.trustProxy),
    // nestjs-pino logs requests; fastify's own logger stays off.
    logger: false,
    // A stalled client must not hold a connection forever.
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    // From routing to response: a request stuck on a slow store is answered 503 `timeout` (0: never).
    ...(config.requestHandlerTimeoutMs > 0 && { handlerTimeout: config.requestHandlerTimeoutMs }),
    // While closing, new requests are answered 503 problem+json by the hook in configureHttp,
    // not fastify's bare JSON.
    return503OnClosing: false,
    // The request id is the correlation id: X-Correlation-Id when it is sane, else a new UUID.
    requestIdHeader: false,
    genReqId: (request) => correlationIdOf(request.headers['x-correlation-id']),
    // Errors fastify raises while routing, before any hook or Nest (a malformed %-escape in the
    // path, a path parameter over 100 characters): problem+json like every other error, never
    // fastify's bare JSON. An over-long parameter cannot be an id, so it is a 400, not a 414.
    frameworkErrors: (error, request, reply) => {
      const instance = (request.raw.url ?? '/').split('?')[0] ?? '/';
      const detail =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'A path parameter is longer than 100 characters; ids are far shorter.'
          : error.code === 'FST_ERR_BAD_URL'
            ? 'The path is not a valid URL (a malformed %-escape).'
            : 'The request could not be routed.';
      const status = error.code === 'FST_ERR_ASYNC_CONSTRAINT' ? 500 : 400;
      sendProblem(reply.header('x-correlation-id', request.id).header('x-content-type-options', 'nosniff'), {
        body: problem(status, status === 400 ? 'bad-request' : 'internal-error', detail, instance),
        headers: {},
      });
    },
  };
}

export function openApiDocument(app: NestFastifyApplication) {
  const config = new DocumentBuilder()
    .setTitle('X-ray second-opinion adjudication engine')
    .setDescription(
      'Event-sourced case adjudication for X-ray second opinions. Every change is an immutable event; ' +
        'errors are RFC 9457 problem+json whose `type` is a page of this engine: `GET /problems` lists every code.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  // The schemas say what the DTOs' validators enforce (before the document is generated from them).
  applyValidationConstraints();
  const document = SwaggerModule.createDocument(app, config);
  makeNullablesValidate(document);
  forbidUnknownBodyFields(document);
  exampleEveryUuid(document);
  // Every problem answer a route can give, as application/problem+json.
  documentProblemResponses(document);
  // Servers, licence, tags and public operations' `security: []`: last, over every operation.
  applyDocumentFrame(document);
  return document;
}

/** HTTP concerns shared by main.ts and the end-to-end tests, so the tests exercise the real set-up. */
export async function configureHttp(app: NestFastifyApplication, config: RuntimeConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // First: the CORS plugin below registers a route of its own.
  const routeMethods = RouteMethods.record(fastify);
  registerJsonBodyParser(fastify);
  // onRequest hooks run in this order; each later one may answer early (429, 401, 403), and that
  // answer still carries CORS, security headers and the correlation id.
  await registerCors(fastify, config.corsOrigins);
  // The web app's sign-in talks to the OpenID provider (discovery, token exchange) from the browser.
  const oidcIssuer = config.auth.oidc?.issuer;
  await registerSecurityHeaders(fastify, {
    appConnectOrigins: oidcIssuer ? [new URL(oidcIssuer).origin] : [],
  });
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-correlation-id', request.id);
  });
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    sendProblem(reply.header('connection', 'close'), {
      body: problem(
        503,
        'service-unavailable',
        'The engine is shutting down; retry on another instance or later.',
        request.url.split('?')[0] ?? '/',
      ),
      headers: { 'retry-after': '5' },
    });
    return reply;
  });
  // A projector-role process answers its probes and metrics; the API is served by the API processes.
  if (!servesApi(config.role)) {
    fastify.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (OPERATIONS_PATHS.has(path)) return;
      sendProblem(reply, {
        body: problem(
          404,
          'not-found',
          'This engine process is a projector (ENGINE_ROLE=projector): it serves only /health, /ready and /metrics.',
          path,
        ),
        headers: {},
      });
      return reply;
    });
  }
  const verifier = new TokenVerifier(config.auth);
  await registerRateLimits(fastify, config.rateLimits, verifier, () => app.get(DataSource));
  registerAuthHook(fastify, verifier);
  // Attempts on case data answered 401, 403 or 404 go to the access log, once answered.
  registerRefusedAccessLog(fastify, verifier, () => app.get(AccessRecorder));
  // Filled once the routes exist (below): what each route answers, from the OpenAPI document.
  let offered: ReadonlyMap<string, readonly string[]> = new Map();
  registerContentNegotiation(fastify, () => offered);
  // The FHIR facade negotiates fhir+json and answers OperationOutcome (after the access log's onSend).
  registerFhirHttp(fastify);
  registerMethodNotAllowed(fastify, routeMethods);
  // While shutting down, answers close their connection: a kept-alive socket would hold close() open.
  fastify.addHook('onSend', async (_request, reply) => {
    if (SHUTTING_DOWN.has(fastify)) void reply.header('connection', 'close');
  });
  fastify.addHook('onRoute', (route) => {
    const access = route.config?.access;
    // The FHIR facade's routes are its own table (docs/fhir.md), with FHIR's errors.
    if (access && !isFhirUrl(route.url))
      routeTable(fastify).push({ method: String(route.method), url: route.url, action: access });
  });
  // Errors raised before Nest's router (content-type, body size, JSON syntax) reach Nest's error
  // handler too, and so this filter.
  app.useGlobalFilters(new ProblemFilter());
  await app.init();
  const document = openApiDocument(app);
  offered = offeredMediaTypes(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    // No badge from validator.swagger.io: it would send this host's URL there (and the CSP blocks it).
    swaggerOptions: { validatorUrl: null },
  });
  await registerWebApp(fastify);
}
configureHttp.fastifyOptions = fastifyOptions;

const SHUTTING_DOWN = new WeakSet<object>();

/**
 * Graceful shutdown, first step: answers from now on close their connection, and idle kept-alive
 * connections are closed as they become idle, so that `app.close()` ends once the requests in
 * flight are answered instead of waiting out fastify's keep-alive timeout.
 */
export function beginShutdown(app: NestFastifyApplication): () => void {
  SHUTTING_DOWN.add(app.getHttpAdapter().getInstance());
  const server = app.getHttpServer() as { closeIdleConnections?: () => void };
  const timer = setInterval(() => server.closeIdleConnections?.(), 100);
  timer.unref();
  return () => clearInterval(timer);
}

const ROUTES = new WeakMap<object, Array<{ method: string; url: string; action: string }>>();

/** The protected routes the application registered, with the access-policy action of each (authorisation-matrix test). */
export function routeTable(fastify: object): Array<{ method: string; url: string; action: string }> {
  let routes = ROUTES.get(fastify);
  if (!routes) ROUTES.set(fastify, (routes = []));
  return routes;
}
