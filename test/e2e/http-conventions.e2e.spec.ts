import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { type RunningApp, startTestApp } from '../support/app.js';
import {
  type ApiResponse,
  type Caller,
  ApiClient,
  COORDINATOR,
  INTEGRATOR,
  QUALITY,
  radiologist,
  secondOpinionRequest,
} from '../support/api.js';
import { caseSteps } from '../support/case-steps.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';
import { waitFor } from '../support/wait-for.js';

type Json = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOUR = 3_600_000;
/** Waits until the clock shows a later millisecond than `time`, so that a point in time falls between two appends. */
const clockPasses = (time: string): Promise<boolean> =>
  waitFor(`the clock to pass ${time}`, () => Date.now() > Date.parse(time));

/** Every command path of api.md ("Commands"), in OpenAPI's notation. */
const CASE_COMMAND_PATHS = [
  '/api/v1/cases',
  '/api/v1/cases/{caseId}/assignments',
  '/api/v1/cases/{caseId}/assignments/{assignmentId}/unassignment',
  '/api/v1/cases/{caseId}/reads',
  '/api/v1/cases/{caseId}/opinions',
  '/api/v1/cases/{caseId}/prior-report-reviews',
  '/api/v1/cases/{caseId}/adjudication',
  '/api/v1/cases/{caseId}/escalations',
  '/api/v1/cases/{caseId}/closure',
  '/api/v1/cases/{caseId}/reopening',
  '/api/v1/cases/{caseId}/withdrawal',
  '/api/v1/cases/{caseId}/opinions/{opinionId}/addenda',
  '/api/v1/cases/{caseId}/reference-standard',
];
const OTHER_COMMAND_PATHS = [
  '/api/v1/opinion-shopping/flags/{flagId}/review',
  '/api/v1/projections/{name}/rebuild',
];

