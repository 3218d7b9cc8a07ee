/**
 * Peer benchmark: the same event-store workload through this engine's PostgreSQL adapter, through
 * Emmett's PostgreSQL event store (@event-driven-io/emmett-postgresql) and as raw SQL, in one process
 * against one PostgreSQL server. Run alone with `npm run bench:peer` (add `-- --quick` for a short run),
 * or as a phase of the end-to-end benchmark through `emmettPeerPhase`.
 *
 * Workloads, each with events of the same ~600-byte payload, durable commits, fresh pools of as many
 * connections as writers, a warm-up, and short rounds in which the three contenders take turns in a
 * rotating order (the machine is shared and drifts: interleaving spreads that over all three); each
 * figure is the mean of its rounds:
 * - appends of 1 event with an exact expected version, 1, 8 and 32 writers, each on its own stream;
 * - appends of 10-event batches the same way, 1 and 8 writers;
 * - reading one 1,000-event stream in full, one reader, back to back;
 * - the ordered read of everything in the store, in pages of 1,000.
 * Ours and raw SQL use one database (raw SQL: a table `LIKE event_store.events` holding the same seeded
 * events, no concurrency check, no streams row), Emmett its own (its schema in `public`), both created
 * fresh and dropped at the end. Last, the WAL each one writes per 1-event append after a checkpoint.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { dumbo, setNodePostgresTypeParser, type Dumbo } from '@event-driven-io/dumbo';
import type { Event } from '@event-driven-io/emmett';
import {
  getPostgreSQLEventStore,
  readMessagesBatch,
  type PostgresEventStore as EmmettEventStore,
} from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import {
  type EventToAppend,
  type ExpectedRevision,
  type Position,
} from '../../src/application/ports/event-store.port.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { migrate } from '../../src/infrastructure/event-store/postgres/postgres.migrator.js';
import type { Row } from '../e2e/report.js';
import { withClient } from '../e2e/database.js';
import {
  baselineInsert,
  checkpoint,
  format,
  measure,
  newEvent,
  SEED_DATA_SQL,
  SEED_METADATA_SQL,
  seedStore,
} from '../store-workload.js';

export interface PeerOptions {
  /** A server's maintenance database, e.g. postgres://postgres@127.0.0.1:5432/postgres. */
  adminUrl: string;
  quick?: boolean;
  log?: (line: string) => void;
}

export type Contender = 'ours' | 'emmett' | 'raw';
const CONTENDERS: readonly Contender[] = ['ours', 'emmett', 'raw'];

export interface PeerRow {
  id: string;
  workload: string;
  unit: 'events/s' | 'reads/s';
  /** Mean over the measured rounds of each contender. */
  mean: Record<Contender, number>;
  /** Every round, for the record. */
  rounds: Array<Record<Contender, number>>;
}

export interface PeerResult {
  rows: PeerRow[];
  settings: {
    rounds: number;
    appendSeconds: number;
    streamReadSeconds: number;
    readAllEvents: number;
    readAllRounds: number;
  };
  /** Why 1-writer appends are close: the WAL each store writes per append after a checkpoint. */
  walPerAppend: Record<Contender, WalPerAppend>;
  postgres: string;
}

const PAGE_SIZE = 1000;
const STREAM_EVENTS = 1000;
const APPEND_WORKLOADS = [
  { writers: 1, batch: 1 },
  { writers: 8, batch: 1 },
  { writers: 32, batch: 1 },
  { writers: 1, batch: 10 },
  { writers: 8, batch: 10 },
];

/**
 * Dumbo (Emmett's database layer) installs process-wide `pg` parsers when its first pool is made: int8
 * as BigInt and json/jsonb through JSON.parse with a reviver. Our adapter and raw SQL keep pg's own
 * parsers through their pools' `types`, and the globals are put back at the end, so that a process
 * running other phases afterwards sees pg as before.
 */
const DUMBO_PARSED_TYPES = [20, 114, 3802];

interface PgParsers {
  types: pg.CustomTypesConfig;
  restore(): void;
}

function pgDefaultParsers(): PgParsers {
  const saved = new Map(DUMBO_PARSED_TYPES.map((oid) => [oid, pg.types.getTypeParser(oid, 'text')]));
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && saved.has(oid)
      ? saved.get(oid)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;
  return {
    types: { getTypeParser },
    restore: () => {
      for (const [oid, parser] of saved) pg.types.setTypeParser(oid, 'text', parser);
    },
  };
}

