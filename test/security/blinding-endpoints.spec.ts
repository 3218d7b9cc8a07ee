import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { ApiClient } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';

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
  const { requestCase, assign, startRead, submitOpinion } = caseSteps(() => api);

  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_USER_PER_MINUTE: '0' });
    api = new ApiClient(running.baseUrl);
    caseId = await requestCase({ patientRef: 'pt-blind' });
    // The other primary reads and submits first, so there is an opinion to hide.
    const other = await assign(caseId, pure.sub);
    await startRead(caseId, other, pure);
    const opinion = await submitOpinion(caseId, other, pure, { impression: 'SECRET-IMPRESSION' });
    otherOpinionId = opinion.opinionId as string;
    assignmentId = await assign(caseId, dual.sub);
    await startRead(caseId, assignmentId, dual);
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
    await submitOpinion(caseId, assignmentId, dual, {
      findings: [{ code: 'fracture', presence: 'absent' }],
      impression: 'Normal.',
      confidence: 3,
    });
    await caught();
    const trail = await api.get(`/api/v1/cases/${caseId}/audit-trail?limit=500`, dual);
    expect(trail.status).toBe(200);
    expect(trail.text).toContain('SECRET-IMPRESSION');
    expect((await api.get(`/api/v1/cases/${caseId}/history`, dual)).status).toBe(200);
  });
});
