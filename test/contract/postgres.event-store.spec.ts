import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  type EventToAppend,
  type Position,
} from '../../src/application/ports/event-store.port.js';
import { eventStoreMigrations } from '../../src/infrastructure/event-store/postgres/migrations/index.js';
import {
  APPENDED_CHANNEL,
  PostgresEventStore,
  READ_ALL_SQL,
} from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { migrate, MigrationError } from '../../src/infrastructure/event-store/postgres/postgres.migrator.js';
import { parsePosition } from '../../src/infrastructure/event-store/postgres/postgres.position.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase('es_contract');
  const store = await PostgresEventStore.start(database.url, { pollIntervalMs: 100 });
  return {
    store,
    teardown: async () => {
      await store.close();
      await database.drop();
    },
  };
});

const anEvent = (type = 'Something'): EventToAppend => ({
  eventId: randomUUID(),
  type,
  data: { at: Date.now() },
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL event store', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let sql: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('es_pg');
    store = await PostgresEventStore.start(database.url, { pollIntervalMs: 100 });
    sql = new pg.Pool({ connectionString: database.url, max: 4 });
  });

  afterAll(async () => {
    await store?.close();
    await sql?.end();
    await database?.drop();
  });

  const countEvents = async (): Promise<number> =>
    Number((await sql.query<{ count: string }>('SELECT count(*) FROM event_store.events')).rows[0].count);

  describe('the events table is append-only', () => {
    it.each([
      'UPDATE event_store.events SET event_type = event_type',
      'DELETE FROM event_store.events',
      'DELETE FROM event_store.events WHERE false',
      'TRUNCATE event_store.events',
    ])('%s is rejected', async (statement) => {
      await store.append(`append-only-${randomUUID()}`, [anEvent()], { expected: 'no-stream' });
      const before = await countEvents();
      await expect(sql.query(statement)).rejects.toMatchObject({
        code: 'ES003',
        message: expect.stringMatching(
          /event_store\.events is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/,
        ),
      });
      expect(await countEvents()).toBe(before);
    });

    it('is rejected under session_replication_role = replica too', async () => {
      const client = await sql.connect();
      try {
        await client.query('SET session_replication_role = replica');
        await expect(client.query('DELETE FROM event_store.events')).rejects.toMatchObject({ code: 'ES003' });
      } finally {
        await client.query('RESET session_replication_role');
        client.release();
      }
    });
  });

  describe('the documented schema', () => {
    it('has the events, streams and settings tables with the documented columns', async () => {
      const { rows } = await sql.query<{
        table_name: string;
        column_name: string;
        data_type: string;
        is_identity: string;
        identity_generation: string | null;
        column_default: string | null;
      }>(
        `SELECT table_name, column_name, data_type, is_identity, identity_generation, column_default
         FROM information_schema.columns WHERE table_schema = 'event_store' ORDER BY table_name, ordinal_position`,
      );
      const columns = (table: string): Record<string, string> =>
        Object.fromEntries(
          rows.filter((row) => row.table_name === table).map((row) => [row.column_name, row.data_type]),
        );
      expect(columns('events')).toEqual({
        global_position: 'bigint',
        restore_epoch: 'integer',
        transaction_id: 'xid8',
        stream_id: 'text',
        stream_revision: 'bigint',
        event_id: 'uuid',
        event_type: 'text',
        schema_version: 'integer',
        data: 'jsonb',
        metadata: 'jsonb',
        recorded_at: 'timestamp with time zone',
      });
      expect(columns('streams')).toMatchObject({ stream_id: 'text', stream_revision: 'bigint' });
      expect(columns('settings')).toMatchObject({ restore_epoch: 'integer' });
      expect(columns('schema_migrations')).toMatchObject({ version: 'integer', name: 'text' });
      const column = (name: string) =>
        rows.find((row) => row.table_name === 'events' && row.column_name === name);
      expect(column('global_position')).toMatchObject({ is_identity: 'YES', identity_generation: 'ALWAYS' });
      expect(column('transaction_id')?.column_default).toBe('pg_current_xact_id()');
      expect(column('recorded_at')?.column_default).toBe('now()');
    });

    it('has the unique constraints, the primary keys and the read-all index', async () => {
      const { rows: constraints } = await sql.query<{ table: string; name: string; definition: string }>(
        `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint WHERE connamespace = 'event_store'::regnamespace AND contype IN ('p', 'u')
         ORDER BY 1, 2`,
      );
      expect(constraints).toEqual(
        expect.arrayContaining([
          {
            table: 'event_store.events',
            name: 'events_stream_revision_key',
            definition: 'UNIQUE (stream_id, stream_revision)',
          },
          { table: 'event_store.events', name: 'events_event_id_key', definition: 'UNIQUE (event_id)' },
          { table: 'event_store.events', name: 'events_pkey', definition: 'PRIMARY KEY (global_position)' },
          { table: 'event_store.streams', name: 'streams_pkey', definition: 'PRIMARY KEY (stream_id)' },
        ]),
      );
      const { rows: indexes } = await sql.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = 'event_store' AND indexname = 'events_read_all_idx'`,
      );
      expect(indexes[0]?.indexdef).toContain('(restore_epoch, transaction_id, global_position)');
      const { rows: triggers } = await sql.query<{ tgname: string; tgenabled: string }>(
        `SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'event_store.events'::regclass AND NOT tgisinternal`,
      );
      expect(triggers).toEqual([{ tgname: 'events_append_only', tgenabled: 'A' }]);
    });

    it('settings holds one row, with restore epoch 1 at the start', async () => {
      const { rows } = await sql.query('SELECT restore_epoch FROM event_store.settings');
      expect(rows).toEqual([{ restore_epoch: 1 }]);
      await expect(
        sql.query('INSERT INTO event_store.settings (restore_epoch) VALUES (2)'),
      ).rejects.toMatchObject({
        code: '23505',
      });
    });

    it('documents every table and column with a comment', async () => {
      const { rows } = await sql.query<{ object: string }>(
        `SELECT c.relname AS object FROM pg_class c
         WHERE c.relnamespace = 'event_store'::regnamespace AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') IS NULL
         UNION ALL
         SELECT c.relname || '.' || a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
         WHERE c.relnamespace = 'event_store'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
           AND col_description(c.oid, a.attnum) IS NULL`,
      );
      expect(rows).toEqual([]);
    });

    it('reads all through the read-all index, without sorting', async () => {
      await sql.query(
        `INSERT INTO event_store.events (restore_epoch, stream_id, stream_revision, event_id, event_type, data)
         SELECT 1, 'explain-' || (i / 100), i % 100, gen_random_uuid(), 'Seeded', '{}' FROM generate_series(0, 19999) i`,
      );
      await sql.query('ANALYZE event_store.events');
      const client = await sql.connect();
      try {
        for (const mode of ['force_custom_plan', 'force_generic_plan']) {
          await client.query(`SET plan_cache_mode = ${mode}`);
          const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${READ_ALL_SQL}`, [
            1,
            '0',
            '100',
            500,
          ]);
          const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
          expect(plan).toMatch(/Index Scan using events_read_all_idx on events/);
          expect(plan).toMatch(/Index Cond: .*ROW\(restore_epoch, transaction_id, global_position\) >/);
          expect(plan).not.toMatch(/Sort|Seq Scan on events/);
        }
      } finally {
        await client.query('RESET plan_cache_mode');
        client.release();
      }
    });
  });

  describe('migrations', () => {
    it('running them again changes nothing', async () => {
      const before = (await sql.query('SELECT * FROM event_store.schema_migrations ORDER BY version')).rows;
      expect(before.map((row: { version: number }) => row.version)).toEqual(
        eventStoreMigrations.map((migration) => migration.version),
      );
      await expect(migrate(sql)).resolves.toEqual({ applied: [] });
      await expect(store.migrate()).resolves.toEqual({ applied: [] });
      expect((await sql.query('SELECT * FROM event_store.schema_migrations ORDER BY version')).rows).toEqual(
        before,
      );
    });

    it('4 migrators starting at once on a fresh database apply each migration exactly once', async () => {
      const fresh = await createTestDatabase('es_migrate');
      const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: fresh.url, max: 1 }));
      try {
        const reports = await Promise.all(pools.map((pool) => migrate(pool)));
        expect(reports.flatMap((report) => report.applied).sort()).toEqual(
          eventStoreMigrations.map((migration) => migration.version),
        );
        const { rows } = await pools[0].query(
          'SELECT version FROM event_store.schema_migrations ORDER BY version',
        );
        expect(rows.map((row: { version: number }) => row.version)).toEqual(
          eventStoreMigrations.map((migration) => migration.version),
        );
        const migrated = new PostgresEventStore(pools[0]);
        await expect(
          migrated.append('after-migration', [anEvent()], { expected: 'no-stream' }),
        ).resolves.toMatchObject({
          nextExpectedRevision: 0,
        });
        await migrated.close();
      } finally {
        await Promise.all(pools.map((pool) => pool.end()));
        await fresh.drop();
      }
    });

    it('refuses a released migration whose SQL changed', async () => {
      const edited = eventStoreMigrations.map((migration) => ({
        ...migration,
        sql: `${migration.sql}\n-- edited`,
      }));
      await expect(migrate(sql, edited)).rejects.toBeInstanceOf(MigrationError);
    });

    it('a new migration is applied by appending it to the list', async () => {
      const next = {
        version: eventStoreMigrations[eventStoreMigrations.length - 1].version + 1000,
        name: 'test-only',
        sql: 'CREATE TABLE event_store.test_only (id int); COMMENT ON TABLE event_store.test_only IS $$test$$;',
      };
      const fresh = await createTestDatabase('es_migrate');
      const pool = new pg.Pool({ connectionString: fresh.url, max: 1 });
      try {
        await expect(migrate(pool)).resolves.toEqual({ applied: eventStoreMigrations.map((m) => m.version) });
        await expect(migrate(pool, [...eventStoreMigrations, next])).resolves.toEqual({
          applied: [next.version],
        });
        await expect(migrate(pool, [...eventStoreMigrations, next])).resolves.toEqual({ applied: [] });
      } finally {
        await pool.end();
        await fresh.drop();
      }
    });
  });

  describe('appends', () => {
    it('a batch with an event id already stored in another stream writes nothing and is DuplicateEventIdError', async () => {
      const taken = anEvent();
      await store.append(`dup-owner-${randomUUID()}`, [taken], { expected: 'no-stream' });
      const before = await countEvents();
      for (const expected of ['no-stream', 'any'] as const) {
        const stream = `dup-${randomUUID()}`;
        const error = await store
          .append(stream, [anEvent(), taken, anEvent()], { expected })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ code: 'duplicate-event-id', eventId: taken.eventId, streamId: stream });
        expect(await store.readStream(stream)).toEqual({ exists: false, events: [] });
      }
      expect(await countEvents()).toBe(before);
    });

    it('combines concurrent appends into shared transactions, each with its own outcome', async () => {
      const tag = randomUUID();
      const existing = `combined-existing-${tag}`;
      await store.append(existing, [anEvent(), anEvent()], { expected: 'no-stream' });
      const retried = [anEvent()];
      const earlier = await store.append(`combined-retried-${tag}`, retried, { expected: 'no-stream' });
      const fresh = Array.from({ length: 12 }, (_, index) => `combined-fresh-${tag}-${index}`);

      const [created, advanced, behind, missing, retry, anyStream, twice] = await Promise.allSettled([
        Promise.all(
          fresh.map((stream) => store.append(stream, [anEvent(), anEvent()], { expected: 'no-stream' })),
        ),
        store.append(existing, [anEvent()], { expected: 1 }),
        store.append(existing, [anEvent()], { expected: 0 }),
        store.append(`combined-missing-${tag}`, [anEvent()], { expected: 3 }),
        store.append(`combined-retried-${tag}`, retried, { expected: 'no-stream' }),
        store.append(`combined-any-${tag}`, [anEvent()], { expected: 'any' }),
        store.append(existing, [anEvent()], { expected: 'stream-exists' }),
      ]);

      expect(created).toMatchObject({ status: 'fulfilled' });
      const createdResults = (
        created as PromiseFulfilledResult<{ nextExpectedRevision: number; position: Position }[]>
      ).value;
      expect(createdResults.map((result) => result.nextExpectedRevision)).toEqual(fresh.map(() => 1));
      const transactions = createdResults.map((result) => parsePosition(result.position).transactionId);
      expect(new Set(transactions).size).toBeLessThan(transactions.length);
      expect(advanced).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 2 } });
      expect(behind).toMatchObject({
        status: 'rejected',
        reason: { code: 'wrong-expected-version', actual: 2 },
      });
      expect(missing).toMatchObject({ status: 'rejected', reason: { actual: 'no-stream' } });
      expect(retry).toEqual({ status: 'fulfilled', value: earlier });
      expect(anyStream).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
      expect(twice).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 3 } });
      expect((await store.readStream(existing)).events.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
      for (const stream of fresh) expect((await store.readStream(stream)).events).toHaveLength(2);
    });

    it('an append that breaks a combined transaction fails alone', async () => {
      const taken = anEvent();
      await store.append(`breaker-owner-${randomUUID()}`, [taken], { expected: 'no-stream' });
      const streams = Array.from({ length: 10 }, () => `breaker-${randomUUID()}`);
      const outcomes = await Promise.allSettled(
        streams.map((stream, index) =>
          store.append(stream, index === 5 ? [anEvent(), taken] : [anEvent()], { expected: 'no-stream' }),
        ),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(
        streams.map((_, index) => (index === 5 ? 'rejected' : 'fulfilled')),
      );
      expect((outcomes[5] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
      expect(await store.readStream(streams[5])).toEqual({ exists: false, events: [] });
      for (const [index, stream] of streams.entries()) {
        if (index !== 5) expect((await store.readStream(stream)).events).toHaveLength(1);
      }
    });

    it('sends exactly one notification per append transaction, none for an idempotent retry', async () => {
      const listener = new pg.Client({ connectionString: database.url });
      await listener.connect();
      const notifications: string[] = [];
      listener.on('notification', (message) => notifications.push(message.channel));
      try {
        await listener.query(`LISTEN ${APPENDED_CHANNEL}`);
        const stream = `notify-${randomUUID()}`;
        const batch = Array.from({ length: 10 }, () => anEvent());
        await store.append(stream, batch, { expected: 'no-stream' });
        await store.append(stream, [anEvent()], { expected: 9 });
        await store.append(stream, batch, { expected: 'no-stream' });
        await sleep(300);
        expect(notifications).toEqual([APPENDED_CHANNEL, APPENDED_CHANNEL]);
      } finally {
        await listener.end();
      }
    });

    it('sets idle_in_transaction_session_timeout on its sessions', async () => {
      const pool = new pg.Pool({ connectionString: database.url, max: 1 });
      const pooled = new PostgresEventStore(pool, { idleInTransactionTimeoutMs: 12_345 });
      try {
        await pooled.ping();
        const { rows } = await pool.query('SHOW idle_in_transaction_session_timeout');
        expect(rows[0]).toEqual({ idle_in_transaction_session_timeout: '12345ms' });
      } finally {
        await pooled.close();
        await pool.end();
      }
    });
  });

  describe('positions', () => {
    it.each([
      'nonsense',
      '',
      '1/2',
      '-1/0/0',
      '1/2/3/4',
      '01/2/3',
      '1/2/99999999999999999999',
      '2147483648/0/0',
    ])('refuses the malformed position %j with a clear error', async (position) => {
      await expect(store.readAll({ after: position as Position, maxCount: 1 })).rejects.toMatchObject({
        code: 'invalid-position',
        message: expect.stringContaining('<restore epoch>/<transaction id>/<global position>'),
      });
      expect(() => store.subscribe({ after: position as Position })).toThrow(/Invalid event-store position/);
    });

    it('is <restore epoch>/<transaction id>/<global position>', async () => {
      const result = await store.append(`position-${randomUUID()}`, [anEvent()], { expected: 'no-stream' });
      expect(result.position).toMatch(/^1\/\d+\/\d+$/);
    });
  });

  describe('connections', () => {
    it('an unreachable server is EventStoreUnavailableError', async () => {
      const unreachable = new PostgresEventStore('postgres://postgres@127.0.0.1:1/nowhere');
      try {
        await expect(unreachable.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(unreachable.append('s', [anEvent()], { expected: 'any' })).rejects.toMatchObject({
          code: 'event-store-unreachable',
        });
        await expect(unreachable.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
      } finally {
        await unreachable.close();
      }
      await expect(unreachable.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    });

    it('close() ends live subscriptions and releases every connection, the LISTEN one included', async () => {
      const application = `es-close-${randomUUID().slice(0, 8)}`;
      const url = new URL(database.url);
      url.searchParams.set('application_name', application);
      const closing = new PostgresEventStore(url.toString(), { pollIntervalMs: 50 });
      const countSessions = async (): Promise<number> =>
        Number(
          (
            await sql.query<{ count: string }>(
              'SELECT count(*) FROM pg_stat_activity WHERE application_name = $1',
              [application],
            )
          ).rows[0].count,
        );
      const subscription = closing.subscribe({ filter: { streamPrefixes: [`none-${randomUUID()}`] } });
      const iteration = (async () => {
        for await (const _ of subscription) {
          // nothing matches
        }
        return 'ended';
      })();
      await sleep(300);
      expect(await countSessions()).toBeGreaterThanOrEqual(2);
      await closing.close();
      await expect(iteration).resolves.toBe('ended');
      for (let attempt = 0; attempt < 40 && (await countSessions()) > 0; attempt++) await sleep(50);
      expect(await countSessions()).toBe(0);
    });
  });
});
