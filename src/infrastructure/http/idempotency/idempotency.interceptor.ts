import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, catchError, from, mergeMap, of, throwError } from 'rxjs';
import { ProblemException } from '../problem/problem-exception.js';
import { IdempotencyStore } from './idempotency.store.js';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;
/** Headers of a command response that a replay repeats. */
const REPLAYED_HEADERS = ['etag', 'location', 'content-type'];

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
 * `Idempotency-Key` on POST: the same key with the same request replays the first response
 * byte for byte (`Idempotent-Replayed: true`); with another body → 422 `idempotency-key-reuse`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const key = idempotencyKeyOf(request);
    if (request.method !== 'POST' || key === undefined || !request.identity) return next.handle();
    const scope = request.identity.sub;
    const hash = requestHash(request);

    return from(this.store.claim(scope, key, hash)).pipe(
      mergeMap((claim) => {
        switch (claim.kind) {
          case 'replay':
            void reply
              .status(claim.response.status)
              .headers(claim.response.headers)
              .header('idempotent-replayed', 'true');
            return of(claim.response.body);
          case 'reused':
            return throwError(
              () =>
                new ProblemException(
                  422,
                  'idempotency-key-reuse',
                  'This Idempotency-Key was already used with a different request.',
                ),
            );
          case 'in-progress':
            return throwError(
              () =>
                new ProblemException(
                  409,
                  'idempotency-in-progress',
                  'A request with this Idempotency-Key is still being processed; retry shortly.',
                  { headers: { 'retry-after': '1' } },
                ),
            );
          case 'claimed':
            return next.handle().pipe(
              mergeMap((result: unknown) => {
                const body = JSON.stringify(result);
                void reply.header('content-type', 'application/json; charset=utf-8');
                const headers: Record<string, string> = {};
                for (const name of REPLAYED_HEADERS) {
                  const value = reply.getHeader(name);
                  if (typeof value === 'string') headers[name] = value;
                }
                const response = { status: reply.statusCode, headers, body };
                return from(this.store.complete(scope, key, response)).pipe(mergeMap(() => of(body)));
              }),
              catchError((error: unknown) =>
                from(this.store.release(scope, key)).pipe(mergeMap(() => throwError(() => error))),
              ),
            );
        }
      }),
    );
  }
}