describe('HTTP conventions (ETag, If-Match, Idempotency-Key, correlation, acting for, history, OpenAPI)', () => {
  let running: RunningApp;
  let api: ApiClient;
  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => {
    await running.close();
  });

  const { requestCase, assign, startRead, history } = caseSteps(() => api);

  async function etagOf(caseId: string): Promise<string | null> {
    const response = await api.get(`/api/v1/cases/${caseId}`, COORDINATOR);
    expect(response.status).toBe(200);
    return response.headers.get('etag');
  }

  /** A command answer: 201, ETag is the quoted revision of the body, and GET answers with the same ETag. */
  async function expectCommand(caseId: string, response: ApiResponse): Promise<Json> {
    expect({ status: response.status, body: response.body }).toEqual({
      status: 201,
      body: expect.anything(),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(typeof response.body.revision).toBe('number');
    expect(response.headers.get('etag')).toBe(`"${response.body.revision as number}"`);
    expect(await etagOf(caseId)).toBe(response.headers.get('etag'));
    return response.body;
  }

  describe('ETag and If-Match', () => {
    it('every command response carries ETag: "<revision after the append>", and GET case carries the current one', async () => {
      const created = await api.post('/api/v1/cases', secondOpinionRequest(), COORDINATOR);
      const caseId = created.body.caseId as string;
      expect((await expectCommand(caseId, created)).revision).toBe(0);
      const post = async (path: string, body: Json, as: Caller = COORDINATOR) =>
        expectCommand(caseId, await api.post(`/api/v1/cases/${caseId}${path}`, body, as));

      const a = (await post('/assignments', { readerId: 'rad-a', role: 'primary' })).assignmentId as string;
      expect(await etagOf(caseId)).toBe('"1"');
      const b = (await post('/assignments', { readerId: 'rad-b', role: 'primary' })).assignmentId as string;
      expect((await post(`/assignments/${b}/unassignment`, { reason: 'On leave' })).revision).toBe(3);
      const c = (await post('/assignments', { readerId: 'rad-c', role: 'primary' })).assignmentId as string;
      await post('/reads', { assignmentId: a }, radiologist('rad-a'));
      await post('/reads', { assignmentId: c }, radiologist('rad-c'));
      const opinionA = await post(
        '/opinions',
        {
          assignmentId: a,
          findings: [{ code: 'fracture', presence: 'present' }],
          impression: 'Fracture.',
          confidence: 4,
        },
        radiologist('rad-a'),
      );
      await post(
        `/opinions/${opinionA.opinionId as string}/addenda`,
        { text: 'Also on the lateral view.', reason: 'Reviewed more views' },
        radiologist('rad-a'),
      );
      await post(
        '/opinions',
        {
          assignmentId: c,
          findings: [{ code: 'fracture', presence: 'absent' }],
          impression: 'No fracture.',
          confidence: 3,
        },
        radiologist('rad-c'),
      );
      await post('/prior-report-reviews', { assignmentId: a, score: '3b' }, radiologist('rad-a'));
      const review = await post(
        '/prior-report-reviews',
        { assignmentId: c, score: '1' },
        radiologist('rad-c'),
      );
      // The review, the discordance and the escalation are one append: the ETag names its last event.
      expect(review.status).toBe('awaiting-adjudication');
      expect(review.revision).toBe(13);
      const adj = (await post('/assignments', { readerId: 'rad-adj', role: 'adjudicator' }))
        .assignmentId as string;
      await post('/reads', { assignmentId: adj }, radiologist('rad-adj'));
      const decided = await post(
        '/adjudication',
        { assignmentId: adj, selectedOpinionId: opinionA.opinionId, rationale: 'Cortical break visible.' },
        radiologist('rad-adj'),
      );
      expect(decided.status).toBe('consensus');
      expect((await post('/closure', { note: 'Reported to the requester.' })).outcome).toBe('overturned');
      expect((await post('/reopening', { reason: 'New clinical information' }, QUALITY)).round).toBe(2);
      await post('/reference-standard', {
        source: 'follow-up-imaging',
        findings: [{ code: 'fracture', presence: 'present' }],
      });
      await post('/assignments', { readerId: 'rad-d', role: 'primary' });
      expect(
        (await post('/escalations', { level: 'adjudication', reason: 'quality-review' }, QUALITY)).status,
      ).toBe('awaiting-adjudication');
      const withdrawn = await post('/withdrawal', { reason: 'Requester withdrew' });

      const full = await history(caseId);
      expect(full.events.at(-1)!.revision).toBe(withdrawn.revision);
      expect(full.events.map((event) => event.revision)).toEqual(full.events.map((_, index) => index));
    });

    it('If-Match with the current revision succeeds, and the next command must name the new one', async () => {
      const caseId = await requestCase();
      const path = `/api/v1/cases/${caseId}/assignments`;
      const first = await api.post(path, { readerId: 'rad-a', role: 'primary' }, COORDINATOR, {
        'if-match': '"0"',
      });
      expect((await expectCommand(caseId, first)).revision).toBe(1);
      const stale = await api.post(path, { readerId: 'rad-b', role: 'primary' }, COORDINATOR, {
        'if-match': '"0"',
      });
      expect(stale.status).toBe(412);
      const current = await api.post(path, { readerId: 'rad-b', role: 'primary' }, COORDINATOR, {
        'if-match': first.headers.get('etag')!,
      });
      expect((await expectCommand(caseId, current)).revision).toBe(2);
    });

    it('two commands with the same If-Match racing: exactly one is applied, the other gets 412', async () => {
      const caseId = await requestCase();
      const responses = await Promise.all(
        ['rad-a', 'rad-b'].map((readerId) =>
          api.post(`/api/v1/cases/${caseId}/assignments`, { readerId, role: 'primary' }, COORDINATOR, {
            'if-match': '"0"',
          }),
        ),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 412]);
      expect(responses.find((response) => response.status === 412)!.body.code).toBe('precondition-failed');
      expect(await etagOf(caseId)).toBe('"1"');
    });
  });

  describe('Idempotency-Key', () => {
    it('a replay returns the first response byte for byte, with Idempotent-Replayed: true, and writes nothing', async () => {
      const key = `req-${randomUUID()}`;
      const body = secondOpinionRequest({ patientRef: 'pt-idem-1' });
      const first = await api.post('/api/v1/cases', body, INTEGRATOR, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const caseId = first.body.caseId as string;
      const before = await history(caseId);

      // The same body, with its keys in another order, is the same request.
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      for (const again of [body, reordered]) {
        const replay = await api.post('/api/v1/cases', again, INTEGRATOR, { 'idempotency-key': key });
        expect(replay.status).toBe(201);
        expect(replay.text).toBe(first.text);
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
        expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
        expect(replay.headers.get('location')).toBe(first.headers.get('location'));
        expect(replay.headers.get('content-type')).toBe(first.headers.get('content-type'));
      }
      const after = await history(caseId);
      expect(after.events).toHaveLength(before.events.length);
      expect(await etagOf(caseId)).toBe('"0"');
    });

    it('a replay of a command on an existing case writes nothing, even after the case moved on', async () => {
      const caseId = await requestCase();
      const key = `assign-${randomUUID()}`;
      const path = `/api/v1/cases/${caseId}/assignments`;
      const first = await api.post(path, { readerId: 'rad-a', role: 'primary' }, COORDINATOR, {
        'idempotency-key': key,
      });
      expect(first.status).toBe(201);
      await assign(caseId, 'rad-b');
      const before = await history(caseId);
      const replay = await api.post(path, { readerId: 'rad-a', role: 'primary' }, COORDINATOR, {
        'idempotency-key': key,
      });
      expect(replay.status).toBe(201);
      expect(replay.text).toBe(first.text);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.headers.get('etag')).toBe('"1"');
      expect((await history(caseId)).events).toHaveLength(before.events.length);
      expect(await etagOf(caseId)).toBe('"2"');
    });

    it('the same key with another body → 422 idempotency-key-reuse, nothing written', async () => {
      const key = `req-${randomUUID()}`;
      const first = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ patientRef: 'pt-a' }),
        COORDINATOR,
        {
          'idempotency-key': key,
        },
      );
      expect(first.status).toBe(201);
      const reuse = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ patientRef: 'pt-b' }),
        COORDINATOR,
        {
          'idempotency-key': key,
        },
      );
      expect(reuse.status).toBe(422);
      expect(reuse.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reuse.body).toMatchObject({
        status: 422,
        code: 'idempotency-key-reuse',
        instance: '/api/v1/cases',
      });
      expect(reuse.headers.get('idempotent-replayed')).toBeNull();
      expect(await etagOf(first.body.caseId as string)).toBe('"0"');
    });

    it('keys are scoped to the caller: the same key from another sub is a new command', async () => {
      const key = `shared-${randomUUID()}`;
      const body = secondOpinionRequest({ patientRef: 'pt-scope' });
      const mine = await api.post('/api/v1/cases', body, COORDINATOR, { 'idempotency-key': key });
      const theirs = await api.post('/api/v1/cases', body, INTEGRATOR, { 'idempotency-key': key });
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.headers.get('idempotent-replayed')).toBeNull();
      expect(theirs.body.caseId).not.toBe(mine.body.caseId);
      const otherCoordinator = { ...COORDINATOR, sub: 'coord-2' };
      const third = await api.post('/api/v1/cases', body, otherCoordinator, { 'idempotency-key': key });
      expect(third.status).toBe(201);
      expect(new Set([mine.body.caseId, theirs.body.caseId, third.body.caseId]).size).toBe(3);
      for (const caseId of [mine.body.caseId, theirs.body.caseId, third.body.caseId]) {
        expect(await etagOf(caseId as string)).toBe('"0"');
      }
    });

    it('without a key, the same request twice is two commands', async () => {
      const body = secondOpinionRequest({ patientRef: 'pt-twice' });
      const first = await api.post('/api/v1/cases', body, COORDINATOR);
      const second = await api.post('/api/v1/cases', body, COORDINATOR);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.caseId).not.toBe(first.body.caseId);

      const caseId = first.body.caseId as string;
      const standard = { source: 'pathology', findings: [{ code: 'fracture', presence: 'present' }] };
      const one = await api.post(`/api/v1/cases/${caseId}/reference-standard`, standard, QUALITY);
      const two = await api.post(`/api/v1/cases/${caseId}/reference-standard`, standard, QUALITY);
      expect([one.body.revision, two.body.revision]).toEqual([1, 2]);
      const types = (await history(caseId)).events.map((event) => event.type);
      expect(types.filter((type) => type === 'ReferenceStandardRecorded')).toHaveLength(2);
    });

    it('concurrent requests with one key: one command, every answer the same or a retryable in-progress', async () => {
      const key = `race-${randomUUID()}`;
      const body = secondOpinionRequest({ patientRef: 'pt-race' });
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          api.post('/api/v1/cases', body, INTEGRATOR, { 'idempotency-key': key }),
        ),
      );
      for (const response of responses) expect(response.status).toBeLessThan(500);
      const created = responses.filter((response) => response.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((response) => response.text)).size).toBe(1);
      for (const response of responses.filter((candidate) => candidate.status !== 201)) {
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('idempotency-in-progress');
      }
      expect((await history(created[0]!.body.caseId as string)).events).toHaveLength(1);
    });
  });

  describe('X-Correlation-Id', () => {
    it('is accepted, echoed and stored as correlationId', async () => {
      const correlationId = `corr-${randomUUID()}`;
      const created = await api.post('/api/v1/cases', secondOpinionRequest(), COORDINATOR, {
        'x-correlation-id': correlationId,
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('x-correlation-id')).toBe(correlationId);
      const caseId = created.body.caseId as string;
      const assigned = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-a', role: 'primary' },
        COORDINATOR,
        { 'x-correlation-id': 'batch-42:step.2' },
      );
      expect(assigned.headers.get('x-correlation-id')).toBe('batch-42:step.2');
      const { events } = await history(caseId);
      expect(events.map((event) => event.metadata.correlationId)).toEqual([correlationId, 'batch-42:step.2']);
      // Errors echo it too.
      const refused = await api.post(`/api/v1/cases/${caseId}/closure`, {}, COORDINATOR, {
        'x-correlation-id': 'corr-refused',
      });
      expect(refused.status).toBe(422);
      expect(refused.headers.get('x-correlation-id')).toBe('corr-refused');
    });

    it('is generated when absent (or unusable), and the generated one is the one stored', async () => {
      const created = await api.post('/api/v1/cases', secondOpinionRequest(), COORDINATOR);
      const generated = created.headers.get('x-correlation-id');
      expect(generated).toMatch(UUID);
      const caseId = created.body.caseId as string;
      const unusable = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-a', role: 'primary' },
        COORDINATOR,
        { 'x-correlation-id': 'has spaces and ünïcode' },
      );
      const replaced = unusable.headers.get('x-correlation-id');
      expect(replaced).toMatch(UUID);
      expect(replaced).not.toBe(generated);
      const { events } = await history(caseId);
      expect(events.map((event) => event.metadata.correlationId)).toEqual([generated, replaced]);
      // Queries and public routes carry one as well.
      expect((await fetch(`${running.baseUrl}/health`)).headers.get('x-correlation-id')).toMatch(UUID);
    });
  });

  describe('Location, occurredAt and acting for a person', () => {
    it('Location names the new case', async () => {
      const caseId = randomUUID();
      const created = await api.post('/api/v1/cases', secondOpinionRequest({ caseId }), COORDINATOR);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ caseId, revision: 0 });
      expect(created.headers.get('location')).toBe(`/api/v1/cases/${caseId}`);
      const located = await api.get(created.headers.get('location')!, COORDINATOR);
      expect(located.status).toBe(200);
      expect(located.body).toMatchObject({ caseId, status: 'requested' });
      // A generated id too.
      const generated = await api.post('/api/v1/cases', secondOpinionRequest(), COORDINATOR);
      expect(generated.body.caseId).toMatch(UUID);
      expect(generated.headers.get('location')).toBe(`/api/v1/cases/${generated.body.caseId as string}`);
    });

    it('occurredAt from an integrator is the event’s occurredAt; over an hour in the past, dueAt is null', async () => {
      const occurredAt = new Date(Date.now() - 3 * 24 * HOUR);
      occurredAt.setUTCMilliseconds(0);
      const caseId = await requestCase(
        { occurredAt: occurredAt.toISOString().replace('.000Z', 'Z') },
        INTEGRATOR,
      );
      const assignedAt = new Date(Date.now() - 2 * 24 * HOUR).toISOString();
      const assigned = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-a', role: 'primary', occurredAt: assignedAt },
        INTEGRATOR,
      );
      expect(assigned.status).toBe(201);
      const { events, state } = await history(caseId);
      expect(events[0]!.occurredAt).toBe(occurredAt.toISOString());
      expect(events[0]!.metadata.occurredAt).toBe(occurredAt.toISOString());
      expect(events[0]!.data.dueAt).toBeNull();
      expect(events[1]!.occurredAt).toBe(assignedAt);
      // recordedAt is when the engine learned it: now.
      expect(Math.abs(Date.parse(events[0]!.recordedAt) - Date.now())).toBeLessThan(60_000);
      expect(state).toMatchObject({ dueAt: null });
      const view = await api.get(`/api/v1/cases/${caseId}`, COORDINATOR);
      expect(view.body.dueAt).toBeNull();
    });

    it('occurredAt less than an hour in the past keeps the SLA, counted from occurredAt', async () => {
      const occurredAt = new Date(Date.now() - 30 * 60_000).toISOString();
      const caseId = await requestCase({ occurredAt, priority: 'stat' }, INTEGRATOR);
      const { events } = await history(caseId);
      expect(events[0]!.occurredAt).toBe(occurredAt);
      expect(events[0]!.data.dueAt).toBe(new Date(Date.parse(occurredAt) + 4 * HOUR).toISOString());
      // Without occurredAt, the server's time.
      const now = Date.now();
      const live = await requestCase({ priority: 'urgent' }, INTEGRATOR);
      const [request] = (await history(live)).events;
      expect(Math.abs(Date.parse(request!.occurredAt) - now)).toBeLessThan(60_000);
      expect(Date.parse(request!.data.dueAt as string) - Date.parse(request!.occurredAt)).toBe(24 * HOUR);
    });

    it('X-On-Behalf-Of: the actor is the integrator, onBehalfOf the person, the signature the person’s', async () => {
      const caseId = await requestCase({}, INTEGRATOR);
      const a = await assign(caseId, 'rad-a');
      const behalf = { 'x-on-behalf-of': 'rad-a', 'x-on-behalf-of-name': 'Dr Alice Example' };
      const read = await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: a }, INTEGRATOR, behalf);
      expect(read.status).toBe(201);
      expect(read.body.shown).toEqual(['images', 'clinical-question']);
      const before = Date.now();
      const submitted = await api.post(
        `/api/v1/cases/${caseId}/opinions`,
        {
          assignmentId: a,
          findings: [{ code: 'fracture', presence: 'present' }],
          impression: 'Fracture.',
          confidence: 5,
        },
        INTEGRATOR,
        behalf,
      );
      expect(submitted.status).toBe(201);
      const { events } = await history(caseId);
      const started = events.find((event) => event.type === 'ReadStarted')!;
      const opinion = events.find((event) => event.type === 'OpinionSubmitted')!;
      for (const event of [started, opinion]) {
        expect(event.metadata.actor).toEqual({ id: INTEGRATOR.sub, role: 'integrator', onBehalfOf: 'rad-a' });
      }
      expect(opinion.data).toMatchObject({ readerId: 'rad-a', opinionId: submitted.body.opinionId });
      const signature = opinion.data.signature as { signerName: string; meaning: string; signedAt: string };
      // The integrator that submitted it is recorded as the signer's agent (21 CFR 11.200).
      expect(signature).toEqual({
        signerName: 'Dr Alice Example',
        meaning: 'authorship',
        signedAt: expect.any(String),
        agent: { id: INTEGRATOR.sub, name: INTEGRATOR.name },
      });
      expect(Date.parse(signature.signedAt)).toBeGreaterThanOrEqual(before - 5_000);
      expect(Date.parse(signature.signedAt)).toBeLessThanOrEqual(Date.now() + 5_000);

      // Without a name the signature carries the reader id; an addendum by the same integrator for rad-a.
      const addendum = await api.post(
        `/api/v1/cases/${caseId}/opinions/${submitted.body.opinionId as string}/addenda`,
        { text: 'Addendum for rad-a.', reason: 'More views' },
        INTEGRATOR,
        { 'x-on-behalf-of': 'rad-a' },
      );
      expect(addendum.status).toBe(201);
      const appended = (await history(caseId)).events.find((event) => event.type === 'AddendumAppended')!;
      expect(appended.metadata.actor).toEqual({
        id: INTEGRATOR.sub,
        role: 'integrator',
        onBehalfOf: 'rad-a',
      });
      expect(appended.data.signature).toMatchObject({ signerName: 'rad-a', meaning: 'authorship' });
    });

    it('without X-On-Behalf-Of an integrator acts for the assignment’s reader: the signature is the reader id', async () => {
      const caseId = await requestCase({}, INTEGRATOR);
      const b = await assign(caseId, 'rad-b');
      expect((await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: b }, INTEGRATOR)).status).toBe(
        201,
      );
      const submitted = await api.post(
        `/api/v1/cases/${caseId}/opinions`,
        {
          assignmentId: b,
          findings: [{ code: 'fracture', presence: 'absent' }],
          impression: 'Normal.',
          confidence: 3,
        },
        INTEGRATOR,
      );
      expect(submitted.status).toBe(201);
      const opinion = (await history(caseId)).events.find((event) => event.type === 'OpinionSubmitted')!;
      // api.md: the assignment's reader is the person acted for by default, and the event records it.
      expect(opinion.metadata.actor).toEqual({ id: INTEGRATOR.sub, role: 'integrator', onBehalfOf: 'rad-b' });
      expect(opinion.data).toMatchObject({
        readerId: 'rad-b',
        signature: { signerName: 'rad-b', meaning: 'authorship', signedAt: expect.any(String) },
      });
    });
  });

  describe('history: ?revision=, ?asOf=, ?asOccurredBy=', () => {
    it('folds the stream up to a revision (inclusive), with a verified hash chain', async () => {
      const caseId = await requestCase();
      const a = await assign(caseId, 'rad-a');
      await startRead(caseId, a, 'rad-a');
      expect(
        (await api.post(`/api/v1/cases/${caseId}/withdrawal`, { reason: 'Requester withdrew' }, COORDINATOR))
          .status,
      ).toBe(201);

      const latest = await history(caseId);
      // The withdrawal ends rad-a's unsubmitted read with its own event (AssignmentEnded).
      expect(latest.revision).toBe(4);
      expect(latest.state).toMatchObject({ status: 'withdrawn' });
      expect(latest.events.map((event) => event.type)).toEqual([
        'SecondOpinionRequested',
        'ReaderAssigned',
        'ReadStarted',
        'CaseWithdrawn',
        'AssignmentEnded',
      ]);
      for (const event of latest.events) {
        expect(event).toEqual({
          eventId: expect.stringMatching(UUID),
          type: expect.any(String),
          revision: expect.any(Number),
          data: expect.any(Object),
          metadata: expect.objectContaining({
            actor: expect.any(Object),
            occurredAt: expect.any(String),
            correlationId: expect.any(String),
            causationId: expect.any(String),
            schemaVersion: expect.any(Number),
            prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          }),
          occurredAt: expect.any(String),
          recordedAt: expect.any(String),
        });
      }
      expect(latest.events[0]!.metadata.prevHash).toBe('0'.repeat(64));
      expect(latest.events[1]!.metadata.prevHash).toBe(latest.events[0]!.metadata.hash);

      const expected = ['requested', 'in-review', 'in-review', 'withdrawn', 'withdrawn'];
      for (const [revision, status] of expected.entries()) {
        const at = await history(caseId, `?revision=${revision}`);
        expect(at.revision).toBe(revision);
        expect(at.events).toHaveLength(revision + 1);
        expect(at.events.map((event) => event.eventId)).toEqual(
          latest.events.slice(0, revision + 1).map((event) => event.eventId),
        );
        expect(at.state).toMatchObject({ caseId, status });
      }
      const atOne = await history(caseId, '?revision=1');
      expect((atOne.state as { assignments: Json[] }).assignments).toEqual([
        expect.objectContaining({ assignmentId: a, readerId: 'rad-a', readStarted: false }),
      ]);
    });

    it('?asOf= replays what the record said at a time (recordedAt ≤ T)', async () => {
      const beforeCase = new Date().toISOString();
      await clockPasses(beforeCase);
      const caseId = await requestCase();
      await clockPasses((await history(caseId)).events[0]!.recordedAt);
      const afterRequest = new Date().toISOString();
      await clockPasses(afterRequest);
      await assign(caseId, 'rad-a');
      await clockPasses((await history(caseId)).events[1]!.recordedAt);
      const afterAssign = new Date().toISOString();

      // Before the case existed there is no case to replay (docs/api.md "Dates").
      const before = await api.get(
        `/api/v1/cases/${caseId}/history?asOf=${encodeURIComponent(beforeCase)}`,
        QUALITY,
      );
      expect(before.status).toBe(404);
      expect(before.body).toMatchObject({ status: 404, code: 'before-case-existed' });
      const requested = await history(caseId, `?asOf=${encodeURIComponent(afterRequest)}`);
      expect(requested.revision).toBe(0);
      expect(requested.state).toMatchObject({ status: 'requested', assignments: [] });
      const assigned = await history(caseId, `?asOf=${encodeURIComponent(afterAssign)}`);
      expect(assigned.revision).toBe(1);
      expect(assigned.state).toMatchObject({ status: 'in-review' });
    });

    it('?asOccurredBy= replays what had happened by a time (occurredAt ≤ T), beside asOf for imported history', async () => {
      const requestedAt = new Date(Date.now() - 3 * 24 * HOUR).toISOString();
      const assignedAt = new Date(Date.now() - 2 * 24 * HOUR).toISOString();
      const between = new Date(Date.now() - 2.5 * 24 * HOUR).toISOString();
      const caseId = await requestCase({ occurredAt: requestedAt }, INTEGRATOR);
      const assigned = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-a', role: 'primary', occurredAt: assignedAt },
        INTEGRATOR,
      );
      expect(assigned.status).toBe(201);

      const occurred = await history(caseId, `?asOccurredBy=${encodeURIComponent(between)}`);
      expect(occurred.revision).toBe(0);
      expect(occurred.events.map((event) => event.type)).toEqual(['SecondOpinionRequested']);
      expect(occurred.state).toMatchObject({ status: 'requested' });
      const both = await history(caseId, `?asOccurredBy=${encodeURIComponent(new Date().toISOString())}`);
      expect(both.revision).toBe(1);
      expect(both.state).toMatchObject({ status: 'in-review' });
      // The record learned of both only now: as of that earlier time the case did not exist yet.
      const recorded = await api.get(
        `/api/v1/cases/${caseId}/history?asOf=${encodeURIComponent(between)}`,
        QUALITY,
      );
      expect(recorded.status).toBe(404);
      expect(recorded.body).toMatchObject({ status: 404, code: 'before-case-existed' });
    });

    it('refuses an unusable point with a 400 problem', async () => {
      const caseId = await requestCase();
      for (const query of [
        '?revision=-1',
        '?revision=abc',
        '?asOf=yesterday',
        '?revision=0&asOf=2026-01-01T00:00:00Z',
        '?at=1',
      ]) {
        const response = await api.get(
          `/api/v1/cases/${caseId}/history${query}`,
          QUALITY,
          {},
          INVALID_ON_PURPOSE,
        );
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 400, code: 'validation-failed' });
      }
    });
  });

  describe('problem+json on unknown routes', () => {
    it('an unknown route is a problem+json 404, never HTML', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/nothing-here'],
        ['POST', '/api/v1/cases/00000000-0000-4000-8000-000000000000/teleportation'],
        // (DELETE on a known path is a 405 with Allow: http-conventions-negotiation.e2e.spec.ts.)
        ['GET', '/api/v2/cases'],
      ] as const) {
        const response = await api.request(method, path, { as: COORDINATOR, invalidOnPurpose: true });
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toEqual(
          expect.objectContaining({
            type: '/problems/not-found',
            title: 'Not found',
            status: 404,
            detail: expect.any(String),
            instance: path,
            code: 'not-found',
          }),
        );
      }
    });
  });

  describe('OpenAPI', () => {
    async function document(): Promise<{
      paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
    }> {
      const response = await fetch(`${running.baseUrl}/openapi.json`);
      expect(response.status).toBe(200);
      return (await response.json()) as {
        paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
      };
    }

    function problemSchemaOf(response: Json): unknown {
      const content = (response.content ?? {}) as Record<string, { schema?: { $ref?: string } }>;
      const media = content['application/problem+json'] ?? content['application/json'];
      return media?.schema?.$ref;
    }

    it('lists every case command path of api.md, describing its error responses with the problem schema', async () => {
      const { paths } = await document();
      for (const path of CASE_COMMAND_PATHS) {
        const post = paths[path]?.post;
        expect({ path, documented: post !== undefined }).toEqual({ path, documented: true });
        const statuses = Object.keys(post!.responses);
        expect(statuses).toEqual(
          expect.arrayContaining(['201', '400', '401', '403', '404', '409', '412', '413', '415', '422']),
        );
        for (const status of statuses.filter((code) => code.startsWith('4') || code.startsWith('5'))) {
          expect({ path, status, schema: problemSchemaOf(post!.responses[status]!) }).toEqual({
            path,
            status,
            schema: '#/components/schemas/ProblemDto',
          });
        }
      }
    });

    it('lists the other command paths of api.md (flag review, projection rebuild)', async () => {
      const { paths } = await document();
      for (const path of OTHER_COMMAND_PATHS) {
        expect({ path, documented: paths[path]?.post !== undefined }).toEqual({ path, documented: true });
      }
    });

    it('describes the error responses of queries with the problem schema too', async () => {
      const { paths } = await document();
      for (const path of ['/api/v1/cases/{caseId}', '/api/v1/cases/{caseId}/history']) {
        const get = paths[path]?.get;
        expect({ path, documented: get !== undefined }).toEqual({ path, documented: true });
        const errors = Object.keys(get!.responses).filter((code) => code.startsWith('4'));
        expect(errors).toEqual(expect.arrayContaining(['401', '403', '404']));
        for (const status of errors)
          expect(problemSchemaOf(get!.responses[status]!)).toBe('#/components/schemas/ProblemDto');
      }
    });
  });

  describe('concurrency', () => {
    it('12 concurrent opinions on one assignment: exactly one 201, the others 422 already-submitted or 409, none 5xx', async () => {
      const caseId = await requestCase();
      const a = await assign(caseId, 'rad-a');
      await assign(caseId, 'rad-b');
      await startRead(caseId, a, 'rad-a');
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          api.post(
            `/api/v1/cases/${caseId}/opinions`,
            {
              assignmentId: a,
              findings: [{ code: 'fracture', presence: index % 2 === 0 ? 'present' : 'absent' }],
              impression: `Opinion attempt ${index}`,
              confidence: 1 + (index % 5),
            },
            radiologist('rad-a'),
          ),
        ),
      );
      for (const response of responses) expect(response.status).toBeLessThan(500);
      const created = responses.filter((response) => response.status === 201);
      expect(created).toHaveLength(1);
      for (const response of responses.filter((candidate) => candidate.status !== 201)) {
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect([
          { status: 422, code: 'already-submitted' },
          { status: 409, code: 'concurrency-conflict' },
        ]).toContainEqual({ status: response.status, code: response.body.code });
      }
      const { events } = await history(caseId);
      const opinions = events.filter((event) => event.type === 'OpinionSubmitted');
      expect(opinions).toHaveLength(1);
      expect(opinions[0]!.data.opinionId).toBe(created[0]!.body.opinionId);
      expect(await etagOf(caseId)).toBe(created[0]!.headers.get('etag'));
    });
  });
});
