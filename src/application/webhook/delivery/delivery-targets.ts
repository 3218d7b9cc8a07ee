import type { Clock } from '../../ports/clock.port.js';
import type { EventStore, Position } from '../../ports/event-store.port.js';
import { foldStored } from '../../command-path/command-path.js';
import { webhookEndpointStreamId } from '../../../domain/webhook/webhook-endpoint.stream.js';
import type { WebhookEndpointAggregate } from '../webhook-endpoint.aggregate.js';
import type { DeliveryTarget, DeliveryTargets } from './webhook-delivery.ports.js';

/**
 * Endpoints as delivery needs them, folded from their own streams rather than read from the
 * `webhook-endpoints` read model: a disabling, a new URL or a re-enabling applies to the very next
 * attempt, whatever the projection's lag.
 */
export class StreamDeliveryTargets implements DeliveryTargets {
  private readonly recent = new Map<string, { at: number; target: DeliveryTarget | undefined }>();

  constructor(
    private readonly store: EventStore,
    private readonly aggregate: WebhookEndpointAggregate,
    private readonly clock: Clock,
  ) {}

  async current(endpointId: string, maxAgeMs = 0): Promise<DeliveryTarget | undefined> {
    const now = this.clock.now().getTime();
    const cached = this.recent.get(endpointId);
    if (cached && now - cached.at <= maxAgeMs) return cached.target;
    const target = await this.read(endpointId);
    this.recent.set(endpointId, { at: now, target });
    return target;
  }

  private async read(endpointId: string): Promise<DeliveryTarget | undefined> {
    const { exists, events } = await this.store.readStream(webhookEndpointStreamId(endpointId));
    if (!exists || events.length === 0) return undefined;
    const state = foldStored(this.aggregate, events);
    if (!state.exists) return undefined;
    const activated = events.findLast(
      (event) => event.type === 'WebhookEndpointEnabled' || event.type === 'WebhookEndpointRegistered',
    );
    return {
      endpointId,
      url: state.url,
      eventTypes: state.eventTypes,
      ...(state.caseId !== undefined && { caseId: state.caseId }),
      status: state.status,
      owner: state.owner,
      activeSince: (activated ?? events[0]!).recordedAt,
      registeredAt: events[0]!.position as Position,
    };
  }
}
