import { DomainError } from '../../../domain/kernel/domain-error.js';
import type { Clock } from '../../ports/clock.port.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type {
  DeliveryAttempt,
  DeliveryLog,
  DeliveryMetrics,
  DeliveryTargets,
  SigningSecrets,
  WebhookSender,
} from './webhook-delivery.ports.js';
import { deliveryAttempt } from './delivery-attempt.js';
import { payloadOf } from './webhook-delivery.policy.js';

export interface ManualRedeliveryDependencies {
  store: EventStore;
  log: DeliveryLog;
  targets: DeliveryTargets;
  secrets: SigningSecrets;
  sender: WebhookSender;
  metrics: DeliveryMetrics;
  clock: Clock;
  timeoutMs: number;
}

/**
 * Sends a logged delivery's event once more, now, with the same webhook-id and body, outside the
 * endpoint's ordered stream (its checkpoint does not move): for a receiver that lost or mishandled
 * it. Recorded in the delivery log as a `manual` attempt.
 */
export class ManualRedelivery {
  constructor(private readonly deps: ManualRedeliveryDependencies) {}

  async redeliver(original: DeliveryAttempt): Promise<DeliveryAttempt> {
    const { store, log, targets, secrets, sender, clock, timeoutMs } = this.deps;
    const target = await targets.current(original.endpointId);
    if (!target || target.status === 'removed') {
      throw new DomainError(
        'webhook-endpoint-removed',
        'The webhook endpoint was removed; register a new one.',
      );
    }
    const { events } = await store.readStream(original.streamId, {
      fromRevision: original.streamRevision,
      maxCount: 1,
    });
    const event = events[0];
    if (!event || event.eventId !== original.eventId) {
      throw new Error(
        `Event ${original.eventId} is not at ${original.streamId} revision ${original.streamRevision}`,
      );
    }
    const attempt = (await log.attempts(original.endpointId, original.webhookId)) + 1;
    const attemptedAt = clock.now();
    const signing = await secrets.signingSecrets(original.endpointId, attemptedAt);
    // Never unsigned: without a readable secret the attempt fails (and is logged) instead.
    const response =
      signing.length === 0
        ? { error: 'no signing secret available', durationMs: 0 }
        : await sender.send({
            url: target.url,
            webhookId: original.webhookId,
            body: JSON.stringify(payloadOf(event)),
            secrets: signing,
            timeoutMs,
            signal: new AbortController().signal,
          });
    const record = deliveryAttempt(
      event,
      {
        endpointId: original.endpointId,
        webhookId: original.webhookId,
        attempt,
        trigger: 'manual',
        attemptedAt,
      },
      response,
    );
    await log.record(record);
    this.deps.metrics.attempted(record);
    return record;
  }
}
