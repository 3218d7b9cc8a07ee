import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { generationSchema } from '../../src/projections/runner/projection.js';
import { SlaWatchProcess } from '../../src/projections/sla-watch/sla-watch.process.js';
import {
  ADMIN,
  ApiClient,
  type Caller,
  COORDINATOR,
  INTEGRATOR,
  MEDICO_LEGAL,
  QUALITY,
  radiologist,
} from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import { activeGeneration, snapshotReadModels } from '../support/read-models.js';
import { waitFor } from '../support/wait-for.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

type Json = Record<string, unknown>;
interface WorklistItem {
  caseId: string;
  status: string;
  priority: string;
  dueAt: string | null;
  overdue: boolean;
  readers: Array<{ readerId: string; role: string; blinded: boolean; submitted: boolean }>;
  requestedAt: string;
  consensusAt?: string;
  outcome?: string;
}
interface Page {
  items: WorklistItem[];
  nextCursor?: string;
}

const HOUR = 3_600_000;

describe('worklist (GET /api/v1/cases) and the SLA process manager', () => {
  let running: RunningApp;
  let api: ApiClient;
  let runner: ProjectionRunner;
  const caught = () => runner.waitUntilCaughtUp({ timeoutMs: 10_000 });
  const { requestCase: request, assign, startRead, submitOpinion } = caseSteps(() => api);

  beforeAll(async () => {
    // Urgent cases are due after about a second here, so that one can be overdue by the database's clock.
    running = await startTestApp({ SLA_WATCH_INTERVAL_MS: '0', SLA_HOURS_URGENT: '0.0003' });
    api = new ApiClient(running.baseUrl);
    runner = running.app.get(ProjectionRunner);
  });
  afterAll(async () => running.close());

  async function list(query: string, as: Caller = COORDINATOR): Promise<Page> {
    await caught();
    const response = await api.get<Page>(`/api/v1/cases${query}`, as);
    expect(response.status).toBe(200);
    return response.body;
  }

  it('lists cases with status, readers, due time and outcome, filtered by status, priority, reader and overdue', async () => {
    const routine = await request({ readsRequired: 1, priorReport: undefined });
    const stat = await request({ priority: 'stat' });
    const a = await assign(routine, 'wl-rad-a');
    await assign(stat, 'wl-rad-b');
    await startRead(routine, a, 'wl-rad-a');
    const opinion = await submitOpinion(routine, a, 'wl-rad-a', {
      findings: [{ code: 'fracture', presence: 'absent' }],
      impression: 'Normal.',
      confidence: 5,
    });
    expect(opinion.status).toBe('consensus');

    const all = await list('?limit=500');
    const routineRow = all.items.find((item) => item.caseId === routine)!;
    expect(routineRow).toMatchObject({
      status: 'consensus',
      priority: 'routine',
      overdue: false,
      outcome: 'no-prior',
      readers: [{ readerId: 'wl-rad-a', role: 'primary', blinded: true, submitted: true }],
    });
    expect(routineRow.consensusAt).toEqual(expect.any(String));
    const statRow = all.items.find((item) => item.caseId === stat)!;
    expect(statRow).toMatchObject({
      status: 'in-review',
      priority: 'stat',
      readers: [{ readerId: 'wl-rad-b', submitted: false }],
    });
    expect(Date.parse(statRow.dueAt!) - Date.parse(statRow.requestedAt)).toBe(4 * HOUR);

    expect((await list('?status=consensus&limit=500')).items.map((item) => item.caseId)).toContain(routine);
    expect((await list('?status=consensus&limit=500')).items.map((item) => item.caseId)).not.toContain(stat);
    expect((await list('?priority=stat')).items.map((item) => item.caseId)).toEqual([stat]);
    expect((await list('?readerId=wl-rad-b')).items.map((item) => item.caseId)).toEqual([stat]);
  });

  it('a radiologist sees only the cases it is assigned to, and only itself among their readers', async () => {
    const shared = await request();
    await assign(shared, 'wl-rad-c');
    await assign(shared, 'wl-rad-d');
    const other = await request();
    const page = await list('?limit=500', radiologist('wl-rad-c'));
    expect(page.items.map((item) => item.caseId)).toEqual([shared]);
    expect(page.items[0]!.readers).toEqual([
      { readerId: 'wl-rad-c', role: 'primary', blinded: true, submitted: false },
    ]);
    expect(page.items.map((item) => item.caseId)).not.toContain(other);
  });

  it('pages with an opaque cursor, without gaps or repeats, and refuses bad parameters', async () => {
    for (let index = 0; index < 5; index++) await request();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((item) => item.caseId));
      cursor = page.nextCursor;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      pages++;
    } while (cursor && pages < 50);
    const everything = (await list('?limit=500')).items.map((item) => item.caseId);
    expect(seen).toEqual(everything);
    expect(new Set(seen).size).toBe(seen.length);
    for (const bad of [
      '?status=nope',
      '?limit=0',
      '?limit=501',
      '?overdue=maybe',
      '?cursor=%%%',
      '?patient=1',
    ]) {
      const response = await api.get(`/api/v1/cases${bad}`, COORDINATOR, {}, INVALID_ON_PURPOSE);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('roles: medico-legal and quality may list; the listing is recorded in the access log', async () => {
    expect((await api.get('/api/v1/cases', MEDICO_LEGAL)).status).toBe(200);
    expect((await api.get('/api/v1/cases', QUALITY)).status).toBe(200);
    expect((await api.get('/api/v1/cases', { sub: 'x', roles: [] })).status).toBe(403);
    await caught();
    const log = await api.get<{ items: Array<{ resource: string; actorId: string }> }>(
      '/api/v1/access-log?actorId=ml-1',
      QUALITY,
    );
    expect(log.body.items.some((item) => item.resource === 'worklist')).toBe(true);
  });

  it('an overdue case gets exactly one SlaBreached, through the command path; settled and on-time cases none', async () => {
    // Stat requests that occurred 59 minutes ago (an import more than an hour old would carry no SLA): due in about 3 h.
    const occurredAt = new Date(Date.now() - 59 * 60_000).toISOString();
    const overdueCase = await request({ priority: 'stat', occurredAt }, INTEGRATOR);
    const onTime = await request({ priority: 'routine' });
    const settled = await request(
      { priority: 'stat', readsRequired: 1, priorReport: undefined, occurredAt },
      INTEGRATOR,
    );
    await api.post(`/api/v1/cases/${settled}/withdrawal`, { reason: 'Requester cancelled' }, COORDINATOR);
    await caught();

    // The process manager's clock runs 3.5 h ahead: the stat cases are past their 4 h due time, routine is not.
    const sla = running.app.get(SlaWatchProcess);
    const clock = (sla as unknown as { clock: { now(): Date } }).clock;
    const realNow = clock.now.bind(clock);
    clock.now = () => new Date(Date.now() + 3.5 * HOUR);
    try {
      const first = await sla.tick();
      expect(first).toEqual([overdueCase]);
      await caught();
      expect(await sla.tick()).toEqual([]); // settled by its own SlaBreached
    } finally {
      clock.now = realNow;
    }
    const history = await api.get<{ events: Array<{ type: string; data: Json; metadata: Json }> }>(
      `/api/v1/cases/${overdueCase}/history`,
      MEDICO_LEGAL,
    );
    const breaches = history.body.events.filter((event) => event.type === 'SlaBreached');
    expect(breaches).toHaveLength(1);
    expect(breaches[0]!.metadata).toMatchObject({ actor: { id: 'sla-watch', role: 'system' } });
    const settledHistory = await api.get<{ events: Array<{ type: string }> }>(
      `/api/v1/cases/${settled}/history`,
      MEDICO_LEGAL,
    );
    expect(settledHistory.body.events.some((event) => event.type === 'SlaBreached')).toBe(false);
    const onTimeHistory = await api.get<{ events: Array<{ type: string }> }>(
      `/api/v1/cases/${onTime}/history`,
      MEDICO_LEGAL,
    );
    expect(onTimeHistory.body.events.some((event) => event.type === 'SlaBreached')).toBe(false);
  });

  it('the worklist equals a fresh rebuild: a new generation, filled from zero, with the same rows', async () => {
    const worklistStatus = async () => {
      const response = await api.get<{ items: Array<{ name: string; state: string; generation: number }> }>(
        '/api/v1/projections',
        ADMIN,
      );
      expect(response.status).toBe(200);
      return response.body.items.find((item) => item.name === 'worklist')!;
    };
    const client = new pg.Client({ connectionString: running.database.url });
    await client.connect();
    try {
      await caught();
      const before = (await list('?limit=500')).items;
      const generation = (await worklistStatus()).generation;
      expect(await activeGeneration(client, 'worklist')).toEqual({
        name: 'worklist',
        generation,
        schema: generationSchema('worklist', generation),
      });
      const tablesBefore = await snapshotReadModels(client, ['worklist']);
      expect(tablesBefore['worklist.worklist']!.length).toBe(before.length);

      const rebuilt = await runner.rebuild('worklist');
      expect(rebuilt).toEqual({ name: 'worklist', state: 'rebuilding' });
      await caught();

      expect(await worklistStatus()).toMatchObject({ state: 'running', generation: generation + 1 });
      expect(await activeGeneration(client, 'worklist')).toEqual({
        name: 'worklist',
        generation: generation + 1,
        schema: generationSchema('worklist', generation + 1),
      });
      expect(await snapshotReadModels(client, ['worklist'])).toEqual(tablesBefore);
      const after = (await list('?limit=500')).items;
      expect(after).toEqual(before);
    } finally {
      await client.end();
    }
  });

  it('a case past its due time without consensus is overdue in the worklist, and the SLA watch breaches it by the real clock', async () => {
    const urgent = await request({ priority: 'urgent' });
    const row = (await list('?limit=500')).items.find((item) => item.caseId === urgent)!;
    // SLA_HOURS_URGENT above: due about 1.08 s after the request.
    expect(Math.abs(Date.parse(row.dueAt!) - Date.parse(row.requestedAt) - 0.0003 * HOUR)).toBeLessThan(1);
    await waitFor('the urgent case to pass its due time', () => Date.now() > Date.parse(row.dueAt!));
    const overdue = await list('?overdue=true&limit=500');
    expect(overdue.items.find((item) => item.caseId === urgent)).toMatchObject({
      overdue: true,
      status: 'requested',
    });
    expect((await list('?overdue=false&limit=500')).items.map((item) => item.caseId)).not.toContain(urgent);
    expect(await running.app.get(SlaWatchProcess).tick()).toContain(urgent);
  });
});
