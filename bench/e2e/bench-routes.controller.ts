import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow, CurrentIdentity } from '../../src/infrastructure/auth/allow.decorator.js';
import type { Identity } from '../../src/infrastructure/auth/identity.js';
import { CaseIdPipe } from '../../src/infrastructure/http/case/case-id.pipe.js';
import { commandContext, etag } from '../../src/infrastructure/http/case/command-context.js';
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the body is validated against this class, found through decorator metadata
import { SubmitOpinionDto } from '../../src/application/case/submit-opinion/submit-opinion.dto.js';
import { BodyValidationPipe } from '../../src/infrastructure/http/validation/body-validation.pipe.js';

/**
 * Benchmark baseline (only in the engine bench-main.ts starts; never documented in OpenAPI): the
 * SubmitOpinion route as far as the command bus — the same onRequest hooks (correlation id,
 * security headers, JWT verification and the role check), JSON parsing, DTO validation and
 * command context — answering 201 without reading or writing the store. What the real route costs
 * beyond this is the command path: read, fold, decide, hash, append.
 */
@ApiExcludeController()
@Controller('api/v1/bench')
export class BenchRoutesController {
  @Post('cases/:caseId/opinions')
  @HttpCode(201)
  @Allow('submit-opinion')
  submitOpinion(
    @Param('caseId', CaseIdPipe) _caseId: string,
    @Body(new BodyValidationPipe()) body: SubmitOpinionDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): { opinionId: string; revision: number; status: string } {
    commandContext(identity, request, body);
    void reply.header('etag', etag(0));
    return { opinionId: randomUUID(), revision: 0, status: 'in-review' };
  }
}