type EmmettEvent = Event<'FindingRecorded', Record<string, unknown>, Record<string, unknown>>;

/** The same event for Emmett: its id travels as metadata.messageId, which Emmett stores in its own column. */
const toEmmett = (event: EventToAppend): EmmettEvent => ({
  type: 'FindingRecorded',
  data: event.data,
  metadata: { messageId: event.eventId, ...event.metadata },
});

// The seeded events of the read workloads: the JSON of the appended ones, built by the server.

/** The two databases, and pg's own parsers for the pools of ours and raw SQL. */
interface Databases {
  ours: string;
  emmett: string;
  parsers: PgParsers;
}

function oursPool(db: Databases, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: db.ours, max, types: db.parsers.types });
  pool.on('error', ignore); // an idle client cut off (the databases dropped after a failure) must not crash the run
  return pool;
}

const ignore = (): void => undefined;

/** Our adapter on a pool of one connection, and how to close both. */
function oursStore(db: Databases): { store: PostgresEventStore; close(): Promise<void> } {
  const pool = oursPool(db, 1);
  const store = new PostgresEventStore(pool);
  return {
    store,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

/** Emmett as an application sets it up: its store on a pool (dumbo over pg.Pool); the executor reads all. */
function emmettStore(
  db: Databases,
  max: number,
): { store: EmmettEventStore; pool: Dumbo; close(): Promise<void> } {
  const native = new pg.Pool({ connectionString: db.emmett, max });
  native.on('error', ignore);
  const pool = dumbo({ connectionString: db.emmett, pool: native });
  const store = getPostgreSQLEventStore(db.emmett, { connectionOptions: { dumbo: pool } });
  return {
    store,
    pool,
    async close() {
      await store.close();
      await native.end();
    },
  };
}

async function appends(
  contender: Contender,
  db: Databases,
  writers: number,
  batch: number,
  seconds: number,
): Promise<number> {
  const runId = randomBytes(4).toString('hex');
  const stream = (writer: number): string => `bench-${contender}${runId}${writer}`;
  const events = (): EventToAppend[] => Array.from({ length: batch }, newEvent);
  let step: (writer: number) => Promise<number>;
  let close: () => Promise<void>;
  switch (contender) {
    case 'ours': {
      const pool = oursPool(db, writers);
      const store = new PostgresEventStore(pool);
      const expected: ExpectedRevision[] = Array.from({ length: writers }, () => 'no-stream');
      step = async (writer) => {
        const result = await store.append(stream(writer), events(), { expected: expected[writer] });
        expected[writer] = result.nextExpectedRevision;
        return batch;
      };
      close = async () => {
        await store.close();
        await pool.end();
      };
      break;
    }
    case 'emmett': {
      const emmett = emmettStore(db, writers);
      const expected: bigint[] = Array.from({ length: writers }, () => 0n);
      step = async (writer) => {
        const result = await emmett.store.appendToStream(stream(writer), events().map(toEmmett), {
          expectedStreamVersion: expected[writer],
        });
        expected[writer] = result.nextExpectedStreamVersion;
        return batch;
      };
      close = emmett.close;
      break;
    }
    case 'raw': {
      const pool = oursPool(db, writers);
      const next = Array.from({ length: writers }, () => 0);
      const text = baselineInsert(batch);
      step = async (writer) => {
        const values: unknown[] = [];
        for (const event of events()) {
          values.push(
            1,
            stream(writer),
            next[writer]++,
            event.eventId,
            event.type,
            1,
            JSON.stringify(event.data),
            JSON.stringify(event.metadata),
          );
        }
        await pool.query({ name: `raw_insert_${batch}`, text, values });
        return batch;
      };
      close = () => pool.end();
      break;
    }
    default:
      return assertNever(contender);
  }
  try {
    await measure(writers, 0.3, step); // connect, prepare, warm up
    return await measure(writers, seconds, step);
  } finally {
    await close();
  }
}

/** One reader reading the 1,000-event stream in full, again and again: reads per second. */
async function streamReads(
  contender: Contender,
  db: Databases,
  streams: Record<Contender, string>,
  seconds: number,
): Promise<number> {
  const streamId = streams[contender];
  let read: () => Promise<number>;
  let close: () => Promise<void>;
  switch (contender) {
    case 'ours': {
      const { store, close: closeStore } = oursStore(db);
      read = async () => (await store.readStream(streamId)).events.length;
      close = closeStore;
      break;
    }
    case 'emmett': {
      const emmett = emmettStore(db, 1);
      read = async () => (await emmett.store.readStream<EmmettEvent>(streamId)).events.length;
      close = emmett.close;
      break;
    }
    case 'raw': {
      const pool = oursPool(db, 1);
      read = async () =>
        (
          await pool.query({
            name: 'raw_read_stream',
            text: 'SELECT * FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision',
            values: [streamId],
          })
        ).rows.length;
      close = () => pool.end();
      break;
    }
    default:
      return assertNever(contender);
  }
  const step = async (): Promise<number> => {
    const count = await read();
    if (count !== STREAM_EVENTS) throw new Error(`${contender} read ${count} of ${STREAM_EVENTS} events`);
    return 1;
  };
  try {
    await measure(1, 0.3, step);
    return await measure(1, seconds, step);
  } finally {
    await close();
  }
}

/** The ordered read of every event in the store, page after page: events per second and how many. */
async function readEverything(contender: Contender, db: Databases): Promise<{ rate: number; count: number }> {
  let page: () => Promise<number>;
  let close: () => Promise<void>;
  switch (contender) {
    case 'ours': {
      const { store, close: closeStore } = oursStore(db);
      let after: Position | undefined;
      page = async () => {
        const events = await store.readAll({ after, maxCount: PAGE_SIZE });
        if (events.length > 0) after = events[events.length - 1].position;
        return events.length;
      };
      close = closeStore;
      break;
    }
    case 'emmett': {
      // What Emmett's consumers poll with (its batch puller), without their sleep between batches.
      const emmett = emmettStore(db, 1);
      let after = 0n;
      page = async () => {
        const batch = await readMessagesBatch(emmett.pool.execute, { after, batchSize: PAGE_SIZE });
        after = batch.currentGlobalPosition;
        return batch.messages.length;
      };
      close = emmett.close;
      break;
    }
    case 'raw': {
      const pool = oursPool(db, 1);
      let after = '0';
      page = async () => {
        const { rows } = await pool.query<{ global_position: string }>({
          name: 'raw_read_all',
          text: 'SELECT * FROM event_store.events WHERE global_position > $1 ORDER BY global_position LIMIT $2',
          values: [after, PAGE_SIZE],
        });
        if (rows.length > 0) after = rows[rows.length - 1].global_position;
        return rows.length;
      };
      close = () => pool.end();
      break;
    }
    default:
      return assertNever(contender);
  }
  try {
    const started = performance.now();
    let count = 0;
    for (;;) {
      const read = await page();
      count += read;
      if (read < PAGE_SIZE) break;
    }
    return { rate: (count * 1000) / (performance.now() - started), count };
  } finally {
    await close();
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected contender ${String(value)}`);
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE "${name}"`);
    // Durable commits whatever the server's default: every figure is for fsynced writes.
    await client.query(`ALTER DATABASE "${name}" SET synchronous_commit = on`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Schemas, `count` seeded events in each store, and the 1,000-event stream appended through each API. */
async function prepare(db: Databases, count: number): Promise<Record<Contender, string>> {
  const setup = oursPool(db, 1);
  try {
    await migrate(setup);
    await setup.query('CREATE SCHEMA bench_baseline');
    await setup.query('CREATE TABLE bench_baseline.events (LIKE event_store.events INCLUDING ALL)');
    await seedStore(setup, count);
  } finally {
    await setup.end();
  }
  const emmett = emmettStore(db, 1);
  try {
    await emmett.store.schema.migrate();
  } finally {
    await emmett.close();
  }
  await withClient(db.emmett, (client) =>
    client.query(
      `INSERT INTO emt_messages (stream_id, stream_position, partition, message_data, message_metadata, message_schema_version, message_type, message_kind, message_id, transaction_id)
       SELECT 'seed-' || (i / 100), i % 100 + 1, 'emt:default', ${SEED_DATA_SQL}, ${SEED_METADATA_SQL}, '1', 'FindingRecorded', 'E', gen_random_uuid()::text, pg_current_xact_id()
       FROM generate_series(0, $1::int - 1) AS i`,
      [count],
    ),
  );
  const streams: Record<Contender, string> = {
    ours: `long-${randomUUID()}`,
    emmett: `long-${randomUUID()}`,
    raw: '',
  };
  streams.raw = streams.ours; // raw SQL reads the stream our adapter wrote
  const oursWriterPool = oursPool(db, 1);
  const ours = new PostgresEventStore(oursWriterPool);
  const emmettWriter = emmettStore(db, 1);
  try {
    let expected: ExpectedRevision = 'no-stream';
    let version = 0n;
    for (let written = 0; written < STREAM_EVENTS; written += 10) {
      const batch = Array.from({ length: 10 }, newEvent);
      expected = (await ours.append(streams.ours, batch, { expected })).nextExpectedRevision;
      version = (
        await emmettWriter.store.appendToStream(streams.emmett, batch.map(toEmmett), {
          expectedStreamVersion: version,
        })
      ).nextExpectedStreamVersion;
    }
  } finally {
    await ours.close();
    await oursWriterPool.end();
    await emmettWriter.close();
  }
  await withClient(db.ours, async (client) => {
    await client.query('VACUUM (ANALYZE) event_store.events');
    await client.query('VACUUM (ANALYZE) event_store.streams');
    await client.query('VACUUM (ANALYZE) bench_baseline.events');
  });
  await withClient(db.emmett, (client) => client.query('VACUUM (ANALYZE)'));
  return streams;
}

export interface WalPerAppend {
  bytes: number;
  fullPageImages: number;
}

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * WAL written by one 1-event append right after a CHECKPOINT, per contender: the statement each one
 * runs (ours: append_many with the adapter's JSON; Emmett: emt_append_to_stream as its appendToStream
 * calls it; raw SQL: the INSERT), under EXPLAIN (ANALYZE, WAL), `count` appends each, averaged.
 */
async function walPerAppend(db: Databases, count: number): Promise<Record<Contender, WalPerAppend>> {
  const ours = new pg.Client({ connectionString: db.ours, types: db.parsers.types });
  const emmett = new pg.Client({ connectionString: db.emmett, types: db.parsers.types });
  await ours.connect();
  await emmett.connect();
  try {
    const wal = async (client: pg.Client, statement: string): Promise<WalPerAppend> => {
      const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, number> }> }>(
        `EXPLAIN (ANALYZE, WAL, FORMAT JSON) ${statement}`,
      );
      const [{ Plan }] = rows[0]['QUERY PLAN'];
      return { bytes: Plan['WAL Bytes'], fullPageImages: Plan['WAL FPI'] };
    };
    const streams = {
      ours: `wal-${randomUUID()}`,
      emmett: `wal-${randomUUID()}`,
      raw: `wal-${randomUUID()}`,
    };
    const statement: Record<Contender, (index: number) => string> = {
      ours: (index) =>
        `SELECT * FROM event_store.append_many(${literal(
          JSON.stringify([
            {
              streamId: streams.ours,
              expected: index === 0 ? 'no-stream' : 'revision',
              revision: index === 0 ? null : index - 1,
              events: [newEvent()],
            },
          ]),
        )}::jsonb)`,
      emmett: (index) => {
        const event = newEvent();
        return `SELECT * FROM emt_append_to_stream(ARRAY[${literal(event.eventId)}]::text[], ARRAY[${literal(JSON.stringify(event.data))}]::jsonb[],
          ARRAY[${literal(JSON.stringify(event.metadata))}]::jsonb[], ARRAY['1']::text[], ARRAY['FindingRecorded']::text[], ARRAY['E']::text[],
          ${literal(streams.emmett)}::text, 'wal'::text, ${index}::bigint, 'emt:default'::text)`;
      },
      raw: (index) => {
        const event = newEvent();
        return `INSERT INTO bench_baseline.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)
          VALUES (1, ${literal(streams.raw)}, ${index}, ${literal(event.eventId)}, 'FindingRecorded', 1, ${literal(JSON.stringify(event.data))}, ${literal(JSON.stringify(event.metadata))})`;
      },
    };
    await ours.query('CHECKPOINT');
    const result = {} as Record<Contender, WalPerAppend>;
    for (const contender of CONTENDERS) {
      const client = contender === 'emmett' ? emmett : ours;
      const total = { bytes: 0, fullPageImages: 0 };
      for (let index = 0; index < count; index++) {
        const one = await wal(client, statement[contender](index));
        total.bytes += one.bytes;
        total.fullPageImages += one.fullPageImages;
      }
      result[contender] = { bytes: total.bytes / count, fullPageImages: total.fullPageImages / count };
    }
    return result;
  } finally {
    await ours.end();
    await emmett.end();
  }
}

/** The contenders in round `round`'s order: each goes first, second and third in turn. */
const order = (round: number): Contender[] =>
  CONTENDERS.map((_, index) => CONTENDERS[(index + round) % CONTENDERS.length]);

/** Runs the peer benchmark on fresh databases of the server at `adminUrl` and drops them. */
export async function runEmmettPeer(options: PeerOptions): Promise<PeerResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const settings = options.quick
    ? { rounds: 3, appendSeconds: 0.3, streamReadSeconds: 0.3, readAllEvents: 20_000, readAllRounds: 1 }
    : { rounds: 6, appendSeconds: 0.7, streamReadSeconds: 0.5, readAllEvents: 100_000, readAllRounds: 2 };
  const suffix = randomBytes(6).toString('hex');
  const names = { ours: `bench_peer_${suffix}`, emmett: `bench_peer_${suffix}_emmett` };
  const parsers = pgDefaultParsers();
  const rows: PeerRow[] = [];
  let postgres: string;
  try {
    const db: Databases = {
      ours: await createDatabase(options.adminUrl, names.ours),
      emmett: await createDatabase(options.adminUrl, names.emmett),
      parsers,
    };
    postgres = await withClient(db.ours, async (client) => {
      const { rows: version } = await client.query<{ server_version: string }>('SHOW server_version');
      return version[0].server_version;
    });
    // Dumbo sets its parsers once per process; forced, so that a second run in one process measures Emmett alike.
    setNodePostgresTypeParser({ force: true });
    log(
      `peer benchmark on ${names.ours} and ${names.emmett}: seeding ${format(settings.readAllEvents)} events into each store`,
    );
    const streams = await prepare(db, settings.readAllEvents);
    const expectedCount = settings.readAllEvents + STREAM_EVENTS;

    const readAll: PeerRow = {
      id: 'peer.read-all',
      workload: `ordered read of everything (${format(expectedCount)} events), pages of ${format(PAGE_SIZE)}`,
      unit: 'events/s',
      mean: { ours: 0, emmett: 0, raw: 0 },
      rounds: [],
    };
    for (let round = 0; round < settings.readAllRounds + 1; round++) {
      const result = { ours: 0, emmett: 0, raw: 0 };
      for (const contender of order(round)) {
        const { rate, count } = await readEverything(contender, db);
        if (count !== expectedCount) throw new Error(`${contender} read ${count} of ${expectedCount} events`);
        result[contender] = rate;
      }
      // The first round warms the caches (every table read once by each); it is not kept.
      if (round === 0) continue;
      readAll.rounds.push(result);
      log(`  ${readAll.workload}, round ${round}: ${roundText(result, readAll.unit)}`);
    }
    rows.push(readAll);

    const streamRow: PeerRow = {
      id: 'peer.read-stream',
      workload: `read a ${format(STREAM_EVENTS)}-event stream, 1 reader`,
      unit: 'reads/s',
      mean: { ours: 0, emmett: 0, raw: 0 },
      rounds: [],
    };
    for (let round = 0; round < settings.rounds; round++) {
      const result = { ours: 0, emmett: 0, raw: 0 };
      for (const contender of order(round))
        result[contender] = await streamReads(contender, db, streams, settings.streamReadSeconds);
      streamRow.rounds.push(result);
      log(`  ${streamRow.workload}, round ${round + 1}: ${roundText(result, streamRow.unit)}`);
    }
    rows.push(streamRow);

    for (const { writers, batch } of APPEND_WORKLOADS) {
      const row: PeerRow = {
        id: `peer.append.${writers}x${batch}`,
        workload: `append ${batch === 1 ? '1 event' : `${batch}-event batches`} with expected version, ${writers} writer${writers > 1 ? 's' : ''}`,
        unit: 'events/s',
        mean: { ours: 0, emmett: 0, raw: 0 },
        rounds: [],
      };
      for (let round = 0; round < settings.rounds; round++) {
        const result = { ours: 0, emmett: 0, raw: 0 };
        await checkpoint(db.ours); // the server's: dirty pages of every database written out
        for (const contender of order(round)) {
          result[contender] = await appends(contender, db, writers, batch, settings.appendSeconds);
        }
        row.rounds.push(result);
        log(`  ${row.workload}, round ${round + 1}: ${roundText(result, row.unit)}`);
      }
      rows.push(row);
    }
    for (const row of rows) {
      for (const contender of CONTENDERS)
        row.mean[contender] =
          row.rounds.reduce((sum, round) => sum + round[contender], 0) / row.rounds.length;
    }
    const wal = await walPerAppend(db, 200);
    log(
      `  WAL per 1-event append after a checkpoint: ${CONTENDERS.map((contender) => `${contender} ${format(wal[contender].bytes)} bytes (${wal[contender].fullPageImages.toFixed(2)} full-page images)`).join(', ')}`,
    );
    return { rows, settings, postgres, walPerAppend: wal };
  } finally {
    parsers.restore();
    await withClient(options.adminUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${names.ours}" WITH (FORCE)`);
      await client.query(`DROP DATABASE IF EXISTS "${names.emmett}" WITH (FORCE)`);
    }).catch((error: unknown) => log(`could not drop the peer databases: ${String(error)}`));
  }
}

