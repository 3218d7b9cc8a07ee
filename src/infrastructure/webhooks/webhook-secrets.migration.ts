import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook signing secrets, outside the event log: the log is immutable and auditors read it, so it
 * names a secret by id and fingerprint only. A row is never updated; which secret is current comes
 * from the endpoint's events.
 */
export class WebhookSecrets1789500000000 implements MigrationInterface {
  name = 'WebhookSecrets1789500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE webhook_secrets (
        secret_id   uuid        PRIMARY KEY,
        endpoint_id uuid        NOT NULL,
        secret      text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX ON webhook_secrets (endpoint_id)`);
    await runner.query(
      `COMMENT ON TABLE webhook_secrets IS 'Webhook signing secrets (whsec_…); the event log names them by secret_id and fingerprint only'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE webhook_secrets`);
  }
}
