import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { ApiClient, MEDICO_LEGAL } from '../support/api.js';
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
  const { requestCase, assign, startRead, submitOpinion, command, history } = caseSteps(() => api);

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

  it('a reader whose blinded read is still open when the case reaches consensus stays blinded, after closure too; its read is ended by an event', async () => {
    const rad = { sub: 'bl-rad-open', roles: ['radiologist'], name: 'Dr Open' };
    const adjudicator = { sub: 'bl-rad-adj', roles: ['radiologist'], name: 'Dr Adj' };
    const repro = await requestCase({
      patientRef: 'pt-blind-2',
      readsRequired: 2,
      priorReport: {
        author: 'rad-ext-9',
        findings: [{ code: 'fracture', presence: 'absent' }],
        impression: 'PRIOR-SECRET',
      },
    });
    const open = await assign(repro, rad.sub);
    await startRead(repro, open, rad);
    await command(`/api/v1/cases/${repro}/escalations`, {
      level: 'adjudication',
      reason: 'requester-appeal',
    });
    const adj = await assign(repro, adjudicator.sub, 'adjudicator');
    await startRead(repro, adj, adjudicator);
    const decided = await command(
      `/api/v1/cases/${repro}/adjudication`,
      { assignmentId: adj, selectedOpinionId: 'prior-report', rationale: 'RATIONALE-SECRET' },
      adjudicator,
    );
    expect(decided.status).toBe('consensus');
    const secret = (text: string) => text.includes('PRIOR-SECRET') || text.includes('RATIONALE-SECRET');

    for (const stage of ['consensus', 'closed']) {
      if (stage === 'closed') await command(`/api/v1/cases/${repro}/closure`, {});
      await caught();
      for (const who of [rad, { ...rad, roles: ['radiologist', 'quality-committee', 'medico-legal'] }]) {
        const view = await api.get(`/api/v1/cases/${repro}`, who);
        expect({ stage, status: view.status, visibility: view.body.visibility }).toEqual({
          stage,
          status: 200,
          visibility: 'blinded',
        });
        expect(view.body.assignment).toMatchObject({
          assignmentId: open,
          status: 'ended',
          endReason: 'consensus-reached',
        });
        expect(secret(view.text)).toBe(false);
        for (const path of [`/api/v1/cases/${repro}/history`, `/api/v1/cases/${repro}/audit-trail`]) {
          const refused = await api.get(path, who);
          expect(refused.status).toBe(403);
          expect(secret(refused.text)).toBe(false);
        }
        expect(secret((await api.get(`/api/v1/audit-trail?caseId=${repro}`, who)).text)).toBe(false);
        expect(secret((await api.get('/api/v1/cases?limit=500', who)).text)).toBe(false);
      }
    }

    // The record says the read was never submitted and why it ended: in the history and the audit trail.
    const { events } = await history(repro);
    const ended = events.find((event) => event.type === 'AssignmentEnded')!;
    expect(ended.data).toEqual({
      assignmentId: open,
      readerId: rad.sub,
      role: 'primary',
      round: 1,
      reason: 'consensus-reached',
    });
    expect(ended.metadata.actor).toEqual({ id: 'engine', role: 'system' });
    const trail = await api.get(`/api/v1/cases/${repro}/audit-trail?limit=100`, MEDICO_LEGAL);
    expect(trail.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'AssignmentEnded', actorId: 'engine' })]),
    );
  });
});
