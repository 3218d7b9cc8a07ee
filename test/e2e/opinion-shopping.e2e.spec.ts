import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { OpinionShoppingTimer } from '../../src/projections/opinion-shopping/opinion-shopping.timer.js';
import { OpinionShoppingUpgrade } from '../../src/projections/opinion-shopping/opinion-shopping.upgrade.js';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import {
  ADMIN,
  ApiClient,
  COORDINATOR,
  INTEGRATOR,
  MEDICO_LEGAL,
  QUALITY,
  radiologist,
} from '../support/api.js';
import { caseSteps } from '../support/case-steps.js';
import { activeGeneration } from '../support/read-models.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

type Json = Record<string, unknown>;

interface Flag {
  flagId: string;
  rule: string;
  severity: string;
  patientRef: string;
  bodyRegion: string;
  raisedAt: string;
  evidence: {
    eventIds: string[];
    caseIds: string[];
    threshold: number;
    observed: number;
    window: Json;
  } & Json;
  cases: Array<{
    caseId: string;
    patientRef: string;
    studyInstanceUid: string;
    studyDate: string;
    requester: Json;
    requestedAt: string;
    status?: string;
    consensusAt?: string;
    outcome?: string;
  }>;
  status: string;
  disposition?: string;
  reviews: Array<{ reviewedBy: string; disposition: string; note: string; reviewedAt: string }>;
}

/** A second committee member, so that a flag's reviews show who wrote each. */
const QUALITY_2 = { sub: 'qc-2', roles: ['quality-committee'] };

const DAY = 86_400_000;
/** Imported history starts 400 days ago, so that every window and quiet period of the rules lies in the past. */
const T0 = Date.now() - 400 * DAY;
const day = (days: number): string => new Date(T0 + days * DAY).toISOString();

const SAME_CLINIC = { kind: 'patient', id: 'self', organisation: 'Self-referred' };

