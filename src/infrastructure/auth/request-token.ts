import type { FastifyRequest } from 'fastify';
import type { TokenVerifier, VerifiedToken } from './token-verifier.js';

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;

/** The bearer token of `Authorization: Bearer <JWT>`, if the header has that form. */
export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

const verifications = new WeakMap<FastifyRequest, Promise<VerifiedToken>>();

/**
 * Verifies a request's bearer token once: the rate limiter (which keys on the verified `sub`) and
 * the auth hook both ask, and share the one verification.
 */
export function verifyRequestToken(
  request: FastifyRequest,
  token: string,
  verifier: TokenVerifier,
): Promise<VerifiedToken> {
  let verification = verifications.get(request);
  if (!verification) {
    verification = verifier.verify(token);
    // The limiter may ask first and ignore a rejection; the auth hook reports it.
    verification.catch(() => undefined);
    verifications.set(request, verification);
  }
  return verification;
}
