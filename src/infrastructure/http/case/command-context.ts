import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CaseCommandContext } from '../../../application/case/case-commands.service.js';
import type { Identity } from '../../auth/identity.js';
import { idempotencyScope } from '../idempotency/idempotency.js';
import { ProblemException } from '../problem/problem-exception.js';
import type { CommandBodyDto } from './dto/common.dto.js';

/** A quoted stream revision (also the OpenAPI header's pattern). */
export const IF_MATCH_PATTERN = /^"(0|[1-9]\d{0,15})"$/;

/** `If-Match: "<revision>"` (a weak tag or * is not a revision). */
export function ifMatchOf(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? IF_MATCH_PATTERN.exec(header.trim()) : null;
  if (!match)
    throw new ProblemException(400, 'invalid-header', 'If-Match must be a quoted stream revision, e.g. "7".');
  return Number(match[1]);
}

export function etag(revision: number): string {
  return `"${revision}"`;
}

/** The command's transport context, and its body without the transport field occurredAt. */
export function commandContext<Body extends CommandBodyDto>(
  identity: Identity,
  request: FastifyRequest,
  body: Body,
): { context: CaseCommandContext; data: Omit<Body, 'occurredAt'> } {
  const { occurredAt, ...data } = body;
  if (occurredAt !== undefined && identity.role !== 'integrator' && !identity.roles.includes('integrator')) {
    throw new ProblemException(400, 'validation-failed', 'occurredAt may be sent by integrators only.', {
      errors: [{ field: 'occurredAt', message: 'occurredAt is accepted from integrators only' }],
    });
  }
  return {
    context: {
      actor: { id: identity.sub, role: identity.role, name: identity.name, onBehalfOf: identity.onBehalfOf },
      correlationId: request.id,
      occurredAt: occurredAt === undefined ? undefined : new Date(occurredAt).toISOString(),
      idempotencyScope: idempotencyScope(request),
      ifMatch: ifMatchOf(request),
    },
    data,
  };
}

/** What a route needs of its exchange: the verified caller, the request and the reply. */
export interface HttpExchange {
  identity: Identity;
  request: FastifyRequest;
  reply: FastifyReply;
}

export const Exchange = createParamDecorator((_: unknown, context: ExecutionContext): HttpExchange => {
  const http = context.switchToHttp();
  const request = http.getRequest<FastifyRequest>();
  if (!request.identity) throw new Error('Exchange used on a route without @Allow');
  return { identity: request.identity, request, reply: http.getResponse<FastifyReply>() };
});
