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
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type Position,
} from '../src/application/ports/event-store.port.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { migrate } from '../src/infrastructure/event-store/postgres/postgres.migrator.js';

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

const format = (n: number): string => Math.round(n).toLocaleString('en-US');

function findingData(): JsonObject {
  return {
    caseId: randomUUID(),
    readerId: `rad-${randomBytes(3).toString('hex')}`,
    assignmentId: randomUUID(),
    modality: 'chest-xray',
    findings: [
      { code: 'pulmonary-nodule', location: 'right-upper-lobe', sizeMm: 7.5, confidence: 0.82 },
      { code: 'pleural-effusion', location: 'left-base', severity: 'small', confidence: 0.64 },
    ],
    impression: 'Solitary nodule in the right upper lobe; small left pleural effusion. Follow-up CT advised.',
    recommendation: { kind: 'follow-up', modality: 'ct-chest', withinDays: 90 },
    readAt: new Date().toISOString(),
  };
}

function metadata(): JsonObject {
  return {
    $correlationId: randomUUID(),
    $causationId: randomUUID(),
    actor: { id: 'rad-a', isIntegrator: false },
  };
}

const newEvent = (): EventToAppend => ({
  eventId: randomUUID(),
  type: 'FindingRecorded',
  data: findingData(),
  metadata: metadata(),
});

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `writers` loops until the deadline; returns events per second. */
async function measure(
  writers: number,
  seconds: number,
  step: (writer: number) => Promise<number>,
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      let events = 0;
      while (performance.now() < deadline) events += await step(writer);
      return events;
    }),
  );
  return (counts.reduce((sum, count) => sum + count, 0) * 1000) / (performance.now() - started);
}

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

const BASELINE_COLUMNS = 8;
const baselineInsert = (rows: number): string =>
  `INSERT INTO bench_baseline.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata) VALUES ${Array.from(
    { length: rows },
    (_, row) =>
      `(${Array.from({ length: BASELINE_COLUMNS }, (_, column) => `$${row * BASELINE_COLUMNS + column + 1}`).join(', ')})`,
  ).join(', ')}`;

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
    await client.query(
      `INSERT INTO event_store.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)
       SELECT 1, 'seed-' || (i / 100), i % 100, gen_random_uuid(), 'FindingRecorded', 1,
              jsonb_build_object(
                'caseId', gen_random_uuid(), 'readerId', 'rad-' || (i % 37), 'assignmentId', gen_random_uuid(),
                'modality', 'chest-xray',
                'findings', jsonb_build_array(
                  jsonb_build_object('code', 'pulmonary-nodule', 'location', 'right-upper-lobe', 'sizeMm', 7.5, 'confidence', 0.82),
                  jsonb_build_object('code', 'pleural-effusion', 'location', 'left-base', 'severity', 'small', 'confidence', 0.64)),
                'impression', 'Solitary nodule in the right upper lobe; small left pleural effusion. Follow-up CT advised.',
                'recommendation', jsonb_build_object('kind', 'follow-up', 'modality', 'ct-chest', 'withinDays', 90),
                'readAt', now()),
              jsonb_build_object('$correlationId', gen_random_uuid(), '$causationId', gen_random_uuid(),
                                 'actor', jsonb_build_object('id', 'rad-a', 'isIntegrator', false))
       FROM generate_series(0, $1::int - 1) AS i`,
      [count],
    );
    await client.query(
      `INSERT INTO event_store.streams (stream_id, stream_revision)
       SELECT stream_id, max(stream_revision) FROM event_store.events GROUP BY stream_id`,
    );
    await client.query(
      `INSERT INTO bench_baseline.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at)
       SELECT restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at
       FROM event_store.events ORDER BY global_position`,
    );
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

async function checkpoint(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CHECKPOINT');
  await client.end();
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
