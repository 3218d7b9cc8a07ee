import pg from 'pg';
import { type LatencySummary, sleep, summarise } from './util.js';

const CHECKPOINTS_SQL = `SELECT s.name, g.checkpoint, clock_timestamp() AS seen_at,
       pg_snapshot_xmin(pg_current_snapshot())::text AS xmin
FROM projections.projection_state s
JOIN projections.projection_generations g ON g.name = s.name AND g.generation = s.active_generation
WHERE s.name = ANY($1::text[])`;

const NEWLY_APPLIED_SQL = `SELECT (extract(epoch FROM ($7::timestamptz - recorded_at)) * 1000)::float8 AS lag_ms,
       (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms, transaction_id::text AS xid
FROM event_store.events
WHERE (restore_epoch, transaction_id, global_position) > ($1::integer, $2::xid8, $3::bigint)
  AND (restore_epoch, transaction_id, global_position) <= ($4::integer, $5::xid8, $6::bigint)
  AND recorded_at >= $8::timestamptz`;

const parse = (checkpoint: string): [number, string, string] => {
  const [epoch, xid, position] = checkpoint.split('/');
  return [Number(epoch), xid, position];
};

/**
 * Projection lag as a reader of the read models sees it: every `intervalMs` it reads the serving
 * generation's checkpoint of each projection (which moves in the transaction that writes the rows),
 * and for every event newly covered takes `seen_at − recordedAt` (both on the database clock).
 * The polling interval bounds the resolution (it adds up to `intervalMs`, half of it on average).
 */
export class LagProbe {
  private readonly client: pg.Client;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly samples = new Map<string, number[]>();
  /** Per event: from recordedAt until the cluster's xmin passed its transaction (readable by the log's readers). */
  private readonly gated = new Map<string, number[]>();
  /** (time, xmin) as the probe saw them, for the gating wait. */
  private readonly horizon: Array<{ at: number; xmin: bigint }> = [];
  /** Longest-open transaction in other databases of the cluster, sampled (it holds back every reader here). */
  private otherOldestMs = 0;
  private lastOtherSample = 0;
  private since = new Date();

  constructor(
    url: string,
    private readonly names: readonly string[],
    private readonly intervalMs = 10,
  ) {
    this.client = new pg.Client({ connectionString: url, application_name: 'bench-lag-probe' });
  }

  async start(): Promise<void> {
    await this.client.connect();
    this.since = new Date();
    for (const name of this.names) {
      this.samples.set(name, []);
      this.gated.set(name, []);
    }
    const last = new Map<string, string>();
    for (const row of await this.checkpoints()) if (row.checkpoint) last.set(row.name, row.checkpoint);
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = performance.now();
        const rows = await this.checkpoints();
        if (rows[0]) this.horizon.push({ at: rows[0].seen_at.getTime(), xmin: BigInt(rows[0].xmin) });
        if (started - this.lastOtherSample > 100) {
          this.lastOtherSample = started;
          const { rows: other } = await this.client.query<{ ms: number | null }>({
            name: 'bench_other_transactions',
            text: `SELECT (extract(epoch FROM max(clock_timestamp() - xact_start)) * 1000)::float8 AS ms
                     FROM pg_stat_activity WHERE datname <> current_database() AND backend_xid IS NOT NULL`,
          });
          this.otherOldestMs = Math.max(this.otherOldestMs, other[0]?.ms ?? 0);
        }
        for (const row of rows) {
          const previous = last.get(row.name) ?? '0/0/0';
          if (!row.checkpoint || row.checkpoint === previous) continue;
          last.set(row.name, row.checkpoint);
          const { rows: applied } = await this.client.query<{
            lag_ms: number;
            recorded_ms: number;
            xid: string;
          }>({
            name: 'bench_newly_applied',
            text: NEWLY_APPLIED_SQL,
            values: [...parse(previous), ...parse(row.checkpoint), row.seen_at, this.since],
          });
          this.samples.get(row.name)!.push(...applied.map((r) => r.lag_ms));
          for (const event of applied) {
            const xid = BigInt(event.xid);
            const passed = this.firstPassing(xid);
            if (passed) this.gated.get(row.name)!.push(Math.max(0, passed.at - event.recorded_ms));
          }
        }
        await sleep(Math.max(0, this.intervalMs - (performance.now() - started)));
      }
    })();
  }

  /** Keeps following until every projection has covered what was written before the call (or the timeout). */
  async stop(
    drainMs = 10_000,
  ): Promise<Record<string, LatencySummary & { gatedP50: number; gatedP99: number }>> {
    const deadline = Date.now() + drainMs;
    // Let the probe see the events appended up to now applied before it stops.
    while (Date.now() < deadline) {
      const pending = await this.client.query<{ behind: boolean }>(
        `SELECT bool_or(g.checkpoint IS NULL OR EXISTS (
            SELECT 1 FROM event_store.events e
             WHERE (e.restore_epoch, e.transaction_id, e.global_position) >
                   (split_part(g.checkpoint, '/', 1)::integer, split_part(g.checkpoint, '/', 2)::xid8, split_part(g.checkpoint, '/', 3)::bigint)
               AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot()))) AS behind
           FROM projections.projection_state s
           JOIN projections.projection_generations g ON g.name = s.name AND g.generation = s.active_generation
          WHERE s.name = ANY($1::text[])`,
        [this.names],
      );
      if (!pending.rows[0]?.behind) break;
      await sleep(50);
    }
    await sleep(this.intervalMs * 3);
    this.running = false;
    await this.loop;
    await this.client.end();
    return Object.fromEntries(
      [...this.samples].map(([name, values]) => {
        const gated = summarise(this.gated.get(name)!);
        return [name, { ...summarise(values), gatedP50: gated.p50, gatedP99: gated.p99 }];
      }),
    );
  }

  /** The first horizon sample whose xmin is above xid (xmin only grows). */
  private firstPassing(xid: bigint): { at: number } | undefined {
    let low = 0;
    let high = this.horizon.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.horizon[middle].xmin > xid) high = middle;
      else low = middle + 1;
    }
    return this.horizon[low];
  }

  /** The longest transaction seen open in another database of the cluster while probing, in ms. */
  get otherTransactionsMs(): number {
    return this.otherOldestMs;
  }

  private async checkpoints(): Promise<
    Array<{ name: string; checkpoint: string | null; seen_at: Date; xmin: string }>
  > {
    const { rows } = await this.client.query<{
      name: string;
      checkpoint: string | null;
      seen_at: Date;
      xmin: string;
    }>({
      name: 'bench_checkpoints',
      text: CHECKPOINTS_SQL,
      values: [this.names],
    });
    return rows;
  }
}
