import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The runner's own bookkeeping, in schema `projections`: one row per projection (which generation
 * serves, whether a rebuild is under way, state and error) and one per generation (its schema and
 * checkpoint). A checkpoint is the event store's opaque Position string, so it holds the
 * PostgreSQL adapter's `epoch/xid/position` as well as KurrentDB's `commit/prepare`.
 */
export class ProjectionState1733000000000 implements MigrationInterface {
  name = 'ProjectionState1733000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS projections`);
    await runner.query(`
      CREATE TABLE projections.projection_state (
        name               text        PRIMARY KEY,
        active_generation  integer     NOT NULL,
        rebuild_generation integer,
        rebuild_requested  boolean     NOT NULL DEFAULT false,
        state              text        NOT NULL
          CONSTRAINT projection_state_state CHECK (state IN ('running', 'rebuilding', 'failed', 'stopped')),
        error              text,
        worker_pid         integer,
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE projections.projection_generations (
        name           text        NOT NULL REFERENCES projections.projection_state (name) ON DELETE CASCADE,
        generation     integer     NOT NULL,
        schema_name    text        NOT NULL UNIQUE,
        checkpoint     text,
        events_applied bigint      NOT NULL DEFAULT 0,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, generation)
      )`);
    await runner.query(
      `COMMENT ON TABLE projections.projection_state IS 'One row per projection: the generation that serves queries, a rebuild under way, state running/rebuilding/failed/stopped, the error that stopped it, and the backend pid of the worker that wrote the state'`,
    );
    await runner.query(
      `COMMENT ON TABLE projections.projection_generations IS 'One row per generation of a projection: its schema and checkpoint (the event store position of the last event applied, opaque text; NULL before the first)'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE projections.projection_generations`);
    await runner.query(`DROP TABLE projections.projection_state`);
  }
}
