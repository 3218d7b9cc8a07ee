import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Headers a browser front end sends and may read; everything else stays hidden from scripts. */
const CORS_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'X-Correlation-Id',
  'X-On-Behalf-Of',
  'X-On-Behalf-Of-Name',
];
const CORS_EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Retry-After',
  'Idempotent-Replayed',
  'X-Correlation-Id',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

/**
 * CORS is closed unless CORS_ORIGINS lists the front ends' origins: without the plugin no response
 * carries Access-Control-Allow-Origin, so browsers keep other sites' scripts from reading answers.
 * Bearer tokens, never cookies: no credentials mode. Registered first, so that preflights are
 * answered before rate limit and auth, and 401/429 answers are readable by the allowed front ends.
 */
export async function registerCors(fastify: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  await fastify.register(fastifyCors, {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  });
}
