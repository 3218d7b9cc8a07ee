import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem } from '../http/problem/problem-details.js';
import { sendProblem } from '../http/problem/problem.filter.js';
import { ACCESS_POLICY, allowingRole } from '../../application/auth/access-policy.js';
import { bearerTokenOf, verifyRequestToken } from './request-token.js';
import {
  STEP_UP_PROBLEM_CODE,
  signingAuthentication,
  stepUpChallenge,
  stepUpDetail,
} from './recent-authentication.js';
import { ACTOR_ID_PATTERN, TokenRejected, type TokenVerifier } from './token-verifier.js';
import './identity.js';

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

function reject(
  reply: FastifyReply,
  request: FastifyRequest,
  status: 401 | 403 | 400,
  code: string,
  detail: string,
  challenge = 'Bearer realm="xray-second-opinion"',
  extensions: Record<string, unknown> = {},
): FastifyReply {
  const instance = request.url.split('?')[0] ?? '/';
  const headers: Record<string, string> = status === 401 ? { 'www-authenticate': challenge } : {};
  sendProblem(reply, { body: problem(status, code, detail, instance, extensions), headers });
  return reply;
}

/**
 * Authentication and the role check run in fastify's onRequest hook, before the body is read, so
 * that the order of checks of docs/api.md holds: 401 → 403 → 415 → 413 → 400 → …
 * A signing route (config `signs`) also needs a recent sign-in: after the role check, since signing
 * in again would not help a caller the role check refuses (recent-authentication.ts).
 */
export function registerAuthHook(fastify: FastifyInstance, verifier: TokenVerifier): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const action = request.routeOptions.config?.access;
    if (!action) return; // public route (health, docs, metrics)
    const bearer = bearerTokenOf(request);
    if (!bearer) {
      return reject(reply, request, 401, 'unauthorized', 'Send a bearer token: Authorization: Bearer <JWT>.');
    }
    let token;
    try {
      token = await verifyRequestToken(request, bearer, verifier);
    } catch (error) {
      const reason = error instanceof TokenRejected ? error.reason : 'the token could not be verified';
      return reject(reply, request, 401, 'unauthorized', `Authentication failed: ${reason}.`);
    }
    const role = allowingRole(action, token.roles);
    if (!role) {
      const allowed = ACCESS_POLICY[action].join(', ');
      return reject(reply, request, 403, 'forbidden', `This action needs one of the roles: ${allowed}.`);
    }
    let onBehalfOf: { id: string; name?: string } | undefined;
    const behalfId = request.headers['x-on-behalf-of'];
    if (behalfId !== undefined) {
      if (role !== 'integrator') {
        return reject(
          reply,
          request,
          403,
          'forbidden',
          'Only integrators may act on behalf of another person.',
        );
      }
      if (typeof behalfId !== 'string' || !ACTOR_ID_PATTERN.test(behalfId)) {
        return reject(
          reply,
          request,
          400,
          'invalid-header',
          'X-On-Behalf-Of must be an actor id (^[A-Za-z0-9._:@-]{1,64}$).',
        );
      }
      const behalfName = request.headers['x-on-behalf-of-name'];
      onBehalfOf = { id: behalfId };
      if (typeof behalfName === 'string' && behalfName.trim() !== '') {
        if (behalfName.length > 200 || hasControlCharacter(behalfName)) {
          return reject(
            reply,
            request,
            400,
            'invalid-header',
            'X-On-Behalf-Of-Name must be a printable name of at most 200 characters.',
          );
        }
        onBehalfOf.name = behalfName.trim();
      }
    }
    if (request.routeOptions.config?.signs) {
      const maxAge = verifier.signingMaxAgeSeconds;
      const authentication = signingAuthentication(token.authTime, Date.now() / 1000, maxAge);
      if (authentication.kind !== 'recent') {
        return reject(
          reply,
          request,
          401,
          STEP_UP_PROBLEM_CODE,
          stepUpDetail(authentication, maxAge),
          stepUpChallenge(maxAge),
          { maxAge },
        );
      }
    }
    request.identity = { sub: token.sub, name: token.name, roles: token.roles, role, onBehalfOf };
  });
}