// Opinion-shopping flags over HTTP, on request histories built through the API (imported with occurredAt).
describe('opinion-shopping flags over HTTP', () => {
  let running: RunningApp;
  let api: ApiClient;
  let uid = 0;

  const { requestCase, assign, startRead, submitOpinion } = caseSteps(() => api);

  /** A request imported by the integrator as of `at`, without a prior report unless one is given. */
  async function request(
    patientRef: string,
    at: string,
    options: { requester?: Json; priorReport?: Json; studyInstanceUid?: string; readsRequired?: number } = {},
  ): Promise<string> {
    uid += 1;
    return requestCase(
      {
        patientRef,
        study: {
          studyInstanceUid: options.studyInstanceUid ?? `1.2.826.0.1.${uid}`,
          modality: 'XR',
          bodyRegion: 'wrist',
          studyDate: at.slice(0, 10),
        },
        requester: options.requester ?? SAME_CLINIC,
        readsRequired: options.readsRequired ?? 2,
        priorReport: options.priorReport,
        occurredAt: at,
      },
      INTEGRATOR,
    );
  }

  const report = (author: string, presence: string, impression = `Report by ${author}.`): Json => ({
    author,
    institution: `${author} imaging`,
    findings: [{ code: 'fracture', presence }],
    impression,
  });

  /** A single blinded read by `readerId` up to its consensus (this engine's output), at `at`. */
  async function readToConsensus(caseId: string, readerId: string, at: string): Promise<void> {
    const assignmentId = await assign(caseId, readerId, 'primary', { occurredAt: at, as: INTEGRATOR });
    await startRead(caseId, assignmentId, INTEGRATOR, { occurredAt: at });
    const submitted = await submitOpinion(caseId, assignmentId, INTEGRATOR, {
      impression: 'Non-displaced scaphoid waist fracture.',
      occurredAt: at,
    });
    expect(submitted.status).toBe('consensus');
  }

  const caughtUp = (...names: string[]): Promise<void> =>
    running.app
      .get(ProjectionRunner)
      .waitUntilCaughtUp({ names: names.length > 0 ? names : ['opinion-shopping'], timeoutMs: 20_000 });

  async function flags(query = ''): Promise<Flag[]> {
    const response = await api.get<{ items: Flag[]; nextCursor?: string }>(
      `/api/v1/opinion-shopping/flags${query}`,
      QUALITY,
    );
    expect(response.status).toBe(200);
    return response.body.items;
  }
  const rulesOf = async (patientRef: string): Promise<string[]> =>
    (await flags(`?patientRef=${patientRef}&limit=500`)).map((flag) => flag.rule);

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);

    // OS-1: three requests within 365 days from three organisations.
    await request('os1-yes', day(0), {
      requester: { kind: 'insurer', id: 'ins-1', organisation: 'Acme Insurance' },
    });
    await request('os1-yes', day(10), {
      requester: { kind: 'legal-counsel', id: 'law-1', organisation: 'Smith LLP' },
    });
    await request('os1-yes', day(20), { requester: { kind: 'patient', id: 'pt' } });
    // Near miss: three requests, one organisation, no confirming consensus.
    for (const at of [0, 10, 20]) await request('os1-no', day(at));

    // OS-2: five requests within 90 days.
    for (const at of [0, 10, 20, 30, 40]) await request('os2-yes', day(at));
    // Near miss: five requests over 100 days (never five within 90).
    for (const at of [0, 25, 50, 75, 100]) await request('os2-no', day(at));

    // OS-3: three prior reports agree there is no fracture, the fourth finds one, then nothing for 90 days.
    for (const [at, author] of [
      [0, 'ext-1'],
      [40, 'ext-2'],
      [80, 'ext-3'],
    ] as const) {
      await request('os3-yes', day(at), { priorReport: report(author, 'absent') });
      await request('os3-no', day(at), { priorReport: report(author, 'absent') });
    }
    await request('os3-yes', day(120), { priorReport: report('ext-4', 'present') });
    await request('os3-no', day(120), { priorReport: report('ext-4', 'present') });
    // Near miss: a request follows 30 days after the favourable answer.
    await request('os3-no', day(150));

    // OS-4: the same study under two patientRefs (the later request is flagged).
    await request('os4-a', day(0), { studyInstanceUid: '1.2.826.0.9.44' });
    await request('os4-b', day(5), { studyInstanceUid: '1.2.826.0.9.44' });
    // Near miss: the same patient sends the same study again.
    await request('os4-same', day(0), { studyInstanceUid: '1.2.826.0.9.45' });
    await request('os4-same', day(5), { studyInstanceUid: '1.2.826.0.9.45' });

    // OS-5: this engine's reader read the study; its report comes back as a prior report.
    const first = await request('os5-yes', day(0), { studyInstanceUid: '1.2.826.0.9.55', readsRequired: 1 });
    await readToConsensus(first, 'rad-os5', day(1));
    await request('os5-yes', day(30), {
      studyInstanceUid: '1.2.826.0.9.55',
      priorReport: report('rad-os5', 'present', 'Non-displaced scaphoid waist fracture.'),
    });
    // Near miss: a prior report from elsewhere on a study this engine read.
    const other = await request('os5-no', day(0), { studyInstanceUid: '1.2.826.0.9.56', readsRequired: 1 });
    await readToConsensus(other, 'rad-os5', day(1));
    await request('os5-no', day(30), {
      studyInstanceUid: '1.2.826.0.9.56',
      priorReport: report('ext-7', 'absent', 'No fracture.'),
    });
    await caughtUp();
    // The whole history is in the past: os3-yes's quiet period ended long ago with no event after
    // it, so the timer (not an event) raises its OS-3 flag; os3-no's follow-up prevented one.
    expect(await running.app.get(OpinionShoppingTimer).reevaluateDue()).toBe(1);
  }, 60_000);
  afterAll(async () => running.close());

  it.each([
    ['OS-1', 'os1-yes', 'review'],
    ['OS-2', 'os2-yes', 'high'],
    ['OS-3', 'os3-yes', 'review'],
    ['OS-4', 'os4-b', 'high'],
    ['OS-5', 'os5-yes', 'info'],
  ])('%s fires on %s, %s', async (rule, patientRef, severity) => {
    const raised = await flags(`?patientRef=${patientRef}`);
    expect(raised.map((flag) => flag.rule)).toContain(rule);
    const flag = raised.find((candidate) => candidate.rule === rule)!;
    expect(flag).toMatchObject({ rule, severity, patientRef, bodyRegion: 'wrist', status: 'open' });
    expect(flag).not.toHaveProperty('disposition');
    expect(flag.flagId).toMatch(new RegExp(`^${rule.toLowerCase().replace('-', '')}-[0-9a-f]{32}$`));
    expect(flag.evidence.eventIds.length).toBeGreaterThan(0);
    expect(flag.evidence.caseIds.length).toBeGreaterThan(0);
  });

  it.each(['os1-no', 'os2-no', 'os3-no', 'os4-a', 'os4-same', 'os5-no'])(
    'stays silent on the near miss %s',
    async (patientRef) => {
      expect(await rulesOf(patientRef)).toEqual([]);
    },
  );

  it('gives each flag its evidence: the window, the threshold and what was observed', async () => {
    const [os1] = await flags('?patientRef=os1-yes&rule=OS-1');
    expect(os1!.evidence).toMatchObject({
      threshold: 3,
      observed: 3,
      organisations: ['Acme Insurance', 'Smith LLP', 'patient:pt'],
      window: { from: day(0), to: day(20), days: 365 },
    });
    expect(os1!.raisedAt).toBe(day(20));
    const [os3] = await flags('?patientRef=os3-yes&rule=OS-3');
    // raisedAt is the end of the quiet period, not when the engine noticed.
    expect(os3!.raisedAt).toBe(day(210));
    expect(os3!.evidence).toMatchObject({
      readers: ['ext-1', 'ext-2', 'ext-3', 'ext-4'],
      threshold: 3,
      observed: 3,
    });
    const [os4] = await flags('?rule=OS-4');
    expect(os4!.evidence).toMatchObject({ patientRefs: ['os4-a', 'os4-b'] });
    const [os5] = await flags('?patientRef=os5-yes&rule=OS-5');
    expect(os5!.evidence).toMatchObject({ matchedBy: ['author', 'content'] });
    expect(os5!.evidence.readers).toContain('rad-os5');
  });

  it('pages through the flags with an opaque, URL-safe cursor, in raisedAt order', async () => {
    const all = await flags('?limit=500');
    expect(all.length).toBeGreaterThanOrEqual(5);
    const paged: Flag[] = [];
    let cursor: string | undefined;
    do {
      const response = await api.get<{ items: Flag[]; nextCursor?: string }>(
        `/api/v1/opinion-shopping/flags?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        ADMIN,
      );
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...response.body.items);
      cursor = response.body.nextCursor;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (cursor);
    expect(paged).toEqual(all);
    const times = all.map((flag) => flag.raisedAt);
    expect([...times].sort()).toEqual(times);
  });

  it('records a committee review as an event; the flag keeps every review and takes its status from the latest', async () => {
    const [flag] = await flags('?patientRef=os2-yes&rule=OS-2');
    expect(flag).toMatchObject({ status: 'open', reviews: [] });
    const path = `/api/v1/opinion-shopping/flags/${flag!.flagId}/review`;
    const first = await api.post(
      path,
      { disposition: 'needs-follow-up', note: 'Ask the requester why.' },
      QUALITY,
    );
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      flagId: flag!.flagId,
      disposition: 'needs-follow-up',
      status: 'needs-follow-up',
    });
    expect(first.headers.get('etag')).toBe('"0"');
    await caughtUp();
    // needs-follow-up keeps the flag in the queue.
    const followUp = expect.objectContaining({
      flagId: flag!.flagId,
      status: 'needs-follow-up',
      disposition: 'needs-follow-up',
    });
    expect(await flags(`?patientRef=os2-yes&status=reviewed`)).toEqual([followUp]);
    expect(await flags(`?patientRef=os2-yes&status=needs-follow-up`)).toEqual([followUp]);
    expect(await flags(`?patientRef=os2-yes&status=unresolved`)).toEqual([followUp]);
    expect(await flags(`?patientRef=os2-yes&status=open`)).toEqual([]);
    expect(await flags(`?patientRef=os2-yes&status=resolved`)).toEqual([]);

    const second = await api.post(
      path,
      { disposition: 'dismissed', note: 'Second opinions for a surgery decision.' },
      QUALITY_2,
      {
        'if-match': '"0"',
      },
    );
    expect(second.status).toBe(201);
    expect(second.body).toEqual({ flagId: flag!.flagId, disposition: 'dismissed', status: 'resolved' });
    expect(second.headers.get('etag')).toBe('"1"');
    const stale = await api.post(path, { disposition: 'confirmed', note: 'Late.' }, QUALITY, {
      'if-match': '"0"',
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'precondition-failed' });
    await caughtUp();
    const [reviewed] = await flags(`?patientRef=os2-yes&rule=OS-2`);
    expect(reviewed).toMatchObject({ status: 'resolved', disposition: 'dismissed' });
    // Every review, oldest first, with who wrote it, what it decided, why and when.
    expect(reviewed!.reviews).toEqual([
      {
        reviewedBy: 'qc-1',
        disposition: 'needs-follow-up',
        note: 'Ask the requester why.',
        reviewedAt: expect.any(String),
      },
      {
        reviewedBy: 'qc-2',
        disposition: 'dismissed',
        note: 'Second opinions for a surgery decision.',
        reviewedAt: expect.any(String),
      },
    ]);
    const [firstAt, secondAt] = reviewed!.reviews.map((review) => Date.parse(review.reviewedAt));
    expect(firstAt! <= secondAt!).toBe(true);
    expect(Date.now() - secondAt!).toBeLessThan(60_000);
    expect((await flags('?status=open')).map((open) => open.flagId)).not.toContain(flag!.flagId);
    expect((await flags('?status=unresolved')).map((open) => open.flagId)).not.toContain(flag!.flagId);
    expect(await flags(`?patientRef=os2-yes&status=resolved`)).toEqual([reviewed]);
    expect(await flags(`?patientRef=os2-yes&disposition=dismissed`)).toEqual([reviewed]);
    // The disposition filter reads the latest review only.
    expect(await flags(`?patientRef=os2-yes&disposition=needs-follow-up`)).toEqual([]);

    // A later needs-follow-up puts a resolved flag back in the queue.
    const again = await api.post(
      path,
      { disposition: 'needs-follow-up', note: 'New request came in.' },
      QUALITY,
    );
    expect(again.body).toMatchObject({ status: 'needs-follow-up' });
    await caughtUp();
    const [reopened] = await flags(`?patientRef=os2-yes&status=unresolved`);
    expect(reopened).toMatchObject({ flagId: flag!.flagId, status: 'needs-follow-up' });
    expect(reopened!.reviews.map((review) => review.disposition)).toEqual([
      'needs-follow-up',
      'dismissed',
      'needs-follow-up',
    ]);

    // Each review is an event of the flag's stream, in the audit trail like every other.
    await caughtUp('audit-trail');
    const trail = await api.get<{ items: Json[] }>(`/api/v1/audit-trail?type=ShoppingFlagReviewed`, QUALITY);
    expect(trail.body.items).toEqual([
      expect.objectContaining({
        actorId: 'qc-1',
        data: expect.objectContaining({
          flagId: flag!.flagId,
          disposition: 'needs-follow-up',
          reviewedBy: 'qc-1',
        }),
      }),
      expect.objectContaining({
        actorId: 'qc-2',
        data: expect.objectContaining({ disposition: 'dismissed', reviewedBy: 'qc-2' }),
      }),
      expect.objectContaining({
        actorId: 'qc-1',
        data: expect.objectContaining({ disposition: 'needs-follow-up' }),
      }),
    ]);
  });

  it('lists the cases behind a flag with their status, requester and dates', async () => {
    const [os1] = await flags('?patientRef=os1-yes&rule=OS-1');
    expect(os1!.cases.map((known) => known.caseId)).toEqual(os1!.evidence.caseIds);
    expect(os1!.cases).toEqual([
      expect.objectContaining({
        patientRef: 'os1-yes',
        status: 'requested',
        requester: { kind: 'insurer', id: 'ins-1', organisation: 'Acme Insurance' },
        requestedAt: day(0),
        studyDate: day(0).slice(0, 10),
      }),
      expect.objectContaining({
        status: 'requested',
        requester: { kind: 'legal-counsel', id: 'law-1', organisation: 'Smith LLP' },
        requestedAt: day(10),
      }),
      expect.objectContaining({
        status: 'requested',
        requester: { kind: 'patient', id: 'pt' },
        requestedAt: day(20),
      }),
    ]);
    expect(os1!.cases[0]).not.toHaveProperty('consensusAt');
    // OS-5: the case this engine read reached consensus; the flagged request did not.
    const [os5] = await flags('?patientRef=os5-yes&rule=OS-5');
    expect(os5!.cases).toEqual([
      expect.objectContaining({
        status: 'consensus',
        studyInstanceUid: '1.2.826.0.9.55',
        requestedAt: day(0),
        consensusAt: day(1),
        outcome: 'no-prior',
      }),
      expect.objectContaining({ status: 'requested', requestedAt: day(30) }),
    ]);
    // OS-4: the cases of both patients the study appeared under.
    const [os4] = await flags('?rule=OS-4');
    expect(os4!.cases.map((known) => known.patientRef)).toEqual(['os4-a', 'os4-b']);
  });

  it('replays a review sent again with the same Idempotency-Key, writing nothing', async () => {
    const [flag] = await flags('?patientRef=os4-b');
    const path = `/api/v1/opinion-shopping/flags/${flag!.flagId}/review`;
    const body = { disposition: 'confirmed', note: 'Same study, two identities.' };
    const first = await api.post(path, body, QUALITY, { 'idempotency-key': 'review-os4-1' });
    const again = await api.post(path, body, QUALITY, { 'idempotency-key': 'review-os4-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('etag')).toBe('"0"');
  });

  it('answers 404 for a flag that was never raised', async () => {
    for (const flagId of ['os1-00000000000000000000000000000000', 'not-a-flag']) {
      const response = await api.post(
        `/api/v1/opinion-shopping/flags/${flagId}/review`,
        { disposition: 'dismissed', note: 'No such flag.' },
        QUALITY,
      );
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'not-found' });
    }
  });

  it.each([
    ['no note', { disposition: 'dismissed' }, 'note'],
    ['a blank note', { disposition: 'dismissed', note: '   ' }, 'note'],
    ['a note over 4000 characters', { disposition: 'dismissed', note: 'x'.repeat(4001) }, 'note'],
    ['a control character in the note', { disposition: 'dismissed', note: 'a\u0000b' }, 'note'],
    ['an unknown disposition', { disposition: 'ignored', note: 'Hmm.' }, 'disposition'],
    ['an unknown field', { disposition: 'dismissed', note: 'Ok.', flagId: 'os1-x' }, 'flagId'],
    [
      'occurredAt from the committee',
      { disposition: 'dismissed', note: 'Ok.', occurredAt: day(0) },
      'occurredAt',
    ],
  ])('answers 400 for %s, before looking the flag up', async (_, body, field) => {
    const response = await api.post(
      '/api/v1/opinion-shopping/flags/os1-00000000000000000000000000000000/review',
      body,
      QUALITY,
      {},
      INVALID_ON_PURPOSE,
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ field })]),
    });
  });

  it('lets only the quality committee review, and Q and A list', async () => {
    const [flag] = await flags('?patientRef=os1-yes');
    const path = `/api/v1/opinion-shopping/flags/${flag!.flagId}/review`;
    const body = { disposition: 'dismissed', note: 'Not mine to decide.' };
    for (const who of [ADMIN, COORDINATOR, INTEGRATOR, MEDICO_LEGAL, radiologist('rad-os5')]) {
      const response = await api.post(path, body, who);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'forbidden' });
    }
    for (const who of [COORDINATOR, INTEGRATOR, MEDICO_LEGAL, radiologist('rad-os5')]) {
      expect((await api.get('/api/v1/opinion-shopping/flags', who)).status).toBe(403);
    }
    expect((await api.get('/api/v1/opinion-shopping/flags', ADMIN)).status).toBe(200);
  });

  it.each([
    ['status=closed', 'status'],
    ['disposition=ignored', 'disposition'],
    ['rule=OS-9', 'rule'],
    ['patientRef=has%20space', 'patientRef'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['cursor=not-one', 'cursor'],
    ['sort=raisedAt', 'sort'],
  ])('answers 400 for the list query %s', async (query, field) => {
    const response = await api.get<Json>(
      `/api/v1/opinion-shopping/flags?${query}`,
      QUALITY,
      {},
      INVALID_ON_PURPOSE,
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ field })],
    });
  });

  it('raises OS-3 from the timer once a quiet period ends with no event, with raisedAt at its end', async () => {
    // The favourable answer came 80 days ago: its quiet period ends in 10 days.
    const answered = Date.now() - 80 * DAY;
    for (const [offset, author] of [
      [-120, 'ext-1'],
      [-80, 'ext-2'],
      [-40, 'ext-3'],
    ] as const) {
      await request('os3-timer', new Date(answered + offset * DAY).toISOString(), {
        priorReport: report(author, 'absent'),
      });
    }
    await request('os3-timer', new Date(answered).toISOString(), { priorReport: report('ext-4', 'present') });
    await caughtUp();
    const timer = running.app.get(OpinionShoppingTimer);
    const end = answered + 90 * DAY;
    expect(await timer.reevaluateDue(new Date(end - 1000))).toBe(0);
    expect(await rulesOf('os3-timer')).toEqual([]);
    // Ten days on, with no event since: only the timer can notice that the quiet period ended.
    await caughtUp();
    expect(await timer.reevaluateDue(new Date(end + 60_000))).toBe(1);
    const [flag] = await flags('?patientRef=os3-timer');
    expect(flag).toMatchObject({ rule: 'OS-3', raisedAt: new Date(end).toISOString() });
    expect(await timer.reevaluateDue(new Date(end + 120_000))).toBe(0);
  });

  it('gives a generation made before the review log existed that log at start, and keeps serving', async () => {
    const client = new pg.Client({ connectionString: running.database.url });
    await client.connect();
    try {
      await caughtUp();
      const { schema } = (await activeGeneration(client, 'opinion-shopping'))!;
      const [reviewedBefore] = await flags('?patientRef=os2-yes&rule=OS-2');
      expect(reviewedBefore!.reviews.length).toBeGreaterThan(0);
      // What an older engine's generation looks like: the latest review only, no log.
      await client.query(`DROP TABLE "${schema}".flag_review_log`);
      await running.app.get(OpinionShoppingUpgrade).onApplicationBootstrap();
      const [upgraded] = await flags('?patientRef=os2-yes&rule=OS-2');
      expect(upgraded).toMatchObject({ status: reviewedBefore!.status, reviews: [] });
      // A rebuild fills the log in from the flag streams.
      await running.app.get(ProjectionRunner).rebuild('opinion-shopping');
      await caughtUp();
      const [rebuilt] = await flags('?patientRef=os2-yes&rule=OS-2');
      expect(rebuilt!.reviews).toEqual(reviewedBefore!.reviews);
    } finally {
      await client.end();
    }
  });
});
