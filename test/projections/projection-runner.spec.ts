import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ProjectionFailedError,
  UnknownProjectionError,
} from '../../src/projections/runner/projection-runner.js';
import { generationSchema } from '../../src/projections/runner/projection.js';
import { waitFor } from '../support/wait-for.js';
import { logEventIds, ProjectionTestBed, RecordingProjection, seenRows } from './support.js';

const SCHEMA_G1 = generationSchema('recording', 1);

describe('ProjectionRunner', () => {
  let bed: ProjectionTestBed;
  beforeEach(async () => {
    bed = await ProjectionTestBed.create();
  });
  afterEach(async () => {
    await bed.close();
  });

  it('applies every event of the log once, in log order, and follows new appends', async () => {
    await bed.append(30);
    const projection = new RecordingProjection();
    const runner = await bed.runner([projection]);
    await runner.start();
    await runner.waitUntilCaughtUp();
    await bed.append(5);
    await bed.append(7);
    await runner.waitUntilCaughtUp();

    const rows = await seenRows(bed.db, SCHEMA_G1);
    expect(rows.map((row) => row.event_id)).toEqual(await logEventIds(bed.store));
    const status = await bed.status(runner, 'recording');
    expect(status).toMatchObject({ state: 'running', lagEvents: 0, lagSeconds: 0, generation: 1 });
    const [last] = await bed.db.query(
      `SELECT checkpoint, events_applied FROM projections.projection_generations WHERE name = 'recording'`,
    );
    expect(status.checkpoint).toBe(last.checkpoint);
    expect(Number(last.events_applied)).toBe(42);
  });

  it('wakes on a new event without waiting for its poll', async () => {
    const runner = await bed.runner([new RecordingProjection()], { pollIntervalMs: 60_000 });
    await runner.start();
    await runner.waitUntilCaughtUp();
    await bed.append(1); // the live subscription starts once the worker has caught up
    await runner.waitUntilCaughtUp({ timeoutMs: 5000 });
    const started = Date.now();
    await bed.append(3);
    await runner.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await seenRows(bed.db, SCHEMA_G1)).toHaveLength(4);
  });

  it('reports lag in events and seconds while stopped, grows its batches under load, and catches up to zero', async () => {
    const projection = new RecordingProjection();
    // The clock runs 5 s ahead of the store, so the oldest pending event is at least 5 s old.
    const clock = { now: () => new Date(Date.now() + 5000) };
    const runner = await bed.runner([projection], { maxBatchSize: 100, batchTargetMs: 60_000, clock });
    await runner.start();
    await runner.waitUntilCaughtUp();
    await runner.stop();
    for (let round = 0; round < 10; round++) await bed.append(25);
    await bed.store.awaitReadable(5000);

    const lagging = await bed.status(runner, 'recording');
    expect(lagging.state).toBe('stopped');
    expect(lagging.lagEvents).toBe(250);
    expect(lagging.lagSeconds).toBeGreaterThanOrEqual(5);

    await runner.start();
    await runner.waitUntilCaughtUp();
    const caughtUp = await bed.status(runner, 'recording');
    expect(caughtUp).toMatchObject({ state: 'running', lagEvents: 0, lagSeconds: 0 });
    expect(projection.batchSizes).toEqual([50, 100, 100]);
    expect(await seenRows(bed.db, SCHEMA_G1)).toHaveLength(250);
  });

  it('shrinks its batches when a transaction lasts longer than the target (it holds back every reader of the log)', async () => {
    const projection = new RecordingProjection();
    projection.midBatch = () => new Promise((resolve) => setTimeout(resolve, 30)); // a slow transaction is the test
    await bed.append(100);
    const runner = await bed.runner([projection], { batchTargetMs: 10 });
    await runner.start();
    await runner.waitUntilCaughtUp();
    expect(projection.batchSizes.slice(0, 4)).toEqual([50, 25, 12, 6]);
    expect(await seenRows(bed.db, SCHEMA_G1)).toHaveLength(100);
  });

  it('stops on a poison event with the error in its status, never skips it, and resumes after a restart without a duplicate or a gap', async () => {
    const projection = new RecordingProjection();
    projection.failWhen = (event) => event.data.poison === true;
    await bed.append(6, (index) => ({ index, poison: index === 3 }));
    const runner = await bed.runner([projection]);
    await runner.start();

    const failed = await waitFor(
      'the projection to stop on the poison event',
      () => bed.status(runner, 'recording'),
      {
        until: (status) => status.state === 'failed',
      },
    );
    const log = await logEventIds(bed.store);
    expect(failed.error).toContain(log[3]);
    expect(failed.error).toContain('refusing 3');
    expect(failed.lagEvents).toBe(3);
    await expect(runner.waitUntilCaughtUp()).rejects.toBeInstanceOf(ProjectionFailedError);
    // The three events before the poison are applied, the poison and everything after it are not.
    expect((await seenRows(bed.db, SCHEMA_G1)).map((row) => row.event_id)).toEqual(log.slice(0, 3));
    await bed.append(2);
    await waitFor('the two new events to count in the lag', () => bed.status(runner, 'recording'), {
      until: (status) => status.lagEvents === 5,
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // time to skip the poison, were it skipped
    expect(await seenRows(bed.db, SCHEMA_G1)).toHaveLength(3);
    expect((await bed.status(runner, 'recording')).state).toBe('failed');

    await runner.stop();
    expect((await bed.status(runner, 'recording')).state).toBe('failed');
    projection.failWhen = undefined; // the fix is deployed: a restart retries
    await runner.start();
    await runner.waitUntilCaughtUp();
    expect((await seenRows(bed.db, SCHEMA_G1)).map((row) => row.event_id)).toEqual(
      await logEventIds(bed.store),
    );
    expect(await bed.status(runner, 'recording')).toMatchObject({ state: 'running', lagEvents: 0 });
    expect((await bed.status(runner, 'recording')).error).toBeUndefined();
  });

  it('rolls back a batch that throws half-way: a new runner resumes from the checkpoint without a duplicate or a gap', async () => {
    await bed.append(20);
    const broken = new RecordingProjection();
    let calls = 0;
    broken.failWhen = () => ++calls > 25; // fails part-way through its second batch
    const first = await bed.runner([broken], { maxBatchSize: 10 });
    await first.start();
    await bed.append(20);
    await waitFor('the first runner to fail in its second batch', () => bed.status(first, 'recording'), {
      until: (status) => status.state === 'failed',
    });
    await first.stop();
    const applied = await seenRows(bed.db, SCHEMA_G1);
    const log = await logEventIds(bed.store);
    expect(applied.map((row) => row.event_id)).toEqual(log.slice(0, applied.length));

    const fixed = new RecordingProjection('recording', 'second');
    const second = await bed.runner([fixed], { maxBatchSize: 10 });
    await second.start();
    await second.waitUntilCaughtUp();
    const rows = await seenRows(bed.db, SCHEMA_G1);
    expect(rows.map((row) => row.event_id)).toEqual(log);
    expect(new Set(rows.map((row) => row.event_id)).size).toBe(rows.length);
  });

  it("survives the loss of its worker's connection in the middle of a batch: the batch rolls back and is applied once", async () => {
    await bed.append(10);
    const projection = new RecordingProjection();
    let killed = false;
    projection.midBatch = async () => {
      if (killed) return;
      killed = true;
      const [{ pid }] = await bed.db.query(
        `WITH lock AS (SELECT hashtextextended('projection:recording', 0) AS key)
         SELECT pid FROM pg_locks, lock
         WHERE locktype = 'advisory' AND granted AND objsubid = 1
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND classid::bigint = (key >> 32) & 4294967295 AND objid::bigint = key & 4294967295`,
      );
      await bed.db.query('SELECT pg_terminate_backend($1)', [pid]);
    };
    const runner = await bed.runner([projection]);
    await runner.start();
    await runner.waitUntilCaughtUp();
    expect(killed).toBe(true);
    expect(projection.applies).toBeGreaterThanOrEqual(2);
    const rows = await seenRows(bed.db, SCHEMA_G1);
    expect(rows.map((row) => row.event_id)).toEqual(await logEventIds(bed.store));
    expect(runner.isActive('recording')).toBe(true);
    expect((await bed.status(runner, 'recording')).state).toBe('running');
  });

  it('lets only one of two runners apply a projection; the other takes over when the first stops', async () => {
    const inA = new RecordingProjection('recording', 'A');
    const inB = new RecordingProjection('recording', 'B');
    const a = await bed.runner([inA]);
    const b = await bed.runner([inB]);
    await Promise.all([a.start(), b.start()]);
    for (let round = 0; round < 8; round++) await bed.append(15);
    await a.waitUntilCaughtUp();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the standby must retry its lock, and fail, several times

    expect([a.isActive('recording'), b.isActive('recording')].filter(Boolean)).toHaveLength(1);
    const [lock] = await bed.db.query(
      `WITH lock AS (SELECT hashtextextended('projection:recording', 0) AS key)
       SELECT count(*)::int AS holders FROM pg_locks, lock
       WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND classid::bigint = (key >> 32) & 4294967295 AND objid::bigint = key & 4294967295`,
    );
    expect(lock.holders).toBe(1);
    const [active, standby] = a.isActive('recording') ? [a, b] : [b, a];
    const [activeProjection, standbyProjection] = active === a ? [inA, inB] : [inB, inA];
    expect(standbyProjection.applies).toBe(0);
    let rows = await seenRows(bed.db, SCHEMA_G1);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((row) => row.applied_by))).toEqual(new Set([activeProjection.label]));

    await active.stop();
    await bed.append(10);
    await standby.waitUntilCaughtUp();
    expect(standby.isActive('recording')).toBe(true);
    rows = await seenRows(bed.db, SCHEMA_G1);
    expect(rows.map((row) => row.event_id)).toEqual(await logEventIds(bed.store));
    expect(rows.slice(120).every((row) => row.applied_by === standbyProjection.label)).toBe(true);
  });

  it('rebuilds blue-green: generation 2 fills from zero while generation 1 serves, then takes over and generation 1 is dropped', async () => {
    await bed.append(30);
    const projection = new RecordingProjection();
    const runner = await bed.runner([projection], { maxBatchSize: 5 });
    await runner.start();
    await runner.waitUntilCaughtUp();
    const before = await seenRows(bed.db, SCHEMA_G1);

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let rebuildBatches = 0;
    projection.midBatch = async () => {
      if (++rebuildBatches === 3) await gate; // holds the rebuild part-way
    };
    expect(await runner.rebuild('recording')).toEqual({ name: 'recording', state: 'rebuilding' });
    const schemaG2 = generationSchema('recording', 2);
    const during = await waitFor(
      'the rebuild to apply its first batch',
      () => bed.status(runner, 'recording'),
      {
        until: (status) => status.rebuild !== undefined && status.rebuild.checkpoint !== null,
      },
    );
    expect(during).toMatchObject({ state: 'rebuilding', generation: 1, rebuild: { generation: 2 } });
    expect(await runner.schemas.activeSchema('recording')).toBe(SCHEMA_G1);
    expect(await seenRows(bed.db, SCHEMA_G1)).toEqual(before);
    expect((await seenRows(bed.db, schemaG2)).length).toBeLessThan(30);

    release();
    await runner.waitUntilCaughtUp();
    expect(await runner.schemas.activeSchema('recording')).toBe(schemaG2);
    expect((await seenRows(bed.db, schemaG2)).map((row) => row.event_id)).toEqual(
      before.map((row) => row.event_id),
    );
    const [{ exists }] = await bed.db.query(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists`,
      [SCHEMA_G1],
    );
    expect(exists).toBe(false);
    expect(await bed.status(runner, 'recording')).toMatchObject({
      state: 'running',
      generation: 2,
      lagEvents: 0,
    });
  });

  it('rebuilds a failed projection once it is fixed', async () => {
    const projection = new RecordingProjection();
    projection.failWhen = (event) => event.data.index === 2;
    await bed.append(5);
    const runner = await bed.runner([projection]);
    await runner.start();
    await waitFor('the projection to fail on event 2', () => bed.status(runner, 'recording'), {
      until: (status) => status.state === 'failed',
    });
    projection.failWhen = undefined;
    await runner.rebuild('recording');
    await runner.waitUntilCaughtUp();
    expect(await bed.status(runner, 'recording')).toMatchObject({
      state: 'running',
      generation: 2,
      lagEvents: 0,
    });
    expect(await seenRows(bed.db, generationSchema('recording', 2))).toHaveLength(5);
  });

  it('reports a projection whose tables cannot be created as failed and runs the others', async () => {
    const broken = new RecordingProjection('broken');
    broken.createTables = () => Promise.reject(new Error('syntax error at or near "TABEL"'));
    const healthy = new RecordingProjection();
    await bed.append(3);
    const runner = await bed.runner([broken, healthy]);
    await runner.start();
    await runner.waitUntilCaughtUp({ names: ['recording'] });
    expect(await bed.status(runner, 'broken')).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('TABEL'),
      generation: null,
    });
    await expect(runner.waitUntilCaughtUp()).rejects.toBeInstanceOf(ProjectionFailedError);
    expect(await seenRows(bed.db, SCHEMA_G1)).toHaveLength(3);
  });

  it('refuses to rebuild a projection it does not know', async () => {
    const runner = await bed.runner([new RecordingProjection()]);
    await expect(runner.rebuild('nothing')).rejects.toBeInstanceOf(UnknownProjectionError);
  });
});
