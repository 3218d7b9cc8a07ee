import { randomUUID } from 'node:crypto';
import { presentFields } from '../../../domain/kernel/present-fields.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { DeliveryAttempt, WebhookResponse } from './webhook-delivery.ports.js';
import { acknowledged } from './webhook-delivery.policy.js';

/** Which attempt it was: everything of the log's record that is not the event's or the receiver's. */
export type AttemptFacts = Pick<
  DeliveryAttempt,
  'endpointId' | 'webhookId' | 'attempt' | 'trigger' | 'attemptedAt'
>;

/** The delivery log's record of one attempt to send `event`, automatic or manual, and how it was answered. */
export const deliveryAttempt = (
  event: RecordedEvent,
  facts: AttemptFacts,
  response: WebhookResponse,
): DeliveryAttempt => ({
  deliveryId: randomUUID(),
  endpointId: facts.endpointId,
  webhookId: facts.webhookId,
  eventId: event.eventId,
  eventType: event.type,
  streamId: event.streamId,
  streamRevision: event.revision,
  position: event.position,
  attempt: facts.attempt,
  trigger: facts.trigger,
  attemptedAt: facts.attemptedAt,
  ...presentFields({ statusCode: response.status, error: response.error }),
  durationMs: Math.round(response.durationMs),
  delivered: acknowledged(response.status),
});
