import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyKeys1732800000000 implements MigrationInterface {
  name = 'IdempotencyKeys1732800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE idempotency_keys (
        scope        text        NOT NULL,
        key          text        NOT NULL,
        request_hash text        NOT NULL,
        status       int,
        headers      jsonb,
        body         text,
        claimed_at   timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (scope, key)
      )`);
    await runner.query(`CREATE INDEX idempotency_keys_claimed_at ON idempotency_keys (claimed_at)`);
    await runner.query(
      `COMMENT ON TABLE idempotency_keys IS 'Idempotency-Key of POST requests, per caller (sub); responses replayed byte for byte; kept 48 h'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_keys`);
  }
}
