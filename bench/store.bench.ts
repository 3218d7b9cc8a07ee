/**
 * Event-store benchmark: the PostgreSQL adapter against raw `pg` on a table of the same shape, in the
 * same run and the same database. `npm run bench:store` (add `-- --quick` for a short run).
 *
 * Appends: 1, 8 and 32 concurrent writers, batches of 1 and 10 events of ~600 bytes, each writer on its
 * own stream with exact expected revisions, durable commits. Baseline: single-row or 10-row multi-VALUES
 * INSERTs into `bench_baseline.events` (LIKE event_store.events INCLUDING ALL: same columns, defaults,
 * identity, constraints and indexes) with no concurrency logic, no streams row and no NOTIFY.
 * Read all: 1,000,000 seeded events paged with the adapter's readAll, against keyset pages of a plain
 * ordered SELECT on the baseline table with the same page size.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type ExpectedRevision, type Position } from '../src/application/ports/event-store.port.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { migrate } from '../src/infrastructure/event-store/postgres/postgres.migrator.js';
import { withClient } from './e2e/database.js';
import { baselineInsert, checkpoint, format, measure, newEvent, seedStore } from './store-workload.js';

const quick = process.argv.includes('--quick');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const settings = quick
  ? { appendSeconds: 1.5, rounds: 1, readEvents: 100_000, readRounds: 1 }
  : { appendSeconds: 3, rounds: 3, readEvents: 1_000_000, readRounds: 3 };
const PAGE_SIZE = 1000;
// `--appends-per-transaction=1` turns the adapter's combining of concurrent appends off (to measure it).
const appendsPerTransaction = process.argv.find((arg) => arg.startsWith('--appends-per-transaction='));
const adapterOptions = appendsPerTransaction
  ? { maxAppendsPerTransaction: Number(appendsPerTransaction.split('=')[1]) }
  : {};
const WRITERS = [1, 8, 32];
const BATCHES = [1, 10];

interface Row {
  scenario: string;
  adapter: number;
  baseline: number;
  target: number;
}

const admin = <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => withClient(ADMIN_URL, work);

async function adapterAppends(url: string, runId: string, writers: number, batch: number): Promise<number> {
  const store = new PostgresEventStore(url, { maxConnections: writers, ...adapterOptions });
  const expected: ExpectedRevision[] = Array.from({ length: writers }, () => 'no-stream');
  const stream = (writer: number): string => `bench-${runId}-${writer}`;
  const step = async (writer: number): Promise<number> => {
    const events = Array.from({ length: batch }, newEvent);
    const result = await store.append(stream(writer), events, { expected: expected[writer] });
    expected[writer] = result.nextExpectedRevision;
    return batch;
  };
  try {
    await measure(writers, 0.3, step); // connect, prepare, warm up
    return await measure(writers, settings.appendSeconds, step);
  } finally {
    await store.close();
  }
}

async function baselineAppends(url: string, runId: string, writers: number, batch: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: writers });
  const next = Array.from({ length: writers }, () => 0);
  const text = baselineInsert(batch);
  const step = async (writer: number): Promise<number> => {
    const values: unknown[] = [];
    for (let index = 0; index < batch; index++) {
      const event = newEvent();
      values.push(
        1,
        `baseline-${runId}-${writer}`,
        next[writer] + index,
        event.eventId,
        event.type,
        1,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
      );
    }
    await pool.query({ name: `baseline_insert_${batch}`, text, values });
    next[writer] += batch;
    return batch;
  };
  try {
    await measure(writers, 0.3, step);
    return await measure(writers, settings.appendSeconds, step);
  } finally {
    await pool.end();
  }
}

async function seed(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // ~600 bytes of JSON per event, like the append benchmark's.
    await seedStore(client, count);
    await client.query('VACUUM (ANALYZE) event_store.events');
    await client.query('VACUUM (ANALYZE) event_store.streams');
    await client.query('VACUUM (ANALYZE) bench_baseline.events');
  } finally {
    await client.end();
  }
}

async function adapterReadAll(url: string): Promise<{ rate: number; count: number }> {
  const store = new PostgresEventStore(url, { maxConnections: 1 });
  try {
    const started = performance.now();
    let after: Position | undefined;
    let count = 0;
    for (;;) {
      const page = await store.readAll({ after, maxCount: PAGE_SIZE });
      if (page.length === 0) break;
      count += page.length;
      after = page[page.length - 1].position;
    }
    return { rate: (count * 1000) / (performance.now() - started), count };
  } finally {
    await store.close();
  }
}

async function baselineReadAll(url: string): Promise<{ rate: number; count: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    let after = '0';
    let count = 0;
    for (;;) {
      const { rows } = await client.query<{ global_position: string }>({
        name: 'baseline_read',
        text: 'SELECT * FROM bench_baseline.events WHERE global_position > $1 ORDER BY global_position LIMIT $2',
        values: [after, PAGE_SIZE],
      });
      if (rows.length === 0) break;
      count += rows.length;
      after = rows[rows.length - 1].global_position;
    }
    return { rate: (count * 1000) / (performance.now() - started), count };
  } finally {
    await client.end();
  }
}

function printTable(rows: Row[]): void {
  const header = ['scenario', 'adapter (events/s)', 'baseline (events/s)', 'adapter/baseline', 'target'];
  const lines = rows.map((row) => {
    const ratio = row.adapter / row.baseline;
    return [
      row.scenario,
      format(row.adapter),
      format(row.baseline),
      `${ratio.toFixed(2)} ${ratio >= row.target ? 'ok' : 'BELOW'}`,
      `>= ${row.target.toFixed(2)}`,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const render = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  console.log(`\n${render(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  for (const line of lines) console.log(render(line));
}

async function main(): Promise<void> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await admin(async (client) => {
    await client.query(`CREATE DATABASE "${name}"`);
    await client.query(`ALTER DATABASE "${name}" SET synchronous_commit = on`);
  });
  console.log(
    `Event-store benchmark${quick ? ' (quick)' : ''} on database ${name}; adapter options ${JSON.stringify(adapterOptions)}; best of ${settings.rounds} rounds`,
  );
  const rows: Row[] = [];
  try {
    const setup = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    await migrate(setup);
    await setup.query('CREATE SCHEMA bench_baseline');
    await setup.query('CREATE TABLE bench_baseline.events (LIKE event_store.events INCLUDING ALL)');
    await setup.end();

    console.log(`Seeding ${format(settings.readEvents)} events into each table...`);
    const seedStarted = performance.now();
    await seed(databaseUrl, settings.readEvents);
    console.log(`  seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const reads = { adapter: 0, baseline: 0 };
    // Alternate which goes first, and keep each side's best round: the machine is shared and noisy.
    for (let round = 0; round < settings.readRounds; round++) {
      const baselineFirst = round % 2 === 0;
      const first = await (baselineFirst ? baselineReadAll(databaseUrl) : adapterReadAll(databaseUrl));
      const second = await (baselineFirst ? adapterReadAll(databaseUrl) : baselineReadAll(databaseUrl));
      const [baseline, adapter] = baselineFirst ? [first, second] : [second, first];
      if (adapter.count !== settings.readEvents || baseline.count !== settings.readEvents) {
        throw new Error(
          `read ${adapter.count} (adapter) and ${baseline.count} (baseline) of ${settings.readEvents}`,
        );
      }
      console.log(
        `  readAll round ${round + 1}: adapter ${format(adapter.rate)}/s, baseline ${format(baseline.rate)}/s`,
      );
      reads.adapter = Math.max(reads.adapter, adapter.rate);
      reads.baseline = Math.max(reads.baseline, baseline.rate);
    }
    rows.push({
      scenario: `readAll ${format(settings.readEvents)} events, pages of ${PAGE_SIZE}`,
      ...reads,
      target: 0.7,
    });

    for (const batch of BATCHES) {
      for (const writers of WRITERS) {
        const best = { adapter: 0, baseline: 0 };
        for (let round = 0; round < settings.rounds; round++) {
          const runId = randomBytes(4).toString('hex');
          const runBaseline = async (): Promise<number> => {
            await checkpoint(databaseUrl);
            return baselineAppends(databaseUrl, runId, writers, batch);
          };
          const runAdapter = async (): Promise<number> => {
            await checkpoint(databaseUrl);
            return adapterAppends(databaseUrl, runId, writers, batch);
          };
          const baselineFirst = round % 2 === 0;
          const first = await (baselineFirst ? runBaseline() : runAdapter());
          const second = await (baselineFirst ? runAdapter() : runBaseline());
          const [baseline, adapter] = baselineFirst ? [first, second] : [second, first];
          console.log(
            `  append ${writers} writer(s) x ${batch} event(s), round ${round + 1}: adapter ${format(adapter)}/s, baseline ${format(baseline)}/s`,
          );
          best.adapter = Math.max(best.adapter, adapter);
          best.baseline = Math.max(best.baseline, baseline);
        }
        rows.push({
          scenario: `append ${writers} writer${writers > 1 ? 's' : ''} x ${batch} event${batch > 1 ? 's' : ''}`,
          ...best,
          target: 0.8,
        });
      }
    }
    printTable(rows);
  } finally {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