const roundText = (result: Record<Contender, number>, unit: string): string =>
  `ours ${format(result.ours)}, Emmett ${format(result.emmett)}, raw SQL ${format(result.raw)} ${unit}`;

/** ours ÷ Emmett in throughput: above 1 means ours is faster. */
export const oursOverEmmett = (row: PeerRow): number => row.mean.ours / row.mean.emmett;

/** The table of docs/benchmarks.md's peer section. */
export function peerMarkdownTable(result: PeerResult): string {
  return [
    '| workload | ours | Emmett | raw SQL | ours ÷ Emmett |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...result.rows.map(
      (row) =>
        `| ${row.workload} (${row.unit}) | ${format(row.mean.ours)} | ${format(row.mean.emmett)} | ${format(row.mean.raw)} | ${oursOverEmmett(row).toFixed(2)}× |`,
    ),
  ].join('\n');
}

/** The peer rows in the end-to-end report's shape: engine = ours, baseline = Emmett (raw SQL beside it). */
export function peerReportRows(result: PeerResult): Row[] {
  return result.rows.map((row) => {
    const ratio = oursOverEmmett(row);
    return {
      id: row.id,
      measure: `Peer: ${row.workload}: ${row.unit}`,
      engine: format(row.mean.ours),
      baseline: `Emmett ${format(row.mean.emmett)} (raw SQL ${format(row.mean.raw)})`,
      ratio,
      target: '≥ 1.00× Emmett',
      ok: ratio >= 1,
      values: { ours: row.mean.ours, emmett: row.mean.emmett, raw: row.mean.raw },
    };
  });
}

