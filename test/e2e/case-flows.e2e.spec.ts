import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningApp, startTestApp } from '../support/app.js';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { ApiClient, COORDINATOR, INTEGRATOR, MEDICO_LEGAL, QUALITY, radiologist } from '../support/api.js';
import { caseSteps } from '../support/case-steps.js';
import { TWO_PLUS_ONE_EVENT_TYPES } from '../support/walk-through.js';

type Json = Record<string, unknown>;

// Whole case lifecycles through the public API, as a coordinator, radiologists and an adjudicator would drive them.
describe('case lifecycles over HTTP', () => {
  let running: RunningApp;
  let api: ApiClient;
  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => running.close());

  const { requestCase, assign, startRead, submitOpinion, history } = caseSteps(() => api);

  it('a full 2+1 case with sequential unblinding, from request to closure, replayable at every revision', async () => {
    const caseId = await requestCase();
    const a = await assign(caseId, 'rad-a');
    const b = await assign(caseId, 'rad-b');

    // Blinded primaries see images and the clinical question only.
    const readA = await startRead(caseId, a, 'rad-a');
    expect(readA.shown).toEqual(['images', 'clinical-question']);
    expect(readA.materials).not.toHaveProperty('priorReport');
    const viewA = await api.get(`/api/v1/cases/${caseId}`, radiologist('rad-a'));
    expect(viewA.status).toBe(200);
    expect(JSON.stringify(viewA.body)).not.toContain('rad-ext-9'); // the prior report's author
    expect(viewA.body).not.toHaveProperty('priorReport');

    const opinionA = await submitOpinion(caseId, a, 'rad-a', {
      findings: [{ code: 'fracture', presence: 'present' }],
    });
    expect(opinionA.status).toBe('in-review');
    // Sequential unblinding: after its own opinion, rad-a is shown the prior report and scores it.
    const reviewA = await api.post(
      `/api/v1/cases/${caseId}/prior-report-reviews`,
      { assignmentId: a, score: '3b', comment: 'Fracture visible on the scaphoid view.' },
      radiologist('rad-a'),
    );
    expect(reviewA.status).toBe(201);
    expect(reviewA.body.priorReport).toMatchObject({ author: 'rad-ext-9' });

    // rad-b, still blinded, sees neither the prior report nor rad-a's opinion.
    await startRead(caseId, b, 'rad-b');
    const viewB = await api.get(`/api/v1/cases/${caseId}`, radiologist('rad-b'));
    expect(JSON.stringify(viewB.body)).not.toMatch(
      new RegExp(`rad-ext-9|${opinionA.opinionId as string}|${a}|opinions`),
    );

    await submitOpinion(caseId, b, 'rad-b', { findings: [{ code: 'fracture', presence: 'absent' }] });
    const reviewB = await api.post(
      `/api/v1/cases/${caseId}/prior-report-reviews`,
      { assignmentId: b, score: '1' },
      radiologist('rad-b'),
    );
    // Major disagreement between the primaries (fracture is significant) → adjudication, in the same append.
    expect(reviewB.body.status).toBe('awaiting-adjudication');

    const c = await assign(caseId, 'rad-c', 'adjudicator');
    const readC = await startRead(caseId, c, 'rad-c');
    expect(readC.shown).toEqual(['images', 'clinical-question', 'prior-report', 'primary-opinions']);
    const shownOpinions = (readC.materials as { opinions: Json[] }).opinions;
    expect(shownOpinions).toHaveLength(2);
    expect(JSON.stringify(shownOpinions)).not.toMatch(/rad-a|rad-b|readerId|signature/); // reader names hidden
    const selected = shownOpinions.find((shown) => JSON.stringify(shown).includes('"present"'))!;

    const adjudicated = await api.post(
      `/api/v1/cases/${caseId}/adjudication`,
      {
        assignmentId: c,
        selectedOpinionId: selected.opinionId,
        rationale: 'Cortical break on the oblique view.',
      },
      radiologist('rad-c'),
    );
    expect(adjudicated.status).toBe(201);
    expect(adjudicated.body.status).toBe('consensus');

    const closed = await api.post(`/api/v1/cases/${caseId}/closure`, {}, COORDINATOR);
    expect(closed.status).toBe(201);
    expect(closed.body.outcome).toBe('overturned'); // the prior report said no fracture

    const full = await history(caseId);
    expect(full.integrity).toMatchObject({ verified: true });
    const types = full.events.map((event) => event.type);
    expect(types).toEqual(TWO_PLUS_ONE_EVENT_TYPES);
    expect(full.state).toMatchObject({ status: 'closed', outcome: 'overturned' });
    const discordance = full.events.find((event) => event.type === 'DiscordanceDetected')!;
    expect(discordance.data).toMatchObject({ severity: 'major' });
    const opinionEvent = full.events.find((event) => event.type === 'OpinionSubmitted')!;
    expect(opinionEvent.data).toMatchObject({ signature: { signerName: 'Dr rad-a', meaning: 'authorship' } });
    const adjudication = full.events.find((event) => event.type === 'AdjudicationDecided')!;
    expect(adjudication.data).toMatchObject({ signature: { meaning: 'approval' } });
    // What the engine decided in consequence is the engine's, caused by the person's event.
    const byRevision = new Map(full.events.map((event) => [event.revision, event]));
    for (const type of ['DiscordanceDetected', 'CaseEscalated', 'ConsensusReached']) {
      const automatic = full.events.find((event) => event.type === type)!;
      expect(automatic.metadata.actor).toEqual({ id: 'engine', role: 'system' });
      const cause = full.events.find((event) => event.eventId === automatic.metadata.causationId)!;
      expect(['OpinionSubmitted', 'PriorReportReviewed', 'AdjudicationDecided']).toContain(cause.type);
      expect((cause.metadata.actor as { role: string }).role).toBe('radiologist');
      expect(byRevision.get(cause.revision)).toBe(cause);
    }
    await running.app.get(ProjectionRunner).waitUntilCaughtUp({ timeoutMs: 10_000 });
    const trail = await api.get(`/api/v1/cases/${caseId}/audit-trail?limit=100`, MEDICO_LEGAL);
    const consensusRow = (trail.body.items as Array<Record<string, unknown>>).find(
      (row) => row.type === 'ConsensusReached',
    )!;
    const adjudicationRow = (trail.body.items as Array<Record<string, unknown>>).find(
      (row) => row.type === 'AdjudicationDecided',
    )!;
    expect(consensusRow).toMatchObject({
      actorId: 'engine',
      actorRole: 'system',
      causationId: adjudicationRow.eventId,
    });

    // Replay at every revision: the state folds to what the record said then, and the chain verifies.
    const statusAt = new Map<number, string>();
    for (let revision = 0; revision < full.events.length; revision++) {
      const past = await history(caseId, `?revision=${revision}`);
      expect(past.revision).toBe(revision);
      expect(past.events).toHaveLength(revision + 1);
      expect(past.integrity).toMatchObject({ verified: true });
      statusAt.set(revision, past.state?.status as string);
    }
    expect(statusAt.get(0)).toBe('requested');
    expect(statusAt.get(1)).toBe('in-review');
    expect(statusAt.get(10)).toBe('awaiting-adjudication');
    expect(statusAt.get(14)).toBe('consensus');
    expect(statusAt.get(15)).toBe('closed');

    // "As of" a time before the adjudication: the case was awaiting adjudication.
    const escalatedAt = full.events[10]!.recordedAt;
    const asOf = await history(caseId, `?asOf=${encodeURIComponent(escalatedAt)}`);
    expect(asOf.state?.status).toBe('awaiting-adjudication');
  });

  it('a single-read case that concurs with the prior report reaches consensus on the opinion alone', async () => {
    const caseId = await requestCase({
      readsRequired: 1,
      priorReport: { author: 'rad-ext-9', findings: [{ code: 'fracture', presence: 'absent' }] },
    });
    const a = await assign(caseId, 'rad-s', 'primary', { blinded: false }); // unblinded: scores the prior report in its opinion
    const shown = await startRead(caseId, a, 'rad-s');
    expect(shown.shown).toEqual(['images', 'clinical-question', 'prior-report']);
    const submitted = await submitOpinion(caseId, a, 'rad-s', {
      findings: [{ code: 'fracture', presence: 'absent' }],
      priorReportReview: { score: '1' },
    });
    expect(submitted.status).toBe('consensus');
    const closed = await api.post(`/api/v1/cases/${caseId}/closure`, { note: 'Confirmed.' }, COORDINATOR);
    expect(closed.body.outcome).toBe('confirmed');
    const { events } = await history(caseId);
    expect(events.find((event) => event.type === 'ConsensusReached')!.data).toMatchObject({
      method: 'concordance',
      outcome: 'confirmed',
    });
    expect(events.some((event) => event.type === 'DiscordanceDetected')).toBe(false);
  });

  it('a panel case: adjudication escalated to a panel of three, decided by majority with dissent', async () => {
    const caseId = await requestCase({ priorReport: undefined });
    const a = await assign(caseId, 'rad-p-a');
    const b = await assign(caseId, 'rad-p-b');
    await startRead(caseId, a, 'rad-p-a');
    await startRead(caseId, b, 'rad-p-b');
    await submitOpinion(caseId, a, 'rad-p-a', { findings: [{ code: 'pneumothorax', presence: 'present' }] });
    const second = await submitOpinion(caseId, b, 'rad-p-b', {
      findings: [{ code: 'pneumothorax', presence: 'absent' }],
    });
    expect(second.status).toBe('awaiting-adjudication');
    await assign(caseId, 'rad-adj', 'adjudicator');
    const toPanel = await api.post(
      `/api/v1/cases/${caseId}/escalations`,
      { level: 'panel', reason: 'quality-review' },
      QUALITY,
    );
    expect(toPanel.status).toBe(201);
    expect(toPanel.body.status).toBe('awaiting-panel');

    const votes: Array<[string, string]> = [
      ['rad-v1', 'present'],
      ['rad-v2', 'present'],
      ['rad-v3', 'absent'],
    ];
    const assignments = new Map<string, string>();
    for (const [panelist] of votes) assignments.set(panelist, await assign(caseId, panelist, 'panelist'));
    let last: Json = {};
    for (const [panelist, presence] of votes) {
      const materials = await startRead(caseId, assignments.get(panelist)!, panelist);
      expect(materials.shown).toEqual(
        expect.arrayContaining(['images', 'clinical-question', 'primary-opinions']),
      );
      last = await submitOpinion(caseId, assignments.get(panelist)!, panelist, {
        findings: [{ code: 'pneumothorax', presence }],
      });
    }
    expect(last.status).toBe('consensus');
    const { events } = await history(caseId);
    const consensus = events.find((event) => event.type === 'ConsensusReached')!;
    expect(consensus.data).toMatchObject({
      method: 'panel-majority',
      findings: [{ code: 'pneumothorax', presence: 'present' }],
      outcome: 'no-prior',
    });
  });

  it('a reopened case starts a new round with independent readers whose consensus supersedes the first', async () => {
    const caseId = await requestCase({ readsRequired: 1, priorReport: undefined });
    const first = await assign(caseId, 'rad-r1');
    await startRead(caseId, first, 'rad-r1');
    expect(
      (await submitOpinion(caseId, first, 'rad-r1', { findings: [{ code: 'fracture', presence: 'absent' }] }))
        .status,
    ).toBe('consensus');
    await api.post(`/api/v1/cases/${caseId}/closure`, {}, COORDINATOR);

    const reopened = await api.post(
      `/api/v1/cases/${caseId}/reopening`,
      { reason: 'Requester appeal with new symptoms' },
      QUALITY,
    );
    expect(reopened.status).toBe(201);
    expect(reopened.body.round).toBe(2);

    // A reader of round 1 is not independent in round 2.
    const again = await api.post(
      `/api/v1/cases/${caseId}/assignments`,
      { readerId: 'rad-r1', role: 'primary' },
      COORDINATOR,
    );
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('reader-not-independent');

    const second = await assign(caseId, 'rad-r2');
    const materials = await startRead(caseId, second, 'rad-r2');
    expect(JSON.stringify(materials)).not.toContain('rad-r1');
    expect(
      (
        await submitOpinion(caseId, second, 'rad-r2', {
          findings: [{ code: 'fracture', presence: 'present' }],
        })
      ).status,
    ).toBe('consensus');
    const closed = await api.post(`/api/v1/cases/${caseId}/closure`, {}, INTEGRATOR);
    expect(closed.status).toBe(201);

    const { state, events } = await history(caseId);
    expect(state).toMatchObject({
      status: 'closed',
      round: 2,
      consensus: { round: 2, findings: [{ code: 'fracture', presence: 'present' }] },
    });
    expect(events.filter((event) => event.type === 'ConsensusReached')).toHaveLength(2);
  });
});
