import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPreconditionFailedResponse,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
  ApiPayloadTooLargeResponse,
  ApiConflictResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReviewShoppingFlagCommand } from '../../../application/opinion-shopping/review-shopping-flag.command.js';
import { FLAG_ID_PATTERN } from '../../../domain/opinion-shopping/flag-review.js';
import { SHOPPING_RULES } from '../../../domain/opinion-shopping/opinion-shopping.policy.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import type { AccessedResource } from '../../../projections/access-log/case-data-accessed.event.js';
import {
  FLAG_STATUSES,
  type FlagItem,
  type FlagPosition,
  OpinionShoppingQueries,
} from '../../../projections/opinion-shopping/opinion-shopping.queries.js';
import { Allow, CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { readModel } from '../audit/read-model.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../audit/audit-query.js';
import { commandContext, etag } from '../case/command-context.js';
import { Idempotency } from '../idempotency/idempotency.js';
import {
  oneOfParameter,
  parseQuery,
  patternParameter,
  type QueryParameter,
} from '../metrics/query-parameters.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { ProblemException } from '../problem/problem-exception.js';
import { BodyValidationPipe } from '../validation/body-validation.pipe.js';
import { FlagReviewedDto, ReviewShoppingFlagDto, ShoppingFlagPageDto } from './opinion-shopping.dto.js';

const PATIENT_REF = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The access log's resource for reads of the flag list (it names patients and cases). */
const SHOPPING_FLAGS_RESOURCE: AccessedResource = 'shopping-flags';

/** Opaque and URL-safe: base64url of the last item's (raisedAt, flagId). */
export function encodeFlagCursor(position: FlagPosition): string {
  return Buffer.from(JSON.stringify([position.raisedAt, position.flagId]), 'utf8').toString('base64url');
}

const cursorParameter: QueryParameter<FlagPosition> = {
  message: 'cursor must be a nextCursor this API returned',
  parse: (value) => {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(value)) return undefined;
    try {
      const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
      if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
      const [raisedAt, flagId] = decoded as unknown[];
      if (typeof raisedAt !== 'string' || typeof flagId !== 'string' || !FLAG_ID_PATTERN.test(flagId))
        return undefined;
      const time = Date.parse(raisedAt);
      return Number.isFinite(time) ? { raisedAt: new Date(time).toISOString(), flagId } : undefined;
    } catch {
      return undefined;
    }
  },
};

const limitParameter: QueryParameter<number> = {
  message: `limit must be a whole number from 1 to ${MAX_LIMIT}`,
  parse: (value) => (/^[1-9]\d{0,2}$/.test(value) && Number(value) <= MAX_LIMIT ? Number(value) : undefined),
};

/**
 * Opinion-shopping flags (projections.md): prompts for the quality committee, never accusations.
 * Listing (Q, A) reads the opinion-shopping read model; a committee review (Q) is a command of its
 * own (`ShoppingFlagReviewed` in stream `flag-<flagId>`).
 */
@ApiTags('opinion-shopping')
@Controller('api/v1/opinion-shopping/flags')
export class OpinionShoppingController {
  constructor(
    private readonly flags: OpinionShoppingQueries,
    private readonly commands: CommandBus,
    private readonly idempotency: Idempotency,
    private readonly access: AccessRecorder,
  ) {}

  @Get()
  @Allow('read-shopping-flags')
  @ApiOperation({ summary: 'Opinion-shopping flags in raisedAt order, with their latest review' })
  @ApiQuery({ name: 'status', required: false, enum: FLAG_STATUSES })
  @ApiQuery({
    name: 'patientRef',
    required: false,
    description: 'A pseudonymous patient reference (never logged)',
  })
  @ApiQuery({ name: 'rule', required: false, enum: SHOPPING_RULES })
  @ApiQuery({ name: 'limit', required: false, description: `Default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: ShoppingFlagPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<{ items: FlagItem[]; nextCursor?: string }> {
    const { status, patientRef, rule, limit, cursor } = parseQuery(query, {
      status: oneOfParameter('status', FLAG_STATUSES),
      patientRef: patternParameter(
        'patientRef',
        PATIENT_REF,
        'a patient reference (^[A-Za-z0-9._:@-]{1,128}$)',
      ),
      rule: oneOfParameter('rule', SHOPPING_RULES),
      limit: limitParameter,
      cursor: cursorParameter,
    });
    const page = await readModel(() =>
      this.flags.list({ status, patientRef, rule }, { limit: limit ?? DEFAULT_LIMIT, after: cursor }),
    );
    await this.access.record({
      resource: SHOPPING_FLAGS_RESOURCE,
      identity,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      correlationId: request.id,
    });
    return page.next === undefined
      ? { items: page.items }
      : { items: page.items, nextCursor: encodeFlagCursor(page.next) };
  }

  @Post(':flagId/review')
  @HttpCode(201)
  @Allow('review-shopping-flag')
  @ApiOperation({
    summary:
      'Record a committee review of a flag (ShoppingFlagReviewed); the flag shows its latest disposition',
  })
  @ApiParam({ name: 'flagId', example: 'os1-3f0c9a1b2d4e5f60718293a4b5c6d7e8' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Replays the first response for the same request',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'Quoted revision of the flag stream, e.g. "0"',
  })
  @ApiCreatedResponse({ type: FlagReviewedDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid body (errors[] lists the fields)' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such flag' })
  @ApiConflictResponse({ type: ProblemDto, description: 'concurrency-conflict' })
  @ApiPreconditionFailedResponse({ type: ProblemDto, description: 'If-Match does not match' })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'Body over 256 KiB' })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemDto, description: 'Body is not application/json' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'idempotency-key-reuse' })
  review(
    @Param('flagId') flagId: string,
    @Body(new BodyValidationPipe()) body: ReviewShoppingFlagDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { context, data } = commandContext(identity, request, body);
    if (!FLAG_ID_PATTERN.test(flagId)) {
      throw new ProblemException(404, 'not-found', 'There is no opinion-shopping flag with this id.');
    }
    void reply.status(201);
    return this.idempotency.run(request, reply, async () => {
      const outcome = await readModel(() =>
        this.commands.execute(new ReviewShoppingFlagCommand({ flagId, ...data }, context)),
      );
      void reply.header('etag', etag(outcome.revision));
      return { flagId: outcome.flagId, disposition: outcome.disposition };
    });
  }
}
