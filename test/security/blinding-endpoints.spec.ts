import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { ApiClient, COORDINATOR, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';

// A reader with a pending blinded read, even one whose token also carries a committee role, reaches
// neither the prior report nor another reader's opinion through any endpoint until it submits.
describe('blinding across endpoints', () => {
  let running: RunningApp;
  let api: ApiClient;
  const caught = () => running.app.get(ProjectionRunner).waitUntilCaughtUp({ timeoutMs: 10_000 });
  const dual = {
    sub: 'bl-rad',
    roles: ['radiologist', 'medico-legal', 'quality-committee'],
    name: 'Dr Dual',
  };
  const pure = { sub: 'bl-rad-2', roles: ['radiologist'], name: 'Dr Pure' };
  let caseId: string;
  let assignmentId: string;
  let otherOpinionId: string;

  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_USER_PER_MINUTE: '0' });
    api = new ApiClient(running.baseUrl);
    caseId = (await api.post('/api/v1/cases', secondOpinionRequest({ patientRef: 'pt-blind' }), COORDINATOR))
      .body.caseId as string;
    // The other primary reads and submits first, so there is an opinion to hide.
    const other = await api.post(
      `/api/v1/cases/${caseId}/assignments`,
      { readerId: pure.sub, role: 'primary' },
      COORDINATOR,
    );
    await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: other.body.assignmentId }, pure);
    const opinion = await api.post(
      `/api/v1/cases/${caseId}/opinions`,
      {
        assignmentId: other.body.assignmentId,
        findings: [{ code: 'fracture', presence: 'present' }],
        impression: 'SECRET-IMPRESSION',
        confidence: 4,
      },
      pure,
    );
    otherOpinionId = opinion.body.opinionId as string;
    assignmentId = (
      await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: dual.sub, role: 'primary' },
        COORDINATOR,
      )
    ).body.assignmentId as string;
    expect((await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId }, dual)).status).toBe(201);
    await caught();
  });
  afterAll(async () => running.close());

  const leaks = (text: string) =>
    text.includes('rad-ext-9') || text.includes('SECRET-IMPRESSION') || text.includes(otherOpinionId);

  it('case, history, audit trail, audit search and worklist show nothing of the prior report or the other opinion', async () => {
    const view = await api.get(`/api/v1/cases/${caseId}`, dual);
    expect(view.status).toBe(200);
    expect(view.body.visibility).toBe('reading');
    expect(leaks(view.text)).toBe(false);

    for (const path of [
      `/api/v1/cases/${caseId}/history`,
      `/api/v1/cases/${caseId}/history?revision=0`,
      `/api/v1/cases/${caseId}/audit-trail`,
    ]) {
      const response = await api.get(path, dual);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('not-your-assignment');
      expect(leaks(response.text)).toBe(false);
    }
    const csv = await api.get(`/api/v1/cases/${caseId}/audit-trail`, dual, { accept: 'text/csv' });
    expect(csv.status).toBe(403);

    const search = await api.get(`/api/v1/audit-trail?caseId=${caseId}&limit=500`, dual);
    expect(search.status).toBe(200);
    expect(search.body.items).toEqual([]);
    const everything = await api.get('/api/v1/audit-trail?limit=500', dual);
    expect(leaks(everything.text)).toBe(false);

    const worklist = await api.get('/api/v1/cases?limit=500', dual);
    expect(worklist.status).toBe(200);
    expect(leaks(worklist.text)).toBe(false);
  });

  it('after submitting, the same reader sees the record', async () => {
    const submitted = await api.post(
      `/api/v1/cases/${caseId}/opinions`,
      {
        assignmentId,
        findings: [{ code: 'fracture', presence: 'absent' }],
        impression: 'Normal.',
        confidence: 3,
      },
      dual,
    );
    expect(submitted.status).toBe(201);
    await caught();
    const trail = await api.get(`/api/v1/cases/${caseId}/audit-trail?limit=500`, dual);
    expect(trail.status).toBe(200);
    expect(trail.text).toContain('SECRET-IMPRESSION');
    expect((await api.get(`/api/v1/cases/${caseId}/history`, dual)).status).toBe(200);
  });
});
