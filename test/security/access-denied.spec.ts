import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/application/ports/event-store.port.js';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import {
  ADMIN,
  ApiClient,
  COORDINATOR,
  MEDICO_LEGAL,
  QUALITY,
  radiologist,
  secondOpinionRequest,
} from '../support/api.js';
import { type RunningApp, startTestApp, tokenFor } from '../support/app.js';
import type { AccessLogItem } from '../../src/projections/access-log/access-log.queries.js';
import { waitFor } from '../support/wait-for.js';

type AccessRow = AccessLogItem;

interface AuditRow {
  position: number;
  caseId?: string;
  revision?: number;
  accessSequence?: number;
  type: string;
  actorId?: string;
  summary: string;
  data: Record<string, unknown>;
}

/** Other projections run in the same app; these tests wait for the audit trail only. */
const AUDIT_ONLY = { names: ['audit-trail'] };

// Refused attempts on case data (401, 403, 404) are in the access log with who, what, when, status
// and problem code; a history read records the point it asked for; access rows of a case's audit
// trail are numbered apart from its events' revisions.
describe('access log of refused attempts and history points (HTTP)', () => {
  let running: RunningApp;
  let api: ApiClient;
  let caseId: string;
  /** Each test's requests carry their own user agent, so that its rows are told apart. */
  const agent = () => `access-denied-${randomUUID()}`;

  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_USER_PER_MINUTE: '0' });
    api = new ApiClient(running.baseUrl);
    const created = await api.post('/api/v1/cases', secondOpinionRequest(), COORDINATOR);
    expect(created.status).toBe(201);
    caseId = created.body.caseId as string;
    for (const readerId of ['rad-a', 'rad-b']) {
      const assigned = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId, role: 'primary' },
        COORDINATOR,
      );
      expect(assigned.status).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    await running.close();
  });

  /** The access-log rows of one test (by its user agent), once there are `count` of them. */
  async function rowsOf(userAgent: string, count: number, filter = ''): Promise<AccessRow[]> {
    return waitFor(
      `${count} access-log rows from ${userAgent}`,
      async () => {
        const log = await api.get<{ items: AccessRow[] }>(`/api/v1/access-log?limit=500${filter}`, ADMIN);
        expect(log.status).toBe(200);
        return log.body.items.filter((row) => row.userAgent === userAgent);
      },
      { until: (rows) => rows.length >= count, intervalMs: 50 },
    );
  }

  const recently = (at: string) => Math.abs(Date.now() - Date.parse(at)) < 60_000;
  const byResource = (a: AccessRow, b: AccessRow) => a.resource.localeCompare(b.resource);

  it('records a 403 of a radiologist not on the case, and a 403 of the role check, with who, what, when, status and code', async () => {
    const userAgent = agent();
    const outsider = radiologist('rad-z');
    const view = await api.get(`/api/v1/cases/${caseId}`, outsider, { 'user-agent': userAgent });
    expect(view.status).toBe(403);
    const trail = await api.get(`/api/v1/cases/${caseId}/audit-trail`, outsider, { 'user-agent': userAgent });
    expect(trail.status).toBe(403);
    expect(trail.body.code).toBe('forbidden');

    // Sorted by resource for the comparison (the case dossier's spec checks the log's order).
    const rows = (await rowsOf(userAgent, 2, `&caseId=${caseId}`)).sort(byResource);
    expect(rows).toEqual([
      expect.objectContaining({
        caseId,
        resource: 'audit-trail',
        actorId: 'rad-z',
        status: 403,
        problemCode: 'forbidden',
      }),
      expect.objectContaining({
        caseId,
        resource: 'case',
        actorId: 'rad-z',
        actorRole: 'radiologist',
        status: 403,
        problemCode: view.body.code,
      }),
    ]);
    // The role check found no role allowing the action: none is recorded as if it had.
    expect(rows[0].actorRole).toBeUndefined();
    for (const row of rows) {
      expect(row.ip).toBe('127.0.0.1');
      expect(recently(row.accessedAt)).toBe(true);
    }
  });

  it('records a 404 for an unknown case id under that id', async () => {
    const userAgent = agent();
    const unknown = randomUUID();
    const response = await api.get(`/api/v1/cases/${unknown}`, MEDICO_LEGAL, { 'user-agent': userAgent });
    expect(response.status).toBe(404);

    const [row] = await rowsOf(userAgent, 1, `&caseId=${unknown}`);
    expect(row).toMatchObject({
      caseId: unknown,
      resource: 'case',
      actorId: 'ml-1',
      actorRole: 'medico-legal',
      status: 404,
      problemCode: response.body.code,
      ip: '127.0.0.1',
    });
    expect(recently(row.accessedAt)).toBe(true);
  });

  it('records a 401 as anonymous with the IP, believing no claim of a bad token and keeping neither token nor query', async () => {
    const userAgent = agent();
    const forged = await tokenFor('mallory', ['medico-legal'], {
      secret: 'not-the-engine-secret-but-as-long-as-it',
    });
    const path = `/api/v1/cases/${caseId}/history?revision=1`;
    const badToken = await api.request('GET', path, { token: forged, headers: { 'user-agent': userAgent } });
    expect(badToken.status).toBe(401);
    const noToken = await api.request('GET', `/api/v1/cases/${caseId}`, {
      headers: { 'user-agent': userAgent },
    });
    expect(noToken.status).toBe(401);

    const rows = (await rowsOf(userAgent, 2, `&caseId=${caseId}`)).sort(byResource);
    expect(
      rows.map(({ resource, actorId, status, problemCode, ip }) => ({
        resource,
        actorId,
        status,
        problemCode,
        ip,
      })),
    ).toEqual([
      { resource: 'case', actorId: 'anonymous', status: 401, problemCode: 'unauthorized', ip: '127.0.0.1' },
      {
        resource: 'history',
        actorId: 'anonymous',
        status: 401,
        problemCode: 'unauthorized',
        ip: '127.0.0.1',
      },
    ]);
    for (const row of rows) {
      expect(row.actorRole).toBeUndefined();
      expect(row.point).toBeUndefined();
      expect(recently(row.accessedAt)).toBe(true);
      const text = JSON.stringify(row);
      expect(text).not.toContain('mallory');
      expect(text).not.toContain(forged);
      expect(text).not.toContain('revision=1');
    }
  });

  it('records the revision or time a history read asked for', async () => {
    const userAgent = agent();
    const headers = { 'user-agent': userAgent };
    expect((await api.get(`/api/v1/cases/${caseId}/history?revision=2`, MEDICO_LEGAL, headers)).status).toBe(
      200,
    );
    const asOf = '2099-01-01T00:00:00.000Z';
    expect((await api.get(`/api/v1/cases/${caseId}/history?asOf=${asOf}`, QUALITY, headers)).status).toBe(
      200,
    );
    expect((await api.get(`/api/v1/cases/${caseId}/history`, MEDICO_LEGAL, headers)).status).toBe(200);
    // A refused history read that got past validation keeps its point too.
    const unknown = randomUUID();
    expect((await api.get(`/api/v1/cases/${unknown}/history?revision=3`, MEDICO_LEGAL, headers)).status).toBe(
      404,
    );

    const rows = await rowsOf(userAgent, 4);
    expect(rows.map(({ caseId: id, actorId, status, point }) => ({ id, actorId, status, point }))).toEqual([
      { id: caseId, actorId: 'ml-1', status: 200, point: { revision: 2 } },
      { id: caseId, actorId: 'qc-1', status: 200, point: { asOf } },
      { id: caseId, actorId: 'ml-1', status: 200, point: undefined },
      { id: unknown, actorId: 'ml-1', status: 404, point: { revision: 3 } },
    ]);
  });

  it("numbers access rows of a case's audit trail by their own sequence, never by a revision", async () => {
    // At least two reads, so that the access stream's own revisions 0 and 1 would clash with the case's.
    for (const as of [MEDICO_LEGAL, QUALITY])
      expect((await api.get(`/api/v1/cases/${caseId}`, as)).status).toBe(200);
    // Reads are recorded before they are answered: the projection has them once it has caught up.
    await running.app.get(ProjectionRunner).waitUntilCaughtUp(AUDIT_ONLY);

    const trail = await api.get<{ items: AuditRow[] }>(
      `/api/v1/cases/${caseId}/audit-trail?limit=500`,
      QUALITY,
    );
    expect(trail.status).toBe(200);
    const events = trail.body.items.filter((row) => row.type !== 'CaseDataAccessed');
    const accesses = trail.body.items.filter((row) => row.type === 'CaseDataAccessed');
    expect(events.map((row) => row.revision)).toEqual([0, 1, 2]);
    expect(events.every((row) => row.accessSequence === undefined)).toBe(true);
    expect(accesses.length).toBeGreaterThanOrEqual(2);
    expect(accesses.every((row) => !('revision' in row))).toBe(true);
    expect(accesses.map((row) => row.accessSequence)).toEqual(accesses.map((_, index) => index + 1));

    // Its summary says it was refused, by whom, with what.
    expect(accesses.map((row) => row.summary)).toContain(
      'anonymous tried to view the case history from 127.0.0.1 and was refused: 401 unauthorized',
    );
    expect(accesses.map((row) => row.summary)).toContain(
      'ml-1 viewed the case history at revision 2 from 127.0.0.1',
    );

    // The access log gives each row the same sequence as the audit trail.
    const log = await api.get<{ items: AccessRow[] }>(`/api/v1/access-log?caseId=${caseId}&limit=500`, ADMIN);
    expect(log.status).toBe(200);
    // Both read the audit trail's generation: every access of the trail is in the log.
    const inTrail = new Map(accesses.map((row) => [row.position, row.accessSequence]));
    const inLog = new Map(
      log.body.items
        .filter((row) => inTrail.has(row.position))
        .map((row) => [row.position, row.accessSequence]),
    );
    expect(inLog).toEqual(inTrail);
  });

  it('reads a version-1 access event, written before refusals were recorded, as a read that succeeded', async () => {
    const store = running.app.get<EventStore>(EVENT_STORE);
    const userAgent = agent();
    await store.append(
      `access-${caseId}`,
      [
        {
          eventId: randomUUID(),
          type: 'CaseDataAccessed',
          data: { caseId, resource: 'case', actorId: 'ml-9', ip: '10.0.0.1', userAgent },
          metadata: {
            actor: { id: 'ml-9', role: 'medico-legal' },
            occurredAt: new Date().toISOString(),
            schemaVersion: 1,
          },
          schemaVersion: 1,
        },
      ],
      { expected: 'any' },
    );
    const [row] = await rowsOf(userAgent, 1, `&caseId=${caseId}`);
    expect(row).toMatchObject({
      caseId,
      resource: 'case',
      actorId: 'ml-9',
      actorRole: 'medico-legal',
      status: 200,
    });
    expect(row.problemCode).toBeUndefined();
  });
});
