import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ACCESS_POLICY, type AccessAction } from '../../application/auth/access-policy.js';
import type { Identity } from './identity.js';
import { ProblemDto } from '../http/problem/problem.dto.js';

/**
 * Marks a route as protected by the access policy row `action` (checked in the onRequest hook);
 * `signs`: the route records an electronic signature, and so needs a recent sign-in.
 */
export function Allow(action: AccessAction, { signs = false }: { signs?: boolean } = {}): MethodDecorator {
  return applyDecorators(
    RouteConfig(signs ? { access: action, signs } : { access: action }),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({
      description: signs
        ? 'No token, an invalid or expired one, or (insufficient-user-authentication) a sign-in older than SIGNING_MAX_AGE: a signature needs a recent one, WWW-Authenticate names max_age (RFC 9470)'
        : 'No token, or an invalid or expired one',
      type: ProblemDto,
    }),
    ApiForbiddenResponse({
      description: `Allowed roles: ${ACCESS_POLICY[action].join(', ')}`,
      type: ProblemDto,
    }),
  );
}

/** The verified caller; only on routes marked with @Allow. */
export const CurrentIdentity = createParamDecorator((_: unknown, context: ExecutionContext): Identity => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  if (!request.identity) throw new Error('CurrentIdentity used on a route without @Allow');
  return request.identity;
});