/** The end-to-end benchmark's peer phase: its report rows and a paragraph for "Reading the results". */
export async function emmettPeerPhase(options: PeerOptions): Promise<{ rows: Row[]; analysis: string }> {
  const result = await runEmmettPeer(options);
  const below = result.rows.filter((row) => oursOverEmmett(row) < 1);
  const wal = result.walPerAppend;
  return {
    rows: peerReportRows(result),
    analysis: [
      `**Peer.** The same store workload through Emmett's PostgreSQL event store (@event-driven-io/emmett-postgresql, its own database on this server) and as raw SQL, means of ${result.settings.rounds} interleaved rounds; ratios are ours ÷ Emmett in throughput.`,
      below.length === 0
        ? 'Ours is ahead on every row.'
        : `Below 1.0×: ${below.map((row) => `${row.workload} (${oursOverEmmett(row).toFixed(2)}×)`).join('; ')}.`,
      `Appends by one writer are the closest rows: each waits for its own commit's flush, and an append of ours writes ${format(wal.ours.bytes)} bytes of WAL right after a checkpoint against Emmett's ${format(wal.emmett.bytes)} (${wal.ours.fullPageImages.toFixed(2)} full-page images against ${wal.emmett.fullPageImages.toFixed(2)}: the unique index on event_id, which idempotent retries and duplicate-id refusals need and Emmett does not have, takes a random page per event), while it saves two of Emmett's three round trips (BEGIN, the function call, COMMIT).`,
      "With more writers the adapter's group commit puts concurrent appends in one transaction; Emmett commits each alone. Emmett reads everything by scanning and sorting its whole table for every page (no index leads with global_position or transaction_id) and parses JSON with a reviver.",
    ].join(' '),
  };
}
