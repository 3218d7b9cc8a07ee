/**
 * The event-store workload the store benchmark (store.bench.ts) and the peer benchmark
 * (peer/emmett-peer.bench.ts) share: the same ~600-byte events, the same raw-SQL baseline insert and
 * the same timed loop of writers, so that their figures are of one workload.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EventToAppend, JsonObject } from '../src/application/ports/event-store.port.js';
import { withClient } from './e2e/database.js';

export const format = (n: number): string => Math.round(n).toLocaleString('en-US');

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

/** One event of the workload: a fresh id, ~600 bytes of data and metadata. */
export const newEvent = (): EventToAppend => ({
  eventId: randomUUID(),
  type: 'FindingRecorded',
  data: findingData(),
  metadata: metadata(),
});

const BASELINE_COLUMNS = 8;

/** A multi-VALUES INSERT of `rows` events into `bench_baseline.events` (LIKE event_store.events). */
export const baselineInsert = (rows: number): string =>
  `INSERT INTO bench_baseline.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata) VALUES ${Array.from(
    { length: rows },
    (_, row) =>
      `(${Array.from({ length: BASELINE_COLUMNS }, (_, column) => `$${row * BASELINE_COLUMNS + column + 1}`).join(', ')})`,
  ).join(', ')}`;

/** Runs `writers` loops until the deadline; returns the units `step` reports per second. */
export async function measure(
  writers: number,
  seconds: number,
  step: (writer: number) => Promise<number>,
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      let units = 0;
      while (performance.now() < deadline) units += await step(writer);
      return units;
    }),
  );
  return (counts.reduce((sum, count) => sum + count, 0) * 1000) / (performance.now() - started);
}

/** A CHECKPOINT before a timed run, so that no run pays for another's dirty pages. */
export async function checkpoint(url: string): Promise<void> {
  await withClient(url, (client) => client.query('CHECKPOINT'));
}

/** The workload's event data in SQL (`i` is the row of generate_series), for seeding in bulk. */
export const SEED_DATA_SQL = `jsonb_build_object(
  'caseId', gen_random_uuid(), 'readerId', 'rad-' || (i % 37), 'assignmentId', gen_random_uuid(),
  'modality', 'chest-xray',
  'findings', jsonb_build_array(
    jsonb_build_object('code', 'pulmonary-nodule', 'location', 'right-upper-lobe', 'sizeMm', 7.5, 'confidence', 0.82),
    jsonb_build_object('code', 'pleural-effusion', 'location', 'left-base', 'severity', 'small', 'confidence', 0.64)),
  'impression', 'Solitary nodule in the right upper lobe; small left pleural effusion. Follow-up CT advised.',
  'recommendation', jsonb_build_object('kind', 'follow-up', 'modality', 'ct-chest', 'withinDays', 90),
  'readAt', now())`;

/** The workload's event metadata in SQL. */
export const SEED_METADATA_SQL = `jsonb_build_object('$correlationId', gen_random_uuid(), '$causationId', gen_random_uuid(),
  'actor', jsonb_build_object('id', 'rad-a', 'isIntegrator', false))`;

/**
 * Seeds `count` events of the workload in streams of 100 through SQL, and copies them into
 * `bench_baseline.events`, so that the baseline's table and indexes are as large as the store's.
 */
export async function seedStore(db: Pick<pg.ClientBase, 'query'>, count: number): Promise<void> {
  await db.query(
    `INSERT INTO event_store.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)
     SELECT 1, 'seed-' || (i / 100), i % 100, gen_random_uuid(), 'FindingRecorded', 1, ${SEED_DATA_SQL}, ${SEED_METADATA_SQL}
     FROM generate_series(0, $1::int - 1) AS i`,
    [count],
  );
  await db.query(
    `INSERT INTO event_store.streams (stream_id, stream_revision)
     SELECT stream_id, max(stream_revision) FROM event_store.events GROUP BY stream_id`,
  );
  await db.query(
    `INSERT INTO bench_baseline.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at)
     SELECT restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at
     FROM event_store.events ORDER BY global_position`,
  );
}
