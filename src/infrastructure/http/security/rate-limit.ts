import fastifyRateLimit, { type RateLimitOptions, normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { bearerTokenOf, verifyRequestToken } from '../../auth/request-token.js';
import type { TokenVerifier } from '../../auth/token-verifier.js';
import type { AppConfig } from '../../config/app-config.js';
import { problem } from '../problem/problem-details.js';
import { sendProblem } from '../problem/problem.filter.js';
import { PostgresRateLimitStore } from './rate-limit.store.js';

const WINDOW_MS = 60_000;
/**
 * Probes are polled by orchestrators and monitoring, never limited; nor is the OpenAPI document,
 * built once at start-up, which clients and validators read before their first call.
 */
export const RATE_LIMIT_EXEMPT: ReadonlySet<string> = new Set([
  '/health',
  '/ready',
  '/metrics',
  '/openapi.json',
]);

const USER_KEY = 'sub:';
const IP_KEY = 'ip:';

/**
 * The bucket a request counts against: its verified token subject, else its client address
 * (`request.ip`: the socket's, or the forwarded one from a proxy TRUST_PROXY trusts). Only
 * a token that verifies names a bucket, so a forged `sub` cannot escape the per-IP limit nor spend
 * somebody else's budget.
 */
async function bucketOf(request: FastifyRequest, verifier: TokenVerifier): Promise<string> {
  const bearer = request.routeOptions.config?.access ? bearerTokenOf(request) : undefined;
  if (bearer) {
    try {
      const { sub } = await verifyRequestToken(request, bearer, verifier);
      return `${USER_KEY}${sub}`;
    } catch {
      // rejected by the auth hook right after; counts against the caller's address
    }
  }
  return `${IP_KEY}${normalizeIP(request.ip)}`;
}

/**
 * Rate limits of docs/api.md: per authenticated `sub` and per IP for unauthenticated requests, over a
 * one-minute window, counted in the read-model database so that every instance on it shares them.
 * The hook runs at onRequest, before the auth hook and before the body is read, so floods of bad
 * tokens or oversized bodies are cut off cheaply. Exceeding answers 429 problem+json `rate-limited`
 * with `Retry-After` (seconds).
 */
export async function registerRateLimits(
  fastify: FastifyInstance,
  limits: AppConfig['rateLimits'],
  verifier: TokenVerifier,
  counters: () => DataSource,
): Promise<void> {
  if (limits.perUserPerMinute === 0 && limits.perIpPerMinute === 0) return;
  await fastify.register(fastifyRateLimit, { global: false, store: PostgresRateLimitStore.over(counters) });
  const maxFor = (key: string): number =>
    key.startsWith(USER_KEY) ? limits.perUserPerMinute : limits.perIpPerMinute;
  const options: RateLimitOptions = {
    timeWindow: WINDOW_MS,
    // Unreachable counters must not turn every request into a 500: the request goes on unlimited.
    skipOnError: true,
    keyGenerator: (request) => bucketOf(request, verifier),
    max: (_request, key) => maxFor(key),
    // 0 turns a limit off.
    allowList: (_request, key) => maxFor(key) === 0,
  };
  const limit = fastify.createRateLimit(options);
  fastify.addHook('onRequest', async (request, reply) => {
    if (RATE_LIMIT_EXEMPT.has(request.routeOptions.url ?? '')) return;
    const outcome = await limit(request);
    if (outcome.isAllowed) return;
    void reply.headers({
      'x-ratelimit-limit': String(outcome.max),
      'x-ratelimit-remaining': String(outcome.remaining),
      'x-ratelimit-reset': String(outcome.ttlInSeconds),
    });
    if (!outcome.isExceeded) return;
    const retryAfter = String(Math.max(1, outcome.ttlInSeconds));
    const who = outcome.key.startsWith(USER_KEY) ? 'this user' : 'this address';
    sendProblem(reply, {
      body: problem(
        429,
        'rate-limited',
        `More than ${outcome.max} requests a minute from ${who}; retry after ${retryAfter} s.`,
        request.url.split('?')[0] ?? '/',
      ),
      headers: { 'retry-after': retryAfter },
    });
    return reply;
  });
}
