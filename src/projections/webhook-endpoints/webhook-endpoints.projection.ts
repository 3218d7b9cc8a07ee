import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import { assertNever } from '../../domain/kernel/decider.js';
import {
  type WebhookEndpointEvent,
  isWebhookEndpointEventType,
} from '../../domain/webhook/webhook-endpoint.events.js';
import { endpointIdOfStream } from '../../domain/webhook/webhook-endpoint.stream.js';
import type { Projection } from '../runner/projection.js';
import { ProjectionTable } from '../runner/projection-table.js';
import { RegisteredProjection } from '../runner/registered-projection.js';

export const WEBHOOK_ENDPOINTS_PROJECTION = 'webhook-endpoints';

/** One row per endpoint, as its events leave it (a removed endpoint keeps its row, status removed). */
export const ENDPOINTS_TABLE = new ProjectionTable(
  'endpoints',
  {
    endpoint_id: 'uuid PRIMARY KEY',
    owner: 'text NOT NULL',
    url: 'text NOT NULL',
    event_types: 'jsonb NOT NULL',
    case_id: 'uuid',
    description: 'text',
    status: 'text NOT NULL',
    secret_id: 'uuid NOT NULL',
    secret_fingerprint: 'text NOT NULL',
    previous_secret: 'jsonb',
    disabled: 'jsonb',
    revision: 'integer NOT NULL',
    created_at: 'timestamptz NOT NULL',
    updated_at: 'timestamptz NOT NULL',
  },
  { indexes: ['(owner)'] },
);

/** When the event happened: the command's occurredAt, else when it was stored. */
const occurredAt = (event: RecordedEvent): string =>
  typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt.toISOString();

/**
 * The `webhook-endpoints` read model: what the REST list and the deliveries read. Few events, so
 * one statement per event keeps it plain; order within the batch is the log's.
 */
@Injectable()
@RegisteredProjection()
export class WebhookEndpointsProjection implements Projection {
  readonly name = WEBHOOK_ENDPOINTS_PROJECTION;

  createTables(manager: EntityManager, schema: string): Promise<void> {
    return ENDPOINTS_TABLE.create(manager, schema);
  }

  async apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void> {
    const table = ENDPOINTS_TABLE.in(schema);
    for (const recorded of events) {
      const endpointId = endpointIdOfStream(recorded.streamId);
      if (endpointId === undefined || !isWebhookEndpointEventType(recorded.type)) continue;
      const event = { type: recorded.type, data: recorded.data } as WebhookEndpointEvent;
      const at = occurredAt(recorded);
      const set = (assignments: string, values: unknown[]): Promise<unknown> =>
        manager.query(
          `UPDATE ${table} SET ${assignments}, revision = $2, updated_at = $3::timestamptz WHERE endpoint_id = $1`,
          [endpointId, recorded.revision, at, ...values],
        );
      switch (event.type) {
        case 'WebhookEndpointRegistered': {
          const { owner, url, eventTypes, caseId, description, secretId, secretFingerprint } = event.data;
          await ENDPOINTS_TABLE.insertNew(manager, schema, [
            [
              endpointId,
              owner,
              url,
              JSON.stringify(eventTypes),
              caseId ?? null,
              description ?? null,
              'enabled',
              secretId,
              secretFingerprint,
              null,
              null,
              recorded.revision,
              at,
              at,
            ],
          ]);
          break;
        }
        case 'WebhookEndpointChanged': {
          const { url, eventTypes, caseId, description } = event.data;
          await set(
            `url = COALESCE($4, url), event_types = COALESCE($5::jsonb, event_types),
             case_id = CASE WHEN $6::boolean THEN $7::uuid ELSE case_id END,
             description = COALESCE($8, description)`,
            [
              url ?? null,
              eventTypes === undefined ? null : JSON.stringify(eventTypes),
              caseId !== undefined,
              caseId ?? null,
              description ?? null,
            ],
          );
          break;
        }
        case 'WebhookSecretRotated': {
          const { secretId, secretFingerprint, previousSecretId, previousValidUntil } = event.data;
          await set(`secret_id = $4::uuid, secret_fingerprint = $5, previous_secret = $6::jsonb`, [
            secretId,
            secretFingerprint,
            JSON.stringify({ secretId: previousSecretId, validUntil: previousValidUntil }),
          ]);
          break;
        }
        case 'WebhookEndpointDisabled':
          await set(`status = 'disabled', disabled = $4::jsonb`, [JSON.stringify({ ...event.data, at })]);
          break;
        case 'WebhookEndpointEnabled':
          await set(`status = 'enabled', disabled = NULL`, []);
          break;
        case 'WebhookEndpointRemoved':
          await set(`status = 'removed'`, []);
          break;
        default:
          assertNever(event, 'webhook endpoint event');
      }
    }
  }
}
