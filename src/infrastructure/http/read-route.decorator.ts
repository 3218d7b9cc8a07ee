import { applyDecorators, Get } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  type ApiResponseOptions,
} from '@nestjs/swagger';
import type { AccessAction } from '../../application/auth/access-policy.js';
import { Allow } from '../auth/allow.decorator.js';
import { ProblemDto } from './problem/problem.dto.js';

/** A documented problem answer: `true` for the bare ProblemDto, or the description of when it happens. */
type ProblemAnswer = true | string;

export interface ReadRouteOptions {
  /** Under the controller's prefix; none for the prefix itself. */
  path?: string;
  /**
   * The access policy row guarding the route, or `public`: no token, on purpose (listed in
   * PUBLIC_API_ENDPOINTS, which the authorisation-matrix test holds every unguarded route to).
   */
  action: AccessAction | 'public';
  summary: string;
  description?: string;
  /** Only to keep a published operation id (Nest derives it from the controller and method names). */
  operationId?: string;
  /** The 200 answer, as OpenAPI documents it. */
  ok: ApiResponseOptions;
  badRequest?: ProblemAnswer;
  notFound?: ProblemAnswer;
}

function problem(answer: ProblemAnswer): { type: typeof ProblemDto; description?: string } {
  return answer === true ? { type: ProblemDto } : { type: ProblemDto, description: answer };
}

/** A GET route with its guard, OpenAPI operation, 200 answer and problem answers, declared once. */
export function ReadRoute(options: ReadRouteOptions): MethodDecorator {
  const { path, action, summary, description, operationId, ok, badRequest, notFound } = options;
  return applyDecorators(
    path === undefined ? Get() : Get(path),
    ...(action === 'public' ? [] : [Allow(action)]),
    ApiOperation({
      summary,
      ...(description !== undefined && { description }),
      ...(operationId !== undefined && { operationId }),
    }),
    ApiOkResponse(ok),
    ...(badRequest === undefined ? [] : [ApiBadRequestResponse(problem(badRequest))]),
    ...(notFound === undefined ? [] : [ApiNotFoundResponse(problem(notFound))]),
  );
}
