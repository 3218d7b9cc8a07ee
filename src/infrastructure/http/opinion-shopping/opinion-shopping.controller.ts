import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiParam,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
  ApiPayloadTooLargeResponse,
  ApiConflictResponse,
} from '@nestjs/swagger';
import { ReviewShoppingFlagCommand } from '../../../application/opinion-shopping/review-shopping-flag.command.js';
import { FLAG_ID_PATTERN } from '../../../domain/opinion-shopping/flag-review.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import type { AccessedResource } from '../../../projections/access-log/case-data-accessed.event.js';
import {
  type FlagItem,
  OpinionShoppingQueries,
} from '../../../projections/opinion-shopping/opinion-shopping.queries.js';
import { Allow } from '../../auth/allow.decorator.js';
import { readModel } from '../audit/read-model.js';
import {
  type HttpExchange,
  commandContext,
  etag,
  Exchange,
  IF_MATCH_PATTERN,
} from '../case/command-context.js';
import { Idempotency, KEY_PATTERN } from '../idempotency/idempotency.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { ProblemException } from '../problem/problem-exception.js';
import { BodyValidationPipe } from '../validation/body-validation.pipe.js';
import { QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { DEFAULT_LIMIT } from '../validation/query.validators.js';
import { FlagReviewedDto, ReviewShoppingFlagDto, ShoppingFlagPageDto } from './opinion-shopping.dto.js';
import { encodeFlagCursor, ShoppingFlagsQueryDto } from './shopping-flags-query.dto.js';
import { recordRead } from '../audit/request-origin.js';
import { ReadRoute } from '../read-route.decorator.js';

/** The access log's resource for reads of the flag list (it names patients and cases). */
const SHOPPING_FLAGS_RESOURCE: AccessedResource = 'shopping-flags';

/**
 * Opinion-shopping flags (docs/projections.md): prompts for the quality committee, never accusations.
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

  @ReadRoute({
    action: 'read-shopping-flags',
    summary: 'Opinion-shopping flags in raisedAt order, with their reviews and the cases behind them',
    description:
      'Filters: status (open, needs-follow-up, resolved; unresolved = the queue, reviewed = reviewed at least once), the latest disposition, rule and patientRef. The access log records the read, never its parameters.',
    ok: { type: ShoppingFlagPageDto },
    badRequest: true,
  })
  async list(
    @Query(QueryValidationPipe) query: ShoppingFlagsQueryDto,
    @Exchange() { identity, request }: HttpExchange,
  ): Promise<{ items: FlagItem[]; nextCursor?: string }> {
    const { cursor: after, limit = DEFAULT_LIMIT, ...filter } = query;
    const page = await readModel(() => this.flags.list(filter, { limit, after }));
    await recordRead(this.access, { identity, request }, { resource: SHOPPING_FLAGS_RESOURCE });
    return page.next === undefined
      ? { items: page.items }
      : { items: page.items, nextCursor: encodeFlagCursor(page.next) };
  }

  @Post(':flagId/review')
  @HttpCode(201)
  // A committee member's review is signed by its author (reviewedBy): it needs a recent sign-in.
  @Allow('review-shopping-flag', { signs: true })
  @ApiOperation({
    summary:
      'Record a committee review of a flag (ShoppingFlagReviewed); the flag keeps every review and takes its status from the latest (needs-follow-up keeps it in the queue, dismissed and confirmed resolve it)',
  })
  @ApiParam({ name: 'flagId', example: 'os1-3f0c9a1b2d4e5f60718293a4b5c6d7e8' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Replays the first response for the same request',
    schema: { type: 'string', pattern: KEY_PATTERN.source },
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'Quoted revision of the flag stream, e.g. "0"',
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
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
    @Exchange() { identity, request, reply }: HttpExchange,
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
      return { flagId: outcome.flagId, disposition: outcome.disposition, status: outcome.status };
    });
  }
}
