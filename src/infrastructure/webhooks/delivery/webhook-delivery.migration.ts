import { commentStatements } from '../../persistence/sql-comments.js';
import { sqlMigration } from '../../persistence/sql-migration.js';

/**
 * Webhook delivery's tables, schema `webhook_delivery`: each endpoint's cursor into the log (its
 * checkpoint and the start of its current run of failures) and the delivery log (one row per attempt).
 */
export const WebhookDelivery1790000000000 = sqlMigration('WebhookDelivery1790000000000', {
  up: [
    `CREATE SCHEMA webhook_delivery`,
    `
      CREATE TABLE webhook_delivery.cursors (
        endpoint_id   text        PRIMARY KEY,
        checkpoint    text,
        failing_since timestamptz,
        last_error    text,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`,
    `
      CREATE TABLE webhook_delivery.attempts (
        seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id     uuid        NOT NULL UNIQUE,
        endpoint_id     text        NOT NULL,
        webhook_id      text        NOT NULL,
        event_id        text        NOT NULL,
        event_type      text        NOT NULL,
        stream_id       text        NOT NULL,
        stream_revision bigint      NOT NULL,
        position        text        NOT NULL,
        attempt         integer     NOT NULL CHECK (attempt >= 1),
        trigger         text        NOT NULL CHECK (trigger IN ('automatic', 'manual')),
        attempted_at    timestamptz NOT NULL,
        status_code     integer,
        error           text,
        duration_ms     integer     NOT NULL,
        delivered       boolean     NOT NULL,
        next_attempt_at timestamptz
      )`,
    `CREATE INDEX ON webhook_delivery.attempts (endpoint_id, seq DESC)`,
    `CREATE INDEX ON webhook_delivery.attempts (endpoint_id, webhook_id)`,
    ...commentStatements([
      [
        'SCHEMA webhook_delivery',
        'Webhook delivery: per-endpoint cursors into the event log and the delivery log',
      ],
      [
        'TABLE webhook_delivery.cursors',
        'Per endpoint: checkpoint = position of the last event acknowledged or passed over; failing_since = first failure of the current run (NULL when the last attempt succeeded)',
      ],
      [
        'TABLE webhook_delivery.attempts',
        'The delivery log: one row per attempt (automatic or manual redelivery), with its webhook-id, event, outcome and the time of the next automatic attempt',
      ],
    ]),
  ],
  down: [`DROP SCHEMA webhook_delivery CASCADE`],
});
