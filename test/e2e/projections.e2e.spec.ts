import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/application/ports/event-store.port.js';
import { AuditTrailProjection } from '../../src/projections/audit-trail/audit-trail.projection.js';
import { generationSchema } from '../../src/projections/runner/projection.js';
import { ProjectionRunner, type ProjectionStatus } from '../../src/projections/runner/projection-runner.js';
import { ADMIN, ApiClient, QUALITY } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import { waitFor } from '../support/wait-for.js';
import { FAST } from '../projections/support.js';

/** Other projections run in the same app; these tests wait for the audit trail only. */
const AUDIT_ONLY = { names: ['audit-trail'] };

interface StatusBody {
  items: ProjectionStatus[];
  oldestOpenTransactionSeconds: number;
}

/** Lets time pass: what these tests measure is an age (of a lag, of a transaction). */
const age = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A transaction held open on its own connection, with a snapshot but no transaction id: it shows
 * as an open transaction without holding back the event store's readers. `started` is its start.
 */
async function holdSnapshot(databaseUrl: string): Promise<{ started: number; release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  const { rows } = await client.query<{ started: Date }>('SELECT now() AS started');
  return {
    started: rows[0]!.started.getTime(),
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** The audit-trail projection, held part-way through filling generation 2 until released. */
class HeldRebuild extends AuditTrailProjection {
  private rebuildBatches = 0;
  release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  override async apply(
    manager: EntityManager,
    schema: string,
    events: readonly RecordedEvent[],
  ): Promise<void> {
    if (schema === generationSchema('audit-trail', 2) && ++this.rebuildBatches === 3) await this.gate;
    await super.apply(manager, schema, events);
  }
}

describe('projections (HTTP)', () => {
  let running: RunningApp;
  let api: ApiClient;
  let runner: ProjectionRunner;
  let db: DataSource;

  const auditTrailStatus = async (): Promise<ProjectionStatus> => {
    const response = await api.get<StatusBody>('/api/v1/projections', ADMIN);
    expect(response.status).toBe(200);
    return response.body.items.find((item) => item.name === 'audit-trail')!;
  };
  const steps = caseSteps(() => api);
  const requestCase = (patientRef: string): Promise<string> => steps.requestCase({ patientRef });
  const metric = (text: string, line: string): number | undefined => {
    const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
    return found === undefined ? undefined : Number(found.slice(line.length + 1));
  };

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    runner = running.app.get(ProjectionRunner);
    db = await new DataSource({
      type: 'postgres',
      url: running.database.url,
      extra: { max: 4 },
    }).initialize();
    for (const ref of ['pt-p1', 'pt-p2', 'pt-p3']) await requestCase(ref);
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
  });

  afterAll(async () => {
    await db.destroy();
    await running.close();
  });

  it('lists every projection with state, checkpoint and lag, and the oldest open transaction (admins only)', async () => {
    const held = await holdSnapshot(running.database.url);
    await age(300); // the held transaction's age is what is measured
    const asked = Date.now();
    const response = await api.get<StatusBody>('/api/v1/projections', ADMIN).finally(() => held.release());
    expect(response.status).toBe(200);
    // Another suite's transaction may be older still: the held one is a floor, not the answer.
    expect(response.body.oldestOpenTransactionSeconds).toBeGreaterThanOrEqual(
      (asked - held.started) / 1000 - 0.001,
    );
    expect(response.body.items).toContainEqual({
      name: 'audit-trail',
      state: 'running',
      checkpoint: expect.stringMatching(/^\d+\/\d+\/\d+$/),
      lagEvents: 0,
      lagSeconds: 0,
      generation: 1,
    });
    expect((await api.get('/api/v1/projections', QUALITY)).status).toBe(403);
    expect((await api.request('GET', '/api/v1/projections')).status).toBe(401);
    expect((await api.post('/api/v1/projections/audit-trail/rebuild', undefined, QUALITY)).status).toBe(403);
  });

  it('reports lag in events and seconds while the projections are stopped, and zero once caught up', async () => {
    await runner.stop();
    const firstSent = Date.now();
    await requestCase('pt-p4');
    const firstAnswered = Date.now();
    await requestCase('pt-p5');
    await running.app.get<EventStore>(EVENT_STORE).awaitReadable?.(5000);
    await age(300); // the lag in seconds is the age of the oldest event not applied: it must grow
    // The lag in seconds, read between `asked` and `answered`, is the age of pt-p4's request (±1 ms rounding).
    const lagWithin = (lagSeconds: number | undefined, asked: number, answered: number) => {
      expect(lagSeconds).toBeGreaterThanOrEqual((asked - firstAnswered) / 1000 - 0.001);
      expect(lagSeconds).toBeLessThanOrEqual((answered - firstSent) / 1000 + 0.001);
    };
    let asked = Date.now();
    const lagging = await auditTrailStatus();
    lagWithin(lagging.lagSeconds, asked, Date.now());
    expect(lagging.state).toBe('stopped');
    expect(lagging.lagEvents).toBe(2);
    asked = Date.now();
    const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
    lagWithin(metric(metrics, 'projection_lag_seconds{projection="audit-trail"}'), asked, Date.now());
    expect(metric(metrics, 'projection_lag_events{projection="audit-trail"}')).toBe(2);
    expect(metric(metrics, 'projection_state{projection="audit-trail",state="stopped"}')).toBe(1);

    await runner.start();
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    expect(await auditTrailStatus()).toMatchObject({ state: 'running', lagEvents: 0, lagSeconds: 0 });
  });

  it('serves Prometheus metrics at /metrics without authentication', async () => {
    const held = await holdSnapshot(running.database.url);
    await age(300); // the held transaction's age is what is measured
    // One scrape's status is reused for 200 ms: wait for one taken since the projections caught up.
    const scrape = await waitFor(
      'a /metrics scrape showing the audit trail caught up',
      async () => {
        const sent = Date.now();
        const response = await fetch(`${running.baseUrl}/metrics`);
        const text = await response.text();
        return metric(text, 'projection_lag_events{projection="audit-trail"}') === 0
          ? { sent, response, text }
          : undefined;
      },
      { timeoutMs: 2000 },
    ).finally(() => held.release());
    const { sent, response, text } = scrape;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metric(text, 'projection_lag_events{projection="audit-trail"}')).toBe(0);
    expect(metric(text, 'projection_lag_seconds{projection="audit-trail"}')).toBe(0);
    expect(metric(text, 'projection_state{projection="audit-trail",state="running"}')).toBe(1);
    expect(metric(text, 'projection_state{projection="audit-trail",state="failed"}')).toBe(0);
    expect(metric(text, 'projection_generation{projection="audit-trail"}')).toBe(1);
    expect(metric(text, 'projection_oldest_open_transaction_seconds')).toBeGreaterThanOrEqual(
      (sent - held.started) / 1000 - 0.001,
    );
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('nodejs_heap_size_total_bytes');
  });

  it('rebuilds blue-green over HTTP: generation 1 serves until generation 2 has caught up, then is dropped', async () => {
    const caseId = await requestCase('pt-p6');
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    const g1 = generationSchema('audit-trail', 1);
    const g2 = generationSchema('audit-trail', 2);
    const live = await db.query(`SELECT * FROM "${g1}".audit_trail ORDER BY position`);
    const served = async () =>
      (await api.get<{ items: Array<{ eventId: string }> }>(`/api/v1/cases/${caseId}/audit-trail`, QUALITY))
        .body.items;
    const before = await served();
    expect(before.map((item) => item.eventId)).toEqual([live.at(-1).event_id]);

    // This instance leaves; another one (same database, a slowed copy of the projection) takes over.
    await runner.stop();
    const accepted = await api.post('/api/v1/projections/audit-trail/rebuild', undefined, ADMIN);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ name: 'audit-trail', state: 'rebuilding' });
    const held = new HeldRebuild();
    const dataSource = await new DataSource({
      type: 'postgres',
      url: running.database.url,
      extra: { max: 4 },
    }).initialize();
    const other = new ProjectionRunner({
      ...FAST,
      dataSource,
      store: running.app.get<EventStore>(EVENT_STORE),
      projections: [held],
      maxBatchSize: 2,
    });
    try {
      await other.start();
      const during = await waitFor('the rebuild to apply its first batch', auditTrailStatus, {
        until: (status) => Boolean(status.rebuild?.checkpoint),
      });
      expect(during).toMatchObject({ state: 'rebuilding', generation: 1, rebuild: { generation: 2 } });
      expect(during.rebuild!.lagEvents).toBeGreaterThan(0);
      expect((await served()).slice(0, before.length)).toEqual(before);
      const partial = await db.query(`SELECT count(*)::int AS rows FROM "${g2}".audit_trail`);
      expect(partial[0].rows).toBeLessThan(live.length);

      held.release();
      await other.waitUntilCaughtUp(AUDIT_ONLY);
      const after = await auditTrailStatus();
      expect(after).toMatchObject({ state: 'running', generation: 2, lagEvents: 0 });
      expect(after.rebuild).toBeUndefined();
      const rebuilt = await db.query(`SELECT * FROM "${g2}".audit_trail ORDER BY position LIMIT $1`, [
        live.length,
      ]);
      expect(rebuilt).toEqual(live);
      const [{ exists }] = await db.query(
        `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists`,
        [g1],
      );
      expect(exists).toBe(false);
      expect((await served()).slice(0, before.length)).toEqual(before);
    } finally {
      held.release();
      await other.stop();
      await dataSource.destroy();
      await runner.start();
    }
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    await waitFor("this instance's runner to take the audit trail back", () =>
      runner.isActive('audit-trail'),
    );
  });

  it('answers 404 problem+json for an unknown projection', async () => {
    const response = await api.post('/api/v1/projections/nothing-here/rebuild', undefined, ADMIN);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 404, code: 'not-found' });
  });
});
