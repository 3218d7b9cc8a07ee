import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters shared by every instance on this database: one row per bucket (`sub:…` or
 * `ip:…`) with the start of its current window and the requests counted in it. Unlogged: counters
 * are worth nothing after a crash, and skipping the WAL keeps the one write per request cheap.
 */
export class RateLimitCounters1767225600000 implements MigrationInterface {
  name = 'RateLimitCounters1767225600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        key          text        PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits         integer     NOT NULL
      )`);
    await runner.query(
      `COMMENT ON TABLE rate_limit_counters IS 'Requests per rate-limit bucket (sub: or ip:) in its current one-minute window, shared by every engine instance; expired rows are deleted lazily'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rate_limit_counters`);
  }
}
