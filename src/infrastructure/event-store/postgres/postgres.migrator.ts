import { createHash } from 'node:crypto';
import type pg from 'pg';
import { eventStoreMigrations, type Migration } from './migrations/index.js';

/**
 * Key of the session advisory lock held around a whole migration run ("ev_store" in ASCII). Advisory
 * locks are per database, so instances starting together against one database take turns.
 */
export const MIGRATION_LOCK_KEY = '7311135994561917541';

export interface MigrationReport {
  /** Versions applied by this run, in order; empty when the schema was already up to date. */
  applied: number[];
}

export class MigrationError extends Error {
  readonly code = 'event-store-migration-failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

const checksum = (migration: Migration): string => createHash('sha256').update(migration.sql).digest('hex');

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (!Number.isInteger(migration.version) || migration.version < 1) {
      throw new MigrationError(`Migration ${migration.name} has an invalid version ${migration.version}`);
    }
    if (previous && migration.version <= previous.version) {
      throw new MigrationError(
        `Migrations must be listed in increasing version order: ${previous.version} then ${migration.version}`,
      );
    }
  });
}

async function createSchemaAndLedger(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('CREATE SCHEMA IF NOT EXISTS event_store');
  } catch (error) {
    // IF NOT EXISTS is not atomic: a creator outside our lock may win the race (unique_violation / duplicate_schema).
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
  const { rows } = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('event_store.schema_migrations') IS NOT NULL AS exists",
  );
  if (rows[0].exists) return;
  // One simple-protocol query with several statements runs as one implicit transaction.
  await client.query(`
    CREATE TABLE event_store.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON SCHEMA event_store IS 'Event store of the case-adjudication engine (see docs/event-store.md).';
    COMMENT ON TABLE event_store.schema_migrations IS 'Event-store schema migrations applied to this database, one row each.';
    COMMENT ON COLUMN event_store.schema_migrations.version IS 'Version of the migration; applied in increasing order.';
    COMMENT ON COLUMN event_store.schema_migrations.name IS 'Name of the migration.';
    COMMENT ON COLUMN event_store.schema_migrations.checksum IS 'SHA-256 of the SQL applied; a released migration must not change.';
    COMMENT ON COLUMN event_store.schema_migrations.applied_at IS 'When the migration was applied.';
  `);
}

async function applyMigration(client: pg.PoolClient, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      'INSERT INTO event_store.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
      [migration.version, migration.name, checksum(migration)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      `Event-store migration ${migration.version} (${migration.name}) failed and was rolled back: ${String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Brings the `event_store` schema up to date: applies, each once and in its own transaction, every
 * migration not yet recorded in `event_store.schema_migrations`. Safe when several instances start at
 * once: the whole run holds a session advisory lock with a fixed key.
 */
export async function migrate(
  pool: pg.Pool,
  migrations: readonly Migration[] = eventStoreMigrations,
): Promise<MigrationReport> {
  assertOrdered(migrations);
  const client = await pool.connect();
  let failure: unknown;
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await createSchemaAndLedger(client);
      const { rows } = await client.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM event_store.schema_migrations ORDER BY version',
      );
      const recorded = new Map(rows.map((row) => [row.version, row.checksum]));
      const applied: number[] = [];
      for (const migration of migrations) {
        const recordedChecksum = recorded.get(migration.version);
        if (recordedChecksum === undefined) {
          await applyMigration(client, migration);
          applied.push(migration.version);
        } else if (recordedChecksum !== checksum(migration)) {
          throw new MigrationError(
            `Event-store migration ${migration.version} (${migration.name}) changed after it was applied; ` +
              'add a new migration instead of editing a released one.',
          );
        }
      }
      return { applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A client that failed mid-run is discarded, which also ends its session and any lock it still holds.
    client.release(failure instanceof Error && !(failure instanceof MigrationError) ? failure : undefined);
  }
}
