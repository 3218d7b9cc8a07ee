import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '../problem/problem-exception.js';
import { IdempotencyStore } from './idempotency.store.js';

/** What an Idempotency-Key may be (also the OpenAPI header's pattern). */
export const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;
/** Headers of a command response that a replay repeats. */
const REPLAYED_HEADERS = ['etag', 'location'];

export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw new ProblemException(
      400,
      'invalid-header',
      'Idempotency-Key must be 1 to 255 characters of A-Z a-z 0-9 . _ : -.',
    );
  }
  return header;
}

/** Same caller, same key: the scope CommandIds derives deterministic ids from. */
export function idempotencyScope(request: FastifyRequest): string | undefined {
  const key = idempotencyKeyOf(request);
  return key && request.identity ? `${request.identity.sub}\u0000${key}` : undefined;
}

function requestHash(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  const body = canonicalize(request.body ?? null) ?? '';
  // Headers that change what the command means are part of "the same request".
  const meaning = [
    request.method,
    path,
    body,
    request.headers['if-match'] ?? '',
    request.headers['x-on-behalf-of'] ?? '',
  ];
  return createHash('sha256').update(meaning.join('\u0000')).digest('hex');
}

/**
 * `Idempotency-Key` on POST (docs/api.md): the same key with the same request replays the first
 * response byte for byte with `Idempotent-Replayed: true` and writes nothing; the same key with a
 * different request → 422 `idempotency-key-reuse`. Runs after validation, as docs/api.md orders checks.
 */
@Injectable()
export class Idempotency {
  constructor(private readonly store: IdempotencyStore) {}

  async run(
    request: FastifyRequest,
    reply: FastifyReply,
    action: () => Promise<unknown>,
  ): Promise<string | unknown> {
    const key = idempotencyKeyOf(request);
    if (key === undefined || !request.identity) return action();
    const scope = request.identity.sub;
    const claim = await this.store.claim(scope, key, requestHash(request));
    switch (claim.kind) {
      case 'replay':
        void reply
          .status(claim.response.status)
          .headers(claim.response.headers)
          .header('content-type', 'application/json; charset=utf-8')
          .header('idempotent-replayed', 'true');
        return claim.response.body;
      case 'reused':
        throw new ProblemException(
          422,
          'idempotency-key-reuse',
          'This Idempotency-Key was already used with a different request.',
        );
      case 'in-progress':
        throw new ProblemException(
          409,
          'idempotency-in-progress',
          'A request with this Idempotency-Key is still being processed; retry shortly.',
          {
            headers: { 'retry-after': '1' },
          },
        );
      case 'claimed':
        break;
    }
    let result: unknown;
    try {
      result = await action();
    } catch (error) {
      await this.store.release(scope, key);
      throw error;
    }
    // Serialised here so that a replay can send exactly these bytes.
    const body = JSON.stringify(result);
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (typeof value === 'string') headers[name] = value;
    }
    await this.store.complete(scope, key, { status: reply.statusCode, headers, body });
    void reply.header('content-type', 'application/json; charset=utf-8');
    return body;
  }
}
