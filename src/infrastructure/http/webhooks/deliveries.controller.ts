import { Controller, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ManualRedelivery } from '../../../application/webhook/delivery/manual-redelivery.js';
import type { DeliveryAttempt } from '../../../application/webhook/delivery/webhook-delivery.ports.js';
import { caseIdOf } from '../../../application/webhook/delivery/webhook-delivery.policy.js';
import { Allow, CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { PostgresDeliveryLog } from '../../webhooks/delivery/postgres-delivery-log.js';
import { DELIVERY_TARGETS } from '../../webhooks/delivery/webhook-delivery.tokens.js';
import type { DeliveryTargets } from '../../../application/webhook/delivery/webhook-delivery.ports.js';
import { readModel } from '../audit/read-model.js';
import { UuidParamPipe } from '../case/case-id.pipe.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { ProblemException } from '../problem/problem-exception.js';
import { ReadRoute } from '../read-route.decorator.js';
import { QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { DEFAULT_LIMIT } from '../validation/query.validators.js';
import { DeliveriesQueryDto, DeliveryDto, DeliveryPageDto, encodeDeliveryCursor } from './deliveries.dto.js';

const notFound = (what: string): ProblemException =>
  new ProblemException(404, 'not-found', `There is no such ${what}.`);

export function deliveryView(attempt: DeliveryAttempt): DeliveryDto {
  return {
    deliveryId: attempt.deliveryId,
    endpointId: attempt.endpointId,
    webhookId: attempt.webhookId,
    eventId: attempt.eventId,
    eventType: attempt.eventType,
    caseId: caseIdOf(attempt) ?? '',
    revision: attempt.streamRevision,
    position: attempt.position,
    attempt: attempt.attempt,
    trigger: attempt.trigger,
    attemptedAt: attempt.attemptedAt.toISOString(),
    ...(attempt.statusCode !== undefined && { statusCode: attempt.statusCode }),
    ...(attempt.error !== undefined && { error: attempt.error }),
    durationMs: attempt.durationMs,
    delivered: attempt.delivered,
    ...(attempt.nextAttemptAt !== undefined && { nextAttemptAt: attempt.nextAttemptAt.toISOString() }),
  };
}

/**
 * An endpoint's delivery log and manual redelivery (README "Webhooks"): integrators see their own
 * endpoints' (another's answers 404, as for the endpoint itself), admins every one.
 */
@ApiTags('webhooks')
@Controller('api/v1/webhooks/endpoints/:endpointId/deliveries')
export class WebhookDeliveriesController {
  constructor(
    private readonly log: PostgresDeliveryLog,
    @Inject(DELIVERY_TARGETS) private readonly targets: DeliveryTargets,
    private readonly redelivery: ManualRedelivery,
  ) {}

  @ReadRoute({
    action: 'read-webhook-deliveries',
    summary:
      "The endpoint's delivery log: every attempt, newest first, with its webhook-id, outcome and next attempt",
    ok: { type: DeliveryPageDto },
    badRequest: 'A path id that is not a UUID, or an invalid limit or cursor',
    notFound: 'No such endpoint (or not yours)',
  })
  @ApiParam({ name: 'endpointId', schema: { type: 'string', format: 'uuid' } })
  async list(
    @Param('endpointId', UuidParamPipe) endpointId: string,
    @Query(QueryValidationPipe) query: DeliveriesQueryDto,
    @CurrentIdentity() identity: Identity,
  ): Promise<DeliveryPageDto> {
    await this.visibleEndpoint(endpointId, identity);
    const limit = query.limit ?? DEFAULT_LIMIT;
    // The validation pipe has decoded the cursor already (CursorParameter).
    const before = query.cursor;
    const rows = await readModel(() =>
      this.log.page(endpointId, { limit: limit + 1, ...(before && { before }) }),
    );
    const items = rows.slice(0, limit);
    return rows.length > limit
      ? { items: items.map(deliveryView), nextCursor: encodeDeliveryCursor(items.at(-1)!.seq) }
      : { items: items.map(deliveryView) };
  }

  @Post(':deliveryId/redeliver')
  @HttpCode(201)
  @Allow('redeliver-webhook')
  @ApiOperation({
    summary:
      "Send a logged delivery's event again, now, with the same webhook-id and body (signed afresh); recorded in the delivery log as a manual attempt. The endpoint's ordered delivery goes on unaffected.",
  })
  @ApiParam({ name: 'endpointId', schema: { type: 'string', format: 'uuid' } })
  @ApiParam({ name: 'deliveryId', schema: { type: 'string', format: 'uuid' } })
  @ApiCreatedResponse({ type: DeliveryDto, description: 'The new attempt (delivered or not)' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'A path id that is not a UUID' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such endpoint (or not yours) or delivery' })
  @ApiConflictResponse({ type: ProblemDto, description: 'webhook-endpoint-removed' })
  async redeliver(
    @Param('endpointId', UuidParamPipe) endpointId: string,
    @Param('deliveryId', UuidParamPipe) deliveryId: string,
    @CurrentIdentity() identity: Identity,
  ): Promise<DeliveryDto> {
    await this.visibleEndpoint(endpointId, identity);
    const original = await readModel(() => this.log.find(endpointId, deliveryId));
    if (!original) throw notFound('delivery');
    return deliveryView(await this.redelivery.redeliver(original));
  }

  private async visibleEndpoint(endpointId: string, identity: Identity): Promise<void> {
    const target = await readModel(() => this.targets.current(endpointId));
    if (!target || (identity.role === 'integrator' && target.owner !== identity.sub)) {
      throw notFound('webhook endpoint');
    }
  }
}
