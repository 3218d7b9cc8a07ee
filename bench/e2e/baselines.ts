import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type LatencySummary, summarise } from './util.js';

/**
 * The physical baselines each engine figure is divided by, measured in the same run on the same
 * database and server.
 */

/** A table of exactly event_store.events' shape (columns, defaults, identity, constraints, indexes), without its trigger. */
export async function createBaselineTable(client: pg.Client): Promise<void> {
  await client.query('CREATE SCHEMA IF NOT EXISTS bench_baseline');
  await client.query('DROP TABLE IF EXISTS bench_baseline.events');
  await client.query('CREATE TABLE bench_baseline.events (LIKE event_store.events INCLUDING ALL)');
}

/** An OpinionSubmitted event as the engine stores it (data and metadata of the same size). */
export async function sampleEvent(client: pg.Client): Promise<{ data: string; metadata: string }> {
  const { rows } = await client.query<{ data: string; metadata: string }>(
    `SELECT data::text AS data, metadata::text AS metadata FROM event_store.events
      WHERE event_type = 'OpinionSubmitted' ORDER BY global_position DESC LIMIT 1`,
  );
  if (!rows[0]) throw new Error('no OpinionSubmitted event to copy the shape of');
  return rows[0];
}

export interface InsertResult extends LatencySummary {
  rps: number;
  seconds: number;
}

/**
 * Durable single-row INSERTs (autocommit: one fsynced commit each) by `clients` connections for
 * `seconds`: what the disk and PostgreSQL allow for one event per request at that concurrency.
 */
export async function rawInserts(
  url: string,
  clients: number,
  seconds: number,
  event: { data: string; metadata: string },
): Promise<InsertResult> {
  const text = `INSERT INTO bench_baseline.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)
                VALUES (1, $1, $2, $3, 'OpinionSubmitted', 1, $4::jsonb, $5::jsonb)`;
  const connections = await Promise.all(Array.from({ length: clients }, () => connect(url)));
  const latencies: number[] = [];
  const run = async (deadline: number, record: boolean): Promise<void> => {
    await Promise.all(
      connections.map(async (client) => {
        const stream = `baseline-${randomUUID()}`;
        let revision = 0;
        while (performance.now() < deadline) {
          const started = performance.now();
          await client.query({
            name: 'baseline_insert',
            text,
            values: [stream, revision++, randomUUID(), event.data, event.metadata],
          });
          if (record) latencies.push(performance.now() - started);
        }
      }),
    );
  };
  try {
    await run(performance.now() + 500, false); // prepare, warm up
    const started = performance.now();
    await run(started + seconds * 1000, true);
    const elapsed = (performance.now() - started) / 1000;
    return { ...summarise(latencies), rps: latencies.length / elapsed, seconds: elapsed };
  } finally {
    await Promise.all(connections.map((client) => client.end().catch(() => undefined)));
  }
}

/** A connection, retried while the server has no slot free (other sessions of a shared server). */
async function connect(url: string): Promise<pg.Client> {
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url, application_name: 'bench-baseline' });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if ((error as { code?: string }).code !== '53300' || attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** A plain ordered read of all of event_store.events, streamed in keyset pages: events/s. */
export async function rawOrderedRead(
  url: string,
  pageSize = 500,
): Promise<{ events: number; seconds: number; rate: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    let after = '0';
    let events = 0;
    for (;;) {
      const { rows } = await client.query<{ global_position: string }>({
        name: 'baseline_read_all',
        text: 'SELECT * FROM event_store.events WHERE global_position > $1 ORDER BY global_position LIMIT $2',
        values: [after, pageSize],
      });
      if (rows.length === 0) break;
      events += rows.length;
      after = rows[rows.length - 1].global_position;
    }
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, rate: events / seconds };
  } finally {
    await client.end();
  }
}

/** Reading one stream in full with a plain SELECT (what a replay must at least do), `times` times. */
export async function rawStreamReads(url: string, streamId: string, times: number): Promise<LatencySummary> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const latencies: number[] = [];
    for (let i = 0; i < times + 20; i++) {
      const started = performance.now();
      await client.query({
        name: 'baseline_read_stream',
        text: 'SELECT * FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision',
        values: [streamId],
      });
      if (i >= 20) latencies.push(performance.now() - started);
    }
    return summarise(latencies);
  } finally {
    await client.end();
  }
}
