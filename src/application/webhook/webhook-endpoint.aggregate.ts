import { Injectable } from '@nestjs/common';
import type { Decider } from '../../domain/kernel/decider.js';
import type { WebhookEndpointCommand } from '../../domain/webhook/webhook-endpoint.commands.js';
import { webhookEndpointDecider } from '../../domain/webhook/webhook-endpoint.decider.js';
import {
  WEBHOOK_ENDPOINT_EVENT_SCHEMA_VERSIONS,
  type WebhookEndpointEvent,
  type WebhookEndpointEventType,
  isWebhookEndpointEventType,
} from '../../domain/webhook/webhook-endpoint.events.js';
import type { WebhookEndpointState } from '../../domain/webhook/webhook-endpoint.state.js';
import type { AggregateDefinition } from '../command-path/command-path.js';
import type { RecordedEvent } from '../ports/event-store.port.js';

/** How webhook endpoints are stored: stream `webhook-endpoint-<endpointId>`, events of schema version 1. */
@Injectable()
export class WebhookEndpointAggregate implements AggregateDefinition<
  WebhookEndpointCommand,
  WebhookEndpointEvent,
  WebhookEndpointState
> {
  readonly decider: Decider<WebhookEndpointCommand, WebhookEndpointEvent, WebhookEndpointState> =
    webhookEndpointDecider;

  fromStored(event: RecordedEvent): WebhookEndpointEvent {
    if (!isWebhookEndpointEventType(event.type)) {
      throw new Error(`Stream ${event.streamId} holds a ${event.type}, not a webhook endpoint event.`);
    }
    return { type: event.type, data: event.data } as WebhookEndpointEvent;
  }

  schemaVersionOf(type: WebhookEndpointEventType): number {
    return WEBHOOK_ENDPOINT_EVENT_SCHEMA_VERSIONS[type];
  }
}
