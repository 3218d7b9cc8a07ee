import { commentStatements } from '../persistence/sql-comments.js';
import { sqlMigration } from '../persistence/sql-migration.js';

/**
 * Webhook signing secrets, outside the event log: the log is immutable and auditors read it, so it
 * names a secret by id and fingerprint only. A row is never updated; which secret is current comes
 * from the endpoint's events.
 */
export const WebhookSecrets1789500000000 = sqlMigration('WebhookSecrets1789500000000', {
  up: [
    `
      CREATE TABLE webhook_secrets (
        secret_id   uuid        PRIMARY KEY,
        endpoint_id uuid        NOT NULL,
        secret      text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE INDEX ON webhook_secrets (endpoint_id)`,
    ...commentStatements([
      [
        'TABLE webhook_secrets',
        'Webhook signing secrets (whsec_…); the event log names them by secret_id and fingerprint only',
      ],
    ]),
  ],
  down: [`DROP TABLE webhook_secrets`],
});
