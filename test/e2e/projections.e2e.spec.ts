import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, type EntityManager } from 'typeorm';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/application/ports/event-store.port.js';
import { AuditTrailProjection } from '../../src/projections/audit-trail/audit-trail.projection.js';
import { generationSchema } from '../../src/projections/runner/projection.js';
import { ProjectionRunner, type ProjectionStatus } from '../../src/projections/runner/projection-runner.js';
import { ADMIN, ApiClient, COORDINATOR, QUALITY, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { FAST } from '../projections/support.js';

/** Other projections run in the same app; these tests wait for the audit trail only. */
const AUDIT_ONLY = { names: ['audit-trail'] };

interface StatusBody {
  items: ProjectionStatus[];
  oldestOpenTransactionSeconds: number;
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
  const requestCase = async (patientRef: string): Promise<string> => {
    const response = await api.post('/api/v1/cases', secondOpinionRequest({ patientRef }), COORDINATOR);
    expect(response.status).toBe(201);
    return response.body.caseId as string;
  };
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
    const response = await api.get<StatusBody>('/api/v1/projections', ADMIN);
    expect(response.status).toBe(200);
    expect(response.body.oldestOpenTransactionSeconds).toBeGreaterThanOrEqual(0);
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
    await requestCase('pt-p4');
    await requestCase('pt-p5');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await running.app.get<EventStore>(EVENT_STORE).awaitReadable?.(5000);
    const lagging = await auditTrailStatus();
    expect(lagging.state).toBe('stopped');
    expect(lagging.lagEvents).toBe(2);
    expect(lagging.lagSeconds).toBeGreaterThan(0.2);
    const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
    expect(metric(metrics, 'projection_lag_events{projection="audit-trail"}')).toBe(2);
    expect(metric(metrics, 'projection_lag_seconds{projection="audit-trail"}')).toBeGreaterThan(0.2);
    expect(metric(metrics, 'projection_state{projection="audit-trail",state="stopped"}')).toBe(1);

    await runner.start();
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    expect(await auditTrailStatus()).toMatchObject({ state: 'running', lagEvents: 0, lagSeconds: 0 });
  });

  it('serves Prometheus metrics at /metrics without authentication', async () => {
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the previous scrape's snapshot
    const response = await fetch(`${running.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(metric(text, 'projection_lag_events{projection="audit-trail"}')).toBe(0);
    expect(metric(text, 'projection_lag_seconds{projection="audit-trail"}')).toBe(0);
    expect(metric(text, 'projection_state{projection="audit-trail",state="running"}')).toBe(1);
    expect(metric(text, 'projection_state{projection="audit-trail",state="failed"}')).toBe(0);
    expect(metric(text, 'projection_generation{projection="audit-trail"}')).toBe(1);
    expect(metric(text, 'projection_oldest_open_transaction_seconds')).toBeGreaterThanOrEqual(0);
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
      const during = await (async () => {
        for (let attempt = 0; attempt < 200; attempt++) {
          const status = await auditTrailStatus();
          if (status.rebuild?.checkpoint) return status;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error('the rebuild did not start');
      })();
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
    for (let attempt = 0; attempt < 100 && !runner.isActive('audit-trail'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(runner.isActive('audit-trail')).toBe(true);
  });

  it('answers 404 problem+json for an unknown projection', async () => {
    const response = await api.post('/api/v1/projections/nothing-here/rebuild', undefined, ADMIN);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 404, code: 'not-found' });
  });
});
