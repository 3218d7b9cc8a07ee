// Migration transactions of several databases wait on each other's CREATE ROLE (pg_authid is
// cluster-wide), holding transaction ids open meanwhile: runs alone (jest.serial.config.js).
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { EventToAppend } from '../../src/application/ports/event-store.port.js';
import { eventStoreSchema } from '../../src/infrastructure/event-store/postgres/migrations/0001-event-store-schema.js';
import {
  EVENT_STORE_WRITER_ROLE,
  eventStoreWriterRole,
} from '../../src/infrastructure/event-store/postgres/migrations/0002-event-store-writer-role.js';
import { eventStoreMigrations } from '../../src/infrastructure/event-store/postgres/migrations/index.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { migrate } from '../../src/infrastructure/event-store/postgres/postgres.migrator.js';
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from '../support/database.js';

const suffix = (): string => randomBytes(5).toString('hex');
const anEvent = (): EventToAppend => ({ eventId: randomUUID(), type: 'Something', data: { at: Date.now() } });

async function asAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** The database's URL for another login (the local server trusts 127.0.0.1). */
function urlAs(database: TestDatabase, login: string): string {
  const url = new URL(database.url);
  url.username = login;
  url.password = '';
  return url.toString();
}

describe('PostgreSQL event store: the production writer role', () => {
  let database: TestDatabase;
  let owner: PostgresEventStore;
  const writerLogin = `writer_test_${suffix()}`;
  let writerUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('es_writer');
    owner = await PostgresEventStore.start(database.url);
    await asAdmin(async (admin) => {
      await admin.query(`CREATE ROLE ${writerLogin} LOGIN IN ROLE ${EVENT_STORE_WRITER_ROLE}`);
      // What the engine's login also holds for its read models (README "Security"): its own schemas.
      await admin.query(`GRANT CREATE ON DATABASE "${database.name}" TO ${writerLogin}`);
    });
    writerUrl = urlAs(database, writerLogin);
  });

  afterAll(async () => {
    await owner?.close();
    await database?.drop();
    await asAdmin((admin) => admin.query(`DROP ROLE IF EXISTS ${writerLogin}`));
  });

  it('the migration creates event_store_writer as a NOLOGIN role with SELECT and INSERT, never UPDATE, DELETE or TRUNCATE, on events', async () => {
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ rolcanlogin: boolean; rolsuper: boolean }>(
        'SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1',
        [EVENT_STORE_WRITER_ROLE],
      );
      expect(rows).toEqual([{ rolcanlogin: false, rolsuper: false }]);
      const privileges = await sql.query<{ privilege: string; granted: boolean }>(
        `SELECT privilege, has_table_privilege($1, 'event_store.events', privilege) AS granted
         FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS privilege`,
        [EVENT_STORE_WRITER_ROLE],
      );
      expect(Object.fromEntries(privileges.rows.map((row) => [row.privilege, row.granted]))).toEqual({
        SELECT: true,
        INSERT: true,
        UPDATE: false,
        DELETE: false,
        TRUNCATE: false,
        REFERENCES: false,
        TRIGGER: false,
      });
    } finally {
      await sql.end();
    }
  });

  it('a login in the role appends and reads through the adapter, and the start-up check passes', async () => {
    const store = await PostgresEventStore.start(writerUrl, { pollIntervalMs: 100 });
    try {
      await expect(store.migrate()).resolves.toEqual({ applied: [] });
      const stream = `writer-${randomUUID()}`;
      await expect(
        store.append(stream, [anEvent(), anEvent()], { expected: 'no-stream' }),
      ).resolves.toMatchObject({
        nextExpectedRevision: 1,
      });
      await expect(store.append(stream, [anEvent()], { expected: 1 })).resolves.toMatchObject({
        nextExpectedRevision: 2,
      });
      const { events } = await store.readStream(stream);
      expect(events.map((event) => event.revision)).toEqual([0, 1, 2]);
      // A transaction open elsewhere in the cluster holds read-all back (the visibility gate): wait it out.
      await store.awaitReadable(10_000);
      const all = await store.readAll({ maxCount: 1000 });
      expect(all.filter((event) => event.streamId === stream)).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it.each([
    ['UPDATE', 'UPDATE event_store.events SET event_type = event_type'],
    ['DELETE', 'DELETE FROM event_store.events'],
    ['TRUNCATE', 'TRUNCATE event_store.events'],
    [
      'switching the append-only trigger off',
      'ALTER TABLE event_store.events DISABLE TRIGGER events_append_only',
    ],
    ['UPDATE of the settings', 'UPDATE event_store.settings SET restore_epoch = restore_epoch + 1'],
    [
      'rewinding global positions',
      "SELECT setval(pg_get_serial_sequence('event_store.events', 'global_position'), 1)",
    ],
  ])('a login in the role is refused %s with permission denied (42501)', async (_what, statement) => {
    await owner.append(`writer-guard-${randomUUID()}`, [anEvent()], { expected: 'no-stream' });
    const sql = new pg.Client({ connectionString: writerUrl });
    await sql.connect();
    try {
      await expect(sql.query(statement)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await sql.end();
    }
  });

  it('the owner migrates with `npm run migrate:event-store`; a writer login then starts on the migrated schema', async () => {
    const entry = resolve('dist/scripts/migrate-event-store.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
    const fresh = await createTestDatabase('es_role_owner');
    const login = `writer_test_${suffix()}`;
    try {
      const migrateAsOwner = () =>
        spawnSync(process.execPath, [entry], {
          env: { PATH: process.env.PATH ?? '', DATABASE_URL: fresh.url },
          encoding: 'utf8',
        });
      const first = migrateAsOwner();
      expect({ status: first.status, stdout: first.stdout }).toEqual({
        status: 0,
        stdout: `Applied event-store migrations ${eventStoreMigrations.map((m) => m.version).join(', ')}.\n`,
      });
      expect(migrateAsOwner()).toMatchObject({
        status: 0,
        stdout: 'The event store schema is up to date.\n',
      });
      await asAdmin(async (admin) => {
        await admin.query(`CREATE ROLE ${login} LOGIN IN ROLE ${EVENT_STORE_WRITER_ROLE}`);
        await admin.query(`GRANT CREATE ON DATABASE "${fresh.name}" TO ${login}`);
      });
      const store = await PostgresEventStore.start(urlAs(fresh, login));
      try {
        await expect(
          store.append(`owner-${randomUUID()}`, [anEvent()], { expected: 'no-stream' }),
        ).resolves.toMatchObject({
          nextExpectedRevision: 0,
        });
      } finally {
        await store.close();
      }
    } finally {
      await fresh.drop();
      await asAdmin((admin) => admin.query(`DROP ROLE IF EXISTS ${login}`));
    }
  });

  it('4 databases migrating at once all succeed, while the role is created exactly once', async () => {
    // A role of its own, so that it does not exist yet and the four migrations race to create it.
    const role = `es_writer_race_${suffix()}`;
    const migrations = [eventStoreSchema, eventStoreWriterRole(role)];
    const databases = await Promise.all(Array.from({ length: 4 }, () => createTestDatabase('es_role_race')));
    const pools = databases.map((fresh) => new pg.Pool({ connectionString: fresh.url, max: 1 }));
    try {
      const reports = await Promise.all(pools.map((pool) => migrate(pool, migrations)));
      expect(reports).toEqual(Array.from({ length: 4 }, () => ({ applied: [1, 2] })));
      for (const pool of pools) {
        const { rows } = await pool.query<{ insert: boolean; delete: boolean }>(
          `SELECT has_table_privilege($1, 'event_store.events', 'INSERT') AS insert,
                  has_table_privilege($1, 'event_store.events', 'DELETE') AS delete`,
          [role],
        );
        expect(rows).toEqual([{ insert: true, delete: false }]);
      }
      const count = await pools[0].query('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [
        role,
      ]);
      expect(count.rows).toEqual([{ n: 1 }]);
      // The real list, against a role that exists already, concurrently too.
      const again = await Promise.all(
        Array.from({ length: 4 }, () => createTestDatabase('es_role_race')).map(async (created) => {
          const fresh = await created;
          const pool = new pg.Pool({ connectionString: fresh.url, max: 1 });
          try {
            return await migrate(pool);
          } finally {
            await pool.end();
            await fresh.drop();
          }
        }),
      );
      expect(again).toEqual(
        Array.from({ length: 4 }, () => ({
          applied: eventStoreMigrations.map((migration) => migration.version),
        })),
      );
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await Promise.all(databases.map((fresh) => fresh.drop()));
      await asAdmin((admin) => admin.query(`DROP ROLE IF EXISTS ${role}`));
    }
  });

  it('a migrating user that may not create roles skips the role with a notice, and the migration still succeeds', async () => {
    const migrator = `es_migrator_${suffix()}`;
    const role = `es_writer_absent_${suffix()}`;
    const fresh = await createTestDatabase('es_role_skip');
    await asAdmin(async (admin) => {
      await admin.query(`CREATE ROLE ${migrator} LOGIN NOCREATEROLE NOSUPERUSER`);
      await admin.query(`ALTER DATABASE "${fresh.name}" OWNER TO ${migrator}`);
    });
    const notices: string[] = [];
    const pool = new pg.Pool({ connectionString: urlAs(fresh, migrator), max: 1 });
    pool.on('connect', (client) => client.on('notice', (notice) => notices.push(notice.message ?? '')));
    try {
      await expect(migrate(pool, [eventStoreSchema, eventStoreWriterRole(role)])).resolves.toEqual({
        applied: [1, 2],
      });
      expect(notices).toContainEqual(
        expect.stringContaining(`Role ${role} not created: ${migrator} may not create roles`),
      );
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [role]);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await pool.end();
      await fresh.drop();
      await asAdmin((admin) => admin.query(`DROP ROLE IF EXISTS ${migrator}`));
    }
  });
});
