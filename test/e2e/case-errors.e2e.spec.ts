import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { CaseAggregate } from '../../src/application/case/case.aggregate.js';
import { CaseCommands } from '../../src/application/case/case-commands.service.js';
import { CommandPath } from '../../src/application/command-path/command-path.js';
import { systemClock } from '../../src/application/ports/clock.port.js';
import { defaultCasePolicy } from '../../src/domain/case/case.policy.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { type RunningApp, TEST_JWT_SECRET, startTestApp, tokenFor } from '../support/app.js';
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
import { FRACTURE_PRESENT, caseSteps, opinionBody } from '../support/case-steps.js';
import { expectProblem, fieldsOf } from '../support/problem.js';
import {
  INVALID_ON_PURPOSE,
  checkAgainstDocument,
  type ValidationOptions,
} from '../support/openapi-validation.js';

type Json = Record<string, unknown>;

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('case API errors (HTTP, problem+json)', () => {
  let running: RunningApp;
  let api: ApiClient;
  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => {
    await running.close();
  });

  /**
   * A request with any body bytes and headers (the ApiClient sends JSON text only), checked against
   * the OpenAPI document as the ApiClient's are.
   */
  async function send(
    method: string,
    path: string,
    options: {
      as?: Caller;
      token?: string;
      body?: string | Uint8Array;
      headers?: Record<string, string>;
    } & ValidationOptions = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const token =
      options.token ?? (options.as ? await api.token(options.as.sub, options.as.roles) : undefined);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${running.baseUrl}${path}`, { method, headers, body: options.body });
    const text = await response.text();
    const sent =
      typeof options.body === 'string'
        ? options.body
        : options.body && new TextDecoder().decode(options.body);
    await checkAgainstDocument(
      running.baseUrl,
      {
        method,
        path,
        headers,
        body: sent,
        status: response.status,
        responseHeaders: response.headers,
        responseText: text,
      },
      { invalidOnPurpose: options.invalidOnPurpose },
    );
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body: body as Json, text };
  }

  const jsonHeaders = { 'content-type': 'application/json' };

  const { requestCase, assign, startRead, submitOpinion, caseWithStartedRead } = caseSteps(() => api);

  /** The case's ETag and event count, as a coordinator and the record see them. */
  async function snapshot(caseId: string): Promise<{ etag: string | null; events: number }> {
    const view = await api.get(`/api/v1/cases/${caseId}`, COORDINATOR);
    expect(view.status).toBe(200);
    const history = await api.get<{ events: Json[] }>(`/api/v1/cases/${caseId}/history`, QUALITY);
    expect(history.status).toBe(200);
    return { etag: view.headers.get('etag'), events: history.body.events.length };
  }

  async function expectUnchanged(
    caseId: string,
    before: { etag: string | null; events: number },
  ): Promise<void> {
    expect(await snapshot(caseId)).toEqual(before);
  }

  async function expectNoCase(caseId: string): Promise<void> {
    const response = await api.get(`/api/v1/cases/${caseId}`, COORDINATOR);
    expectProblem(response, 404, 'not-found');
  }

  /** A case awaiting adjudication (escalated by the coordinator), rad-a still a primary, rad-adj the adjudicator. */
  async function caseAwaitingAdjudication(): Promise<{ caseId: string; a: string; adj: string }> {
    const caseId = await requestCase();
    const a = await assign(caseId, 'rad-a');
    const escalated = await api.post(
      `/api/v1/cases/${caseId}/escalations`,
      { level: 'adjudication', reason: 'requester-appeal' },
      COORDINATOR,
    );
    expect(escalated.status).toBe(201);
    expect(escalated.body.status).toBe('awaiting-adjudication');
    const adj = await assign(caseId, 'rad-adj', 'adjudicator');
    return { caseId, a, adj };
  }

  /** A single-read case without a prior report that reached consensus (and, if asked, was closed). */
  async function caseAtConsensus(close = false): Promise<{ caseId: string; a: string; opinionId: string }> {
    const { caseId, assignmentId: a } = await caseWithStartedRead({
      readsRequired: 1,
      priorReport: undefined,
    });
    const submitted = await submitOpinion(caseId, a, 'rad-a');
    expect(submitted.status).toBe('consensus');
    if (close) expect((await api.post(`/api/v1/cases/${caseId}/closure`, {}, COORDINATOR)).status).toBe(201);
    return { caseId, a, opinionId: submitted.opinionId as string };
  }

  describe('400 malformed or invalid', () => {
    it('validation-failed lists every invalid field with its path in errors[]', async () => {
      const caseId = randomUUID();
      const body = secondOpinionRequest({
        caseId,
        study: { studyInstanceUid: '1.2.3', modality: 'MRI', bodyRegion: 'wrist', studyDate: '2026-11-18' },
        priority: 'whenever',
        priorReport: { author: 'rad-ext-9', findings: [{ code: 'fracture', presence: 'maybe' }] },
      });
      delete body.patientRef;
      const response = await api.post('/api/v1/cases', body, COORDINATOR, {}, INVALID_ON_PURPOSE);
      expectProblem(response, 400, 'validation-failed', '/api/v1/cases');
      expect(fieldsOf(response)).toEqual(
        expect.arrayContaining([
          'patientRef',
          'study.modality',
          'priority',
          'priorReport.findings[0].presence',
        ]),
      );
      await expectNoCase(caseId);
    });

    it('an unknown field, or a field only the engine sets, is refused', async () => {
      const caseId = randomUUID();
      const unknown = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, colour: 'blue' }),
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(unknown, 400, 'validation-failed');
      expect(fieldsOf(unknown)).toContain('colour');
      const engineField = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, dueAt: '2026-12-01T00:00:00Z' }),
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(engineField, 400, 'validation-failed');
      expect(fieldsOf(engineField)).toContain('dueAt');
      await expectNoCase(caseId);

      const { caseId: existing, assignmentId: a } = await caseWithStartedRead();
      const before = await snapshot(existing);
      const nested = await api.post(
        `/api/v1/cases/${existing}/opinions`,
        opinionBody(a, {
          findings: [{ code: 'fracture', presence: 'present', grade: 3 }],
          signature: { signerName: 'Dr Forger', meaning: 'authorship', signedAt: '2026-01-01T00:00:00Z' },
        }),
        radiologist('rad-a'),
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(nested, 400, 'validation-failed');
      expect(fieldsOf(nested)).toEqual(expect.arrayContaining(['findings[0].grade', 'signature']));
      await expectUnchanged(existing, before);
    });

    it('null is refused for an optional field', async () => {
      const caseId = randomUUID();
      const response = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, readsRequired: null }),
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(response, 400, 'validation-failed');
      expect(fieldsOf(response)).toContain('readsRequired');
      const nullObject = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, priorReport: null }),
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(nullObject, 400, 'validation-failed');
      expect(fieldsOf(nullObject)).toContain('priorReport');
      await expectNoCase(caseId);

      const existing = await requestCase();
      const before = await snapshot(existing);
      const blinded = await api.post(
        `/api/v1/cases/${existing}/assignments`,
        { readerId: 'rad-a', role: 'primary', blinded: null },
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(blinded, 400, 'validation-failed');
      expect(fieldsOf(blinded)).toContain('blinded');
      const note = await api.post(
        `/api/v1/cases/${existing}/closure`,
        { note: null },
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(note, 400, 'validation-failed');
      expect(fieldsOf(note)).toContain('note');
      await expectUnchanged(existing, before);
    });

    it('free text over 4,000 characters (short fields) or 20,000 (impression, addendum text) is refused', async () => {
      const caseId = randomUUID();
      const longQuestion = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, clinicalQuestion: 'q'.repeat(4_001) }),
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(longQuestion, 400, 'validation-failed');
      expect(fieldsOf(longQuestion)).toEqual(['clinicalQuestion']);
      await expectNoCase(caseId);
      // The limits themselves are accepted.
      const exact = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ clinicalQuestion: 'q'.repeat(4_000) }),
        COORDINATOR,
      );
      expect(exact.status).toBe(201);

      const { caseId: existing, assignmentId: a } = await caseWithStartedRead();
      const before = await snapshot(existing);
      const longImpression = await api.post(
        `/api/v1/cases/${existing}/opinions`,
        opinionBody(a, { impression: 'i'.repeat(20_001) }),
        radiologist('rad-a'),
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(longImpression, 400, 'validation-failed');
      expect(fieldsOf(longImpression)).toEqual(['impression']);
      const longReason = await api.post(
        `/api/v1/cases/${existing}/withdrawal`,
        { reason: 'r'.repeat(4_001) },
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(longReason, 400, 'validation-failed');
      expect(fieldsOf(longReason)).toEqual(['reason']);
      await expectUnchanged(existing, before);

      const submitted = await submitOpinion(existing, a, 'rad-a', { impression: 'i'.repeat(20_000) });
      const afterOpinion = await snapshot(existing);
      const longText = await api.post(
        `/api/v1/cases/${existing}/opinions/${submitted.opinionId as string}/addenda`,
        { text: 't'.repeat(20_001), reason: 'Correction' },
        radiologist('rad-a'),
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(longText, 400, 'validation-failed');
      expect(fieldsOf(longText)).toEqual(['text']);
      await expectUnchanged(existing, afterOpinion);
    });

    it('control characters, NUL and lone surrogates in text are refused (raw JSON escapes)', async () => {
      const existing = await requestCase();
      const before = await snapshot(existing);
      const path = `/api/v1/cases/${existing}/withdrawal`;
      for (const escaped of [
        'bell \\u0007 rings',
        'nul \\u0000 byte',
        'lone \\ud800 surrogate',
        'low \\udc00 half',
        'esc \\u001b',
      ]) {
        const response = await send('POST', path, {
          invalidOnPurpose: true,
          as: COORDINATOR,
          headers: jsonHeaders,
          body: `{"reason": "${escaped}"}`,
        });
        expectProblem(response, 400, 'validation-failed', path);
        expect(fieldsOf(response)).toEqual(['reason']);
      }
      // Nested text too (a finding's location), and a request's clinical question.
      const caseId = randomUUID();
      const request = JSON.stringify(secondOpinionRequest({ caseId })).replace(
        '"Scaphoid fracture?"',
        '"Scaphoid\\u0000fracture?"',
      );
      const nul = await send('POST', '/api/v1/cases', {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: jsonHeaders,
        body: request,
      });
      expectProblem(nul, 400, 'validation-failed');
      expect(fieldsOf(nul)).toEqual(['clinicalQuestion']);
      await expectNoCase(caseId);
      await expectUnchanged(existing, before);
    });

    it('tab, newlines and paired surrogates are accepted', async () => {
      const existing = await requestCase();
      const response = await send('POST', `/api/v1/cases/${existing}/withdrawal`, {
        as: COORDINATOR,
        headers: jsonHeaders,
        body: '{"reason": "line one\\n\\tline two\\r\\nwith \\ud83e\\uddb4 a bone"}',
      });
      expect(response.status).toBe(201);
    });

    it('invalid UTF-8 bytes are refused, not replaced', async () => {
      const existing = await requestCase();
      const before = await snapshot(existing);
      const path = `/api/v1/cases/${existing}/withdrawal`;
      const bytes = Buffer.concat([
        Buffer.from('{"reason": "caf'),
        Buffer.from([0xc3, 0x28]), // an invalid two-byte sequence
        Buffer.from(' and \xff"}', 'latin1'),
      ]);
      const response = await send('POST', path, {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: jsonHeaders,
        body: bytes,
      });
      expectProblem(response, 400, 'invalid-body', path);
      const overlong = await send('POST', path, {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: jsonHeaders,
        body: Buffer.concat([Buffer.from('{"reason": "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
      });
      expectProblem(overlong, 400, 'invalid-body');
      await expectUnchanged(existing, before);
    });

    it('JSON nested deeper than 32 levels is refused before validation', async () => {
      const existing = await requestCase();
      const before = await snapshot(existing);
      const path = `/api/v1/cases/${existing}/withdrawal`;
      const deep = `{"reason": "x", "deep": ${'['.repeat(40)}${']'.repeat(40)}}`;
      const response = await send('POST', path, {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: jsonHeaders,
        body: deep,
      });
      expectProblem(response, 400, 'invalid-body', path);
      expect(response.body.detail).toMatch(/32/);
      // Far deeper (would overflow a recursive walker) but under 256 KiB: still a clean 400.
      const deeper = `{"reason": ${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}}`;
      expectProblem(
        await send('POST', path, {
          invalidOnPurpose: true,
          as: COORDINATOR,
          headers: jsonHeaders,
          body: deeper,
        }),
        400,
        'invalid-body',
      );
      // 32 levels exactly pass the parser (and fail validation: the field is unknown).
      const atLimit = `{"reason": "x", "deep": ${'['.repeat(31)}${']'.repeat(31)}}`;
      const limit = await send('POST', path, {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: jsonHeaders,
        body: atLimit,
      });
      expectProblem(limit, 400, 'validation-failed');
      await expectUnchanged(existing, before);
    });

    it('malformed JSON, an empty body, a JSON array, string or null body are refused', async () => {
      const existing = await requestCase();
      const before = await snapshot(existing);
      const path = `/api/v1/cases/${existing}/withdrawal`;
      for (const body of ['{"reason": "x",', "{'reason': 'x'}", '{"reason": "x"} trailing', '']) {
        const response = await send('POST', path, {
          invalidOnPurpose: true,
          as: COORDINATOR,
          headers: jsonHeaders,
          body,
        });
        expectProblem(response, 400, 'invalid-body', path);
      }
      for (const body of ['[{"reason": "x"}]', '"reason"', 'null', '42', 'true']) {
        const response = await send('POST', path, {
          invalidOnPurpose: true,
          as: COORDINATOR,
          headers: jsonHeaders,
          body,
        });
        expectProblem(response, 400, 'invalid-body', path);
      }
      // The prototype-pollution keys fastify's secure parser refuses.
      const proto = await send('POST', path, {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: jsonHeaders,
        body: '{"reason": "x", "__proto__": {"admin": true}}',
      });
      expectProblem(proto, 400, 'invalid-body');
      await expectUnchanged(existing, before);
    });

    it('occurredAt from a role other than integrator is refused', async () => {
      const caseId = randomUUID();
      const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
      const response = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, occurredAt }),
        COORDINATOR,
      );
      expectProblem(response, 400, 'validation-failed');
      expect(fieldsOf(response)).toEqual(['occurredAt']);
      await expectNoCase(caseId);

      const { caseId: existing, assignmentId: a } = await caseWithStartedRead();
      const before = await snapshot(existing);
      const fromReader = await api.post(
        `/api/v1/cases/${existing}/opinions`,
        opinionBody(a, { occurredAt }),
        radiologist('rad-a'),
      );
      expectProblem(fromReader, 400, 'validation-failed');
      expect(fieldsOf(fromReader)).toEqual(['occurredAt']);
      await expectUnchanged(existing, before);
    });

    it('occurredAt in the future (or not an ISO time) from an integrator is refused', async () => {
      const caseId = randomUUID();
      const future = new Date(Date.now() + 3_600_000).toISOString();
      const response = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, occurredAt: future }),
        INTEGRATOR,
      );
      expectProblem(response, 400, 'validation-failed');
      expect(fieldsOf(response)).toContain('occurredAt');
      const garbage = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, occurredAt: 'yesterday' }),
        INTEGRATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(garbage, 400, 'validation-failed');
      expect(fieldsOf(garbage)).toContain('occurredAt');
      await expectNoCase(caseId);

      const existing = await requestCase({}, INTEGRATOR);
      const before = await snapshot(existing);
      const assignment = await api.post(
        `/api/v1/cases/${existing}/assignments`,
        { readerId: 'rad-a', role: 'primary', occurredAt: future },
        INTEGRATOR,
      );
      expectProblem(assignment, 400, 'validation-failed');
      await expectUnchanged(existing, before);
    });

    it('an invalid If-Match header is refused', async () => {
      const existing = await requestCase();
      const before = await snapshot(existing);
      const path = `/api/v1/cases/${existing}/withdrawal`;
      for (const ifMatch of ['0', 'W/"0"', '*', '"abc"', '"-1"', '"01"']) {
        const response = await api.post(
          path,
          { reason: 'Requester withdrew' },
          COORDINATOR,
          { 'if-match': ifMatch },
          INVALID_ON_PURPOSE,
        );
        expectProblem(response, 400, 'invalid-header', path);
      }
      await expectUnchanged(existing, before);
    });

    it('an invalid Idempotency-Key, X-On-Behalf-Of or X-On-Behalf-Of-Name header is refused', async () => {
      const existing = await requestCase({}, INTEGRATOR);
      const before = await snapshot(existing);
      const path = `/api/v1/cases/${existing}/reference-standard`;
      const body = { source: 'pathology', findings: FRACTURE_PRESENT };
      const invalid: Array<Record<string, string>> = [
        { 'idempotency-key': 'has spaces' },
        { 'idempotency-key': 'k'.repeat(256) },
        { 'x-on-behalf-of': 'Dr. No (the reader)' },
        { 'x-on-behalf-of': 'rad-a', 'x-on-behalf-of-name': 'n'.repeat(201) },
      ];
      for (const headers of invalid) {
        expectProblem(
          await api.post(path, body, INTEGRATOR, headers, INVALID_ON_PURPOSE),
          400,
          'invalid-header',
          path,
        );
      }
      await expectUnchanged(existing, before);
    });

    it('a path id that is not a UUID is refused', async () => {
      const existing = await requestCase();
      const before = await snapshot(existing);
      const get = await api.get('/api/v1/cases/not-a-uuid', COORDINATOR, {}, INVALID_ON_PURPOSE);
      expectProblem(get, 400, 'validation-failed', '/api/v1/cases/not-a-uuid');
      expect(fieldsOf(get)).toEqual(['path']);
      const post = await api.post(
        '/api/v1/cases/1234/assignments',
        { readerId: 'rad-a', role: 'primary' },
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(post, 400, 'validation-failed');
      const unassign = await api.post(
        `/api/v1/cases/${existing}/assignments/xyz/unassignment`,
        { reason: 'On leave' },
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(unassign, 400, 'validation-failed');
      const history = await api.get('/api/v1/cases/%27%20OR%201=1/history', QUALITY, {}, INVALID_ON_PURPOSE);
      expectProblem(history, 400, 'validation-failed');
      await expectUnchanged(existing, before);
    });
  });

  describe('401 no or bad token', () => {
    const path = '/api/v1/cases';

    async function expectRejected(token: string | undefined, header?: string): Promise<void> {
      const caseId = randomUUID();
      const headers: Record<string, string> = { ...jsonHeaders };
      if (header !== undefined) headers.authorization = header;
      const response = await send('POST', path, {
        token,
        headers,
        body: JSON.stringify(secondOpinionRequest({ caseId })),
      });
      expectProblem(response, 401, 'unauthorized', path);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      await expectNoCase(caseId);
    }

    it('no token', async () => {
      await expectRejected(undefined);
      expectProblem(await send('GET', `/api/v1/cases/${randomUUID()}`), 401, 'unauthorized');
    });

    it('a malformed Authorization header', async () => {
      const good = await tokenFor('coord-1', ['coordinator']);
      await expectRejected(undefined, `Basic ${Buffer.from('coord-1:secret').toString('base64')}`);
      await expectRejected(undefined, 'Bearer');
      await expectRejected(undefined, `Bearer ${good} extra`);
      await expectRejected(undefined, 'Bearer not.a.jwt');
      await expectRejected(undefined, `Token ${good}`);
    });

    it('an expired token', async () => {
      const expired = await new SignJWT({ roles: ['coordinator'], name: 'Casey' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('coord-1')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7_200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 600)
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      await expectRejected(expired);
    });

    it('a token signed with the wrong key', async () => {
      await expectRejected(
        await tokenFor('coord-1', ['coordinator'], { secret: 'another-secret-that-is-at-least-32-bytes!' }),
      );
    });

    it('an unsigned (alg: none) token, and a signed one with a tampered payload', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: 'coord-1', name: 'Casey', roles: ['coordinator'], iat: now, exp: now + 3_600 };
      await expectRejected(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`);
      await expectRejected(`${base64url({ alg: 'none' })}.${base64url(claims)}.`);
      const [header, , signature] = (await tokenFor('rad-x', ['radiologist'])).split('.');
      await expectRejected(`${header}.${base64url(claims)}.${signature}`);
    });
  });

  describe('403 forbidden and not-your-assignment', () => {
    it('forbidden: a radiologist requesting a case', async () => {
      const caseId = randomUUID();
      const response = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId }),
        radiologist('rad-a'),
      );
      expectProblem(response, 403, 'forbidden', '/api/v1/cases');
      await expectNoCase(caseId);
    });

    it('forbidden: a coordinator submitting an opinion, a radiologist reading the history, a coordinator acting for someone', async () => {
      const { caseId, assignmentId: a } = await caseWithStartedRead();
      const before = await snapshot(caseId);
      const response = await api.post(`/api/v1/cases/${caseId}/opinions`, opinionBody(a), COORDINATOR);
      expectProblem(response, 403, 'forbidden', `/api/v1/cases/${caseId}/opinions`);
      const history = await api.get(`/api/v1/cases/${caseId}/history`, radiologist('rad-a'));
      expectProblem(history, 403, 'forbidden');
      // Only integrators act for someone else.
      const behalf = await api.post(
        `/api/v1/cases/${caseId}/escalations`,
        { level: 'adjudication', reason: 'clinical-concern' },
        COORDINATOR,
        { 'x-on-behalf-of': 'qc-1' },
      );
      expectProblem(behalf, 403, 'forbidden');
      await expectUnchanged(caseId, before);
    });

    it('not-your-assignment: radiologist B starting a read on A’s assignment', async () => {
      const caseId = await requestCase();
      const a = await assign(caseId, 'rad-a');
      await assign(caseId, 'rad-b');
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/reads`,
        { assignmentId: a },
        radiologist('rad-b'),
      );
      expectProblem(response, 403, 'not-your-assignment', `/api/v1/cases/${caseId}/reads`);
      // An integrator acting for B is B, too.
      const behalf = await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: a }, INTEGRATOR, {
        'x-on-behalf-of': 'rad-b',
      });
      expectProblem(behalf, 403, 'not-your-assignment');
      await expectUnchanged(caseId, before);
    });

    it('not-your-assignment: radiologist B submitting an opinion or reviewing on A’s assignment', async () => {
      const caseId = await requestCase();
      const a = await assign(caseId, 'rad-a');
      await assign(caseId, 'rad-b');
      await startRead(caseId, a, 'rad-a');
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/opinions`,
        opinionBody(a),
        radiologist('rad-b'),
      );
      expectProblem(response, 403, 'not-your-assignment');
      const review = await api.post(
        `/api/v1/cases/${caseId}/prior-report-reviews`,
        { assignmentId: a, score: '1' },
        radiologist('rad-b'),
      );
      expectProblem(review, 403, 'not-your-assignment');
      await expectUnchanged(caseId, before);
    });

    it('not-your-assignment: an addendum to someone else’s opinion', async () => {
      const { caseId, opinionId } = await caseAtConsensus();
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/opinions/${opinionId}/addenda`,
        { text: 'Not mine to amend.', reason: 'Curiosity' },
        radiologist('rad-z'),
      );
      expectProblem(response, 403, 'not-your-assignment');
      await expectUnchanged(caseId, before);
    });

    it('not-your-assignment: a radiologist reading a case it is not assigned to', async () => {
      const caseId = await requestCase();
      await assign(caseId, 'rad-a');
      const response = await api.get(`/api/v1/cases/${caseId}`, radiologist('rad-z'));
      expectProblem(response, 403, 'not-your-assignment', `/api/v1/cases/${caseId}`);
      expect(response.text).not.toMatch(/pt-001|rad-ext-9|Scaphoid/);
      // The assigned reader may.
      expect((await api.get(`/api/v1/cases/${caseId}`, radiologist('rad-a'))).status).toBe(200);
    });
  });

  describe('404 not-found', () => {
    it('an unknown case, for commands and queries', async () => {
      const caseId = randomUUID();
      const path = `/api/v1/cases/${caseId}/assignments`;
      expectProblem(
        await api.post(path, { readerId: 'rad-a', role: 'primary' }, COORDINATOR),
        404,
        'not-found',
        path,
      );
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/withdrawal`, { reason: 'x' }, COORDINATOR),
        404,
        'not-found',
      );
      expectProblem(await api.post(`/api/v1/cases/${caseId}/closure`, {}, COORDINATOR), 404, 'not-found');
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: randomUUID() }, radiologist('rad-a')),
        404,
        'not-found',
      );
      expectProblem(
        await api.get(`/api/v1/cases/${caseId}`, COORDINATOR),
        404,
        'not-found',
        `/api/v1/cases/${caseId}`,
      );
      expectProblem(await api.get(`/api/v1/cases/${caseId}/history`, QUALITY), 404, 'not-found');
      // Commands on an unknown case create nothing.
      await expectNoCase(caseId);
    });

    it('an unknown assignment', async () => {
      const { caseId } = await caseWithStartedRead();
      const before = await snapshot(caseId);
      const unknown = randomUUID();
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: unknown }, radiologist('rad-a')),
        404,
        'not-found',
      );
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/opinions`, opinionBody(unknown), radiologist('rad-a')),
        404,
        'not-found',
      );
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/assignments/${unknown}/unassignment`,
          { reason: 'x' },
          COORDINATOR,
        ),
        404,
        'not-found',
      );
      await expectUnchanged(caseId, before);
    });

    it('an unknown opinion for an addendum, and a revision past the end of the history', async () => {
      const { caseId } = await caseAtConsensus();
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/opinions/${randomUUID()}/addenda`,
        { text: 'Addendum', reason: 'Correction' },
        radiologist('rad-a'),
      );
      expectProblem(response, 404, 'not-found');
      expectProblem(await api.get(`/api/v1/cases/${caseId}/history?revision=999`, QUALITY), 404, 'not-found');
      await expectUnchanged(caseId, before);
    });
  });

  describe('409', () => {
    it('case-exists: a client-supplied caseId used again', async () => {
      const caseId = randomUUID();
      const first = await api.post('/api/v1/cases', secondOpinionRequest({ caseId }), COORDINATOR);
      expect(first.status).toBe(201);
      expect(first.body.caseId).toBe(caseId);
      const before = await snapshot(caseId);
      const again = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId, patientRef: 'pt-other' }),
        INTEGRATOR,
      );
      expectProblem(again, 409, 'case-exists', '/api/v1/cases');
      // The same id in upper case names the same case.
      const upper = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({ caseId: caseId.toUpperCase() }),
        COORDINATOR,
      );
      expectProblem(upper, 409, 'case-exists');
      await expectUnchanged(caseId, before);
    });

    it('concurrency-conflict: writers that keep losing the race to other instances after every retry', async () => {
      // Within one engine, commands on one stream take turns (next test); a command re-reads and
      // re-decides when another instance appended first, up to 10 attempts, and one that loses them
      // all gets 409 concurrency-conflict. 12 other instances (stores of their own on the same
      // database) appending reference standards to the case back to back make that happen; none is
      // a 5xx, and every 201 is recorded at the revision it names.
      const caseId = await requestCase();
      const other = new PostgresEventStore(running.database.url, { maxConnections: 1 });
      const { result } = await new CaseCommands(
        new CommandPath(other, systemClock),
        new CaseAggregate(defaultCasePolicy),
      ).run(
        caseId,
        'RecordReferenceStandard',
        {
          source: 'pathology',
          findings: [{ code: 'fracture', presence: 'present' }],
          note: 'Other instance',
        },
        { actor: { id: 'coord-2', role: 'coordinator' }, correlationId: randomUUID() },
      );
      await other.close();
      const recorded = result.recorded[0]!;
      const stores = Array.from(
        { length: 12 },
        () => new PostgresEventStore(running.database.url, { maxConnections: 1 }),
      );
      let racing = true;
      const racers = stores.map(async (store) => {
        while (racing) {
          await store.append(
            `case-${caseId}`,
            [
              {
                eventId: randomUUID(),
                type: recorded.type,
                data: recorded.data,
                metadata: recorded.metadata,
              },
            ],
            { expected: 'any' },
          );
        }
      });
      let responses: ApiResponse[];
      try {
        responses = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            api.post(
              `/api/v1/cases/${caseId}/reference-standard`,
              { source: 'pathology', findings: FRACTURE_PRESENT, note: `Report ${index}` },
              COORDINATOR,
            ),
          ),
        );
      } finally {
        racing = false;
        await Promise.all(racers);
        await Promise.all(stores.map((store) => store.close()));
      }
      const conflicts = responses.filter((response) => response.status !== 201);
      for (const response of conflicts) expectProblem(response, 409, 'concurrency-conflict');
      expect(conflicts.length).toBeGreaterThan(0);
      const history = await api.get<{ events: Json[] }>(`/api/v1/cases/${caseId}/history`, QUALITY);
      responses.forEach((response, index) => {
        if (response.status !== 201) return;
        const event = history.body.events.find((candidate) => candidate.revision === response.body.revision);
        expect(event).toMatchObject({ type: 'ReferenceStandardRecorded', data: { note: `Report ${index}` } });
      });
    });

    it('writers of one engine on one stream take turns: 64 at once all land, at consecutive revisions', async () => {
      const caseId = await requestCase();
      const before = await snapshot(caseId);
      const responses = await Promise.all(
        Array.from({ length: 64 }, (_, index) =>
          api.post(
            `/api/v1/cases/${caseId}/reference-standard`,
            { source: 'pathology', findings: FRACTURE_PRESENT, note: `Report ${index}` },
            COORDINATOR,
          ),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(responses.map(() => 201));
      const after = await snapshot(caseId);
      expect(after.events).toBe(before.events + 64);
      const revisions = responses.map((response) => response.body.revision as number).sort((x, y) => x - y);
      expect(revisions).toEqual(responses.map((_, index) => before.events + index));
    });
  });

  describe('412 precondition-failed', () => {
    it('a stale If-Match is refused and nothing is written', async () => {
      const caseId = await requestCase();
      await assign(caseId, 'rad-a');
      const before = await snapshot(caseId);
      expect(before.etag).toBe('"1"');
      const path = `/api/v1/cases/${caseId}/assignments`;
      const response = await api.post(path, { readerId: 'rad-b', role: 'primary' }, COORDINATOR, {
        'if-match': '"0"',
      });
      expectProblem(response, 412, 'precondition-failed', path);
      const ahead = await api.post(path, { readerId: 'rad-b', role: 'primary' }, COORDINATOR, {
        'if-match': '"7"',
      });
      expectProblem(ahead, 412, 'precondition-failed');
      await expectUnchanged(caseId, before);
    });
  });

  describe('413 and 415', () => {
    it('413: a body over 256 KiB', async () => {
      const caseId = randomUUID();
      const body = JSON.stringify(secondOpinionRequest({ caseId, padding: 'x'.repeat(300 * 1024) }));
      const response = await send('POST', '/api/v1/cases', {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: jsonHeaders,
        body,
      });
      expectProblem(response, 413, 'payload-too-large', '/api/v1/cases');
      await expectNoCase(caseId);
    });

    it('415: a text/plain body, another media type, or a body without a content type', async () => {
      const caseId = randomUUID();
      const body = JSON.stringify(secondOpinionRequest({ caseId }));
      for (const contentType of [
        'text/plain',
        'text/plain; charset=utf-8',
        'application/x-www-form-urlencoded',
        'application/xml',
        'application/problem+json',
      ]) {
        const response = await send('POST', '/api/v1/cases', {
          invalidOnPurpose: true,
          as: COORDINATOR,
          headers: { 'content-type': contentType },
          body,
        });
        expectProblem(response, 415, 'unsupported-media-type', '/api/v1/cases');
      }
      // A Buffer body: fetch adds no content type of its own.
      const untyped = await send('POST', '/api/v1/cases', {
        invalidOnPurpose: true,
        as: COORDINATOR,
        body: Buffer.from(body),
      });
      expectProblem(untyped, 415, 'unsupported-media-type');
      await expectNoCase(caseId);
      // application/json with a charset parameter is JSON.
      const withCharset = await send('POST', '/api/v1/cases', {
        as: COORDINATOR,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
      });
      expect(withCharset.status).toBe(201);
    });
  });

  describe('422 domain rules', () => {
    it('reader-not-independent: the prior report’s author', async () => {
      const caseId = await requestCase();
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-ext-9', role: 'primary' },
        COORDINATOR,
      );
      expectProblem(response, 422, 'reader-not-independent', `/api/v1/cases/${caseId}/assignments`);
      await expectUnchanged(caseId, before);
    });

    it('reader-not-independent: the same reader twice', async () => {
      const caseId = await requestCase();
      await assign(caseId, 'rad-a');
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-a', role: 'primary' },
        COORDINATOR,
      );
      expectProblem(response, 422, 'reader-not-independent');
      await expectUnchanged(caseId, before);
    });

    it('too-many-readers', async () => {
      const caseId = await requestCase({ readsRequired: 1 });
      await assign(caseId, 'rad-a');
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-b', role: 'primary' },
        COORDINATOR,
      );
      expectProblem(response, 422, 'too-many-readers');
      await expectUnchanged(caseId, before);
    });

    it('reader-not-assigned: an unassigned assignment', async () => {
      const caseId = await requestCase();
      const a = await assign(caseId, 'rad-a');
      const unassigned = await api.post(
        `/api/v1/cases/${caseId}/assignments/${a}/unassignment`,
        { reason: 'Reader on leave' },
        COORDINATOR,
      );
      expect(unassigned.status).toBe(201);
      const before = await snapshot(caseId);
      const read = await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: a }, radiologist('rad-a'));
      expectProblem(read, 422, 'reader-not-assigned');
      const again = await api.post(
        `/api/v1/cases/${caseId}/assignments/${a}/unassignment`,
        { reason: 'Twice' },
        COORDINATOR,
      );
      expectProblem(again, 422, 'reader-not-assigned');
      await expectUnchanged(caseId, before);
    });

    it('read-not-started', async () => {
      const caseId = await requestCase();
      const a = await assign(caseId, 'rad-a');
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/opinions`,
        opinionBody(a),
        radiologist('rad-a'),
      );
      expectProblem(response, 422, 'read-not-started');
      await expectUnchanged(caseId, before);
    });

    it('already-submitted: a second opinion, a new read or an unassignment after the opinion', async () => {
      const { caseId, assignmentId: a } = await caseWithStartedRead();
      await submitOpinion(caseId, a, 'rad-a');
      const before = await snapshot(caseId);
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/opinions`, opinionBody(a), radiologist('rad-a')),
        422,
        'already-submitted',
      );
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: a }, radiologist('rad-a')),
        422,
        'already-submitted',
      );
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/assignments/${a}/unassignment`, { reason: 'x' }, COORDINATOR),
        422,
        'already-submitted',
      );
      await expectUnchanged(caseId, before);
    });

    it('blinding-violation: a blinded primary scoring the prior report in its opinion', async () => {
      const { caseId, assignmentId: a } = await caseWithStartedRead();
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/opinions`,
        opinionBody(a, { priorReportReview: { score: '2a' } }),
        radiologist('rad-a'),
      );
      expectProblem(response, 422, 'blinding-violation');
      await expectUnchanged(caseId, before);
    });

    it('no-prior-report: a score, a review or a selection when the case has none', async () => {
      const { caseId, assignmentId: a } = await caseWithStartedRead({ priorReport: undefined });
      const before = await snapshot(caseId);
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/opinions`,
          opinionBody(a, { priorReportReview: { score: '1' } }),
          radiologist('rad-a'),
        ),
        422,
        'no-prior-report',
      );
      await expectUnchanged(caseId, before);
      await submitOpinion(caseId, a, 'rad-a');
      const afterOpinion = await snapshot(caseId);
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/prior-report-reviews`,
          { assignmentId: a, score: '1' },
          radiologist('rad-a'),
        ),
        422,
        'no-prior-report',
      );
      await expectUnchanged(caseId, afterOpinion);
    });

    it('invalid-state: a command the case’s state does not accept', async () => {
      const caseId = await requestCase();
      await assign(caseId, 'rad-a');
      const before = await snapshot(caseId);
      expectProblem(await api.post(`/api/v1/cases/${caseId}/closure`, {}, COORDINATOR), 422, 'invalid-state');
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/escalations`,
          { level: 'panel', reason: 'quality-review' },
          QUALITY,
        ),
        422,
        'invalid-state',
      );
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/reopening`, { reason: 'New information' }, COORDINATOR),
        422,
        'invalid-state',
      );
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/assignments`,
          { readerId: 'rad-adj', role: 'adjudicator' },
          COORDINATOR,
        ),
        422,
        'invalid-state',
      );
      await expectUnchanged(caseId, before);
    });

    it('case-closed', async () => {
      const { caseId, a } = await caseAtConsensus(true);
      const before = await snapshot(caseId);
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/assignments`,
          { readerId: 'rad-b', role: 'primary' },
          COORDINATOR,
        ),
        422,
        'case-closed',
      );
      expectProblem(await api.post(`/api/v1/cases/${caseId}/closure`, {}, COORDINATOR), 422, 'case-closed');
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/withdrawal`, { reason: 'Too late' }, COORDINATOR),
        422,
        'case-closed',
      );
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/opinions`, opinionBody(a), radiologist('rad-a')),
        422,
        'case-closed',
      );
      await expectUnchanged(caseId, before);
    });

    it('case-withdrawn', async () => {
      const caseId = await requestCase();
      const a = await assign(caseId, 'rad-a');
      expect(
        (await api.post(`/api/v1/cases/${caseId}/withdrawal`, { reason: 'Requester withdrew' }, COORDINATOR))
          .status,
      ).toBe(201);
      const before = await snapshot(caseId);
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/assignments`,
          { readerId: 'rad-b', role: 'primary' },
          COORDINATOR,
        ),
        422,
        'case-withdrawn',
      );
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/reads`, { assignmentId: a }, radiologist('rad-a')),
        422,
        'case-withdrawn',
      );
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/reference-standard`,
          { source: 'pathology', findings: FRACTURE_PRESENT },
          QUALITY,
        ),
        422,
        'case-withdrawn',
      );
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/withdrawal`, { reason: 'Again' }, COORDINATOR),
        422,
        'case-withdrawn',
      );
      await expectUnchanged(caseId, before);
    });

    it('unknown-finding-code', async () => {
      const caseId = randomUUID();
      const request = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({
          caseId,
          priorReport: { author: 'rad-ext-9', findings: [{ code: 'unicorn-horn', presence: 'present' }] },
        }),
        COORDINATOR,
      );
      expectProblem(request, 422, 'unknown-finding-code');
      await expectNoCase(caseId);

      const { caseId: existing, assignmentId: a } = await caseWithStartedRead();
      const before = await snapshot(existing);
      expectProblem(
        await api.post(
          `/api/v1/cases/${existing}/opinions`,
          opinionBody(a, { findings: [{ code: 'unicorn-horn', presence: 'present' }] }),
          radiologist('rad-a'),
        ),
        422,
        'unknown-finding-code',
      );
      expectProblem(
        await api.post(
          `/api/v1/cases/${existing}/reference-standard`,
          { source: 'pathology', findings: [{ code: 'unicorn-horn', presence: 'absent' }] },
          COORDINATOR,
        ),
        422,
        'unknown-finding-code',
      );
      await expectUnchanged(existing, before);
    });

    it('duplicate-finding-code', async () => {
      const { caseId, assignmentId: a } = await caseWithStartedRead();
      const before = await snapshot(caseId);
      const twice = [
        { code: 'fracture', presence: 'present' },
        { code: 'fracture', presence: 'absent', laterality: 'left' },
      ];
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/opinions`,
          opinionBody(a, { findings: twice }),
          radiologist('rad-a'),
        ),
        422,
        'duplicate-finding-code',
      );
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/reference-standard`,
          { source: 'pathology', findings: twice },
          QUALITY,
        ),
        422,
        'duplicate-finding-code',
      );
      await expectUnchanged(caseId, before);
    });

    it('unknown-body-region', async () => {
      const caseId = randomUUID();
      const response = await api.post(
        '/api/v1/cases',
        secondOpinionRequest({
          caseId,
          study: { studyInstanceUid: '1.2.3', modality: 'DX', bodyRegion: 'tail', studyDate: '2026-11-18' },
        }),
        COORDINATOR,
      );
      expectProblem(response, 422, 'unknown-body-region', '/api/v1/cases');
      await expectNoCase(caseId);
    });

    it('idempotency-key-reuse: the same key with another body', async () => {
      const caseId = await requestCase();
      const key = `key-${randomUUID()}`;
      const path = `/api/v1/cases/${caseId}/assignments`;
      const first = await api.post(path, { readerId: 'rad-a', role: 'primary' }, COORDINATOR, {
        'idempotency-key': key,
      });
      expect(first.status).toBe(201);
      const before = await snapshot(caseId);
      const reuse = await api.post(path, { readerId: 'rad-b', role: 'primary' }, COORDINATOR, {
        'idempotency-key': key,
      });
      expectProblem(reuse, 422, 'idempotency-key-reuse', path);
      // Another path with the same key is another request, too.
      const elsewhere = await api.post(`/api/v1/cases/${caseId}/withdrawal`, { reason: 'x' }, COORDINATOR, {
        'idempotency-key': key,
      });
      expectProblem(elsewhere, 422, 'idempotency-key-reuse');
      await expectUnchanged(caseId, before);
    });

    it('invalid-blinding: a blinded adjudicator', async () => {
      const caseId = await requestCase();
      await assign(caseId, 'rad-a');
      expect(
        (
          await api.post(
            `/api/v1/cases/${caseId}/escalations`,
            { level: 'adjudication', reason: 'requester-appeal' },
            COORDINATOR,
          )
        ).status,
      ).toBe(201);
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-adj', role: 'adjudicator', blinded: true },
        COORDINATOR,
      );
      expectProblem(response, 422, 'invalid-blinding');
      await expectUnchanged(caseId, before);
    });

    it('too-many-readers: a second adjudicator', async () => {
      const { caseId } = await caseAwaitingAdjudication();
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-adj-2', role: 'adjudicator' },
        COORDINATOR,
      );
      expectProblem(response, 422, 'too-many-readers');
      await expectUnchanged(caseId, before);
    });

    it('invalid-assignment-role: an adjudicator submitting an opinion or scoring the prior report', async () => {
      const { caseId, adj } = await caseAwaitingAdjudication();
      await startRead(caseId, adj, 'rad-adj');
      const before = await snapshot(caseId);
      expectProblem(
        await api.post(`/api/v1/cases/${caseId}/opinions`, opinionBody(adj), radiologist('rad-adj')),
        422,
        'invalid-assignment-role',
      );
      expectProblem(
        await api.post(
          `/api/v1/cases/${caseId}/prior-report-reviews`,
          { assignmentId: adj, score: '1' },
          radiologist('rad-adj'),
        ),
        422,
        'invalid-assignment-role',
      );
      await expectUnchanged(caseId, before);
    });

    it('not-the-adjudicator: a primary deciding the adjudication', async () => {
      const { caseId, a } = await caseAwaitingAdjudication();
      await startRead(caseId, a, 'rad-a');
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/adjudication`,
        { assignmentId: a, selectedOpinionId: 'prior-report', rationale: 'I decide.' },
        radiologist('rad-a'),
      );
      expectProblem(response, 422, 'not-the-adjudicator');
      await expectUnchanged(caseId, before);
    });

    it('read-not-started and invalid-adjudication for an adjudicator', async () => {
      const { caseId, adj } = await caseAwaitingAdjudication();
      const before = await snapshot(caseId);
      const path = `/api/v1/cases/${caseId}/adjudication`;
      expectProblem(
        await api.post(
          path,
          { assignmentId: adj, selectedOpinionId: 'prior-report', rationale: 'Early' },
          radiologist('rad-adj'),
        ),
        422,
        'read-not-started',
      );
      await expectUnchanged(caseId, before);
      await startRead(caseId, adj, 'rad-adj');
      const started = await snapshot(caseId);
      expectProblem(
        await api.post(
          path,
          {
            assignmentId: adj,
            selectedOpinionId: 'prior-report',
            findings: FRACTURE_PRESENT,
            rationale: 'Both',
          },
          radiologist('rad-adj'),
        ),
        422,
        'invalid-adjudication',
      );
      expectProblem(
        await api.post(path, { assignmentId: adj, rationale: 'Neither' }, radiologist('rad-adj')),
        422,
        'invalid-adjudication',
      );
      await expectUnchanged(caseId, started);
    });

    it('opinion-not-submitted and already-reviewed: the prior-report review out of turn', async () => {
      const caseId = await requestCase();
      const a = await assign(caseId, 'rad-a');
      await assign(caseId, 'rad-b');
      await startRead(caseId, a, 'rad-a');
      const before = await snapshot(caseId);
      const path = `/api/v1/cases/${caseId}/prior-report-reviews`;
      expectProblem(
        await api.post(path, { assignmentId: a, score: '1' }, radiologist('rad-a')),
        422,
        'opinion-not-submitted',
      );
      await expectUnchanged(caseId, before);
      await submitOpinion(caseId, a, 'rad-a');
      expect((await api.post(path, { assignmentId: a, score: '2a' }, radiologist('rad-a'))).status).toBe(201);
      const reviewed = await snapshot(caseId);
      expectProblem(
        await api.post(path, { assignmentId: a, score: '1' }, radiologist('rad-a')),
        422,
        'already-reviewed',
      );
      await expectUnchanged(caseId, reviewed);
    });

    it('codes whose values the body validation already refuses come out as 400, not 422', async () => {
      // invalid-priority, invalid-reads-required, invalid-confidence and invalid-radpeer-score are
      // guarded by the DTOs (api.md: malformed or invalid → 400), so the domain never sees them.
      const caseId = randomUUID();
      for (const override of [{ priority: 'asap' }, { readsRequired: 3 }]) {
        expectProblem(
          await api.post(
            '/api/v1/cases',
            secondOpinionRequest({ caseId, ...override }),
            COORDINATOR,
            {},
            INVALID_ON_PURPOSE,
          ),
          400,
          'validation-failed',
        );
      }
      await expectNoCase(caseId);
      const { caseId: existing, assignmentId: a } = await caseWithStartedRead();
      const before = await snapshot(existing);
      for (const extra of [{ confidence: 6 }, { confidence: 2.5 }, { confidence: '4' }]) {
        expectProblem(
          await api.post(
            `/api/v1/cases/${existing}/opinions`,
            opinionBody(a, extra),
            radiologist('rad-a'),
            {},
            INVALID_ON_PURPOSE,
          ),
          400,
          'validation-failed',
        );
      }
      expectProblem(
        await api.post(
          `/api/v1/cases/${existing}/prior-report-reviews`,
          { assignmentId: a, score: '4' },
          radiologist('rad-a'),
          {},
          INVALID_ON_PURPOSE,
        ),
        400,
        'validation-failed',
      );
      await expectUnchanged(existing, before);
    });
  });

  describe('order of checks (api.md: 401 → 403 → 415 → 413 → 400 → 404 → 412 → idempotency → domain)', () => {
    const plain = { 'content-type': 'text/plain' };

    it('no token and a wrong content type → 401', async () => {
      expectProblem(
        await send('POST', '/api/v1/cases', { invalidOnPurpose: true, headers: plain, body: 'hello' }),
        401,
        'unauthorized',
      );
    });

    it('a role not allowed and a wrong content type → 403', async () => {
      expectProblem(
        await send('POST', '/api/v1/cases', {
          invalidOnPurpose: true,
          as: radiologist('rad-a'),
          headers: plain,
          body: 'hello',
        }),
        403,
        'forbidden',
      );
    });

    it('no token and an oversized body → 401; a role not allowed and an oversized body → 403', async () => {
      const big = JSON.stringify({ padding: 'x'.repeat(300 * 1024) });
      expectProblem(
        await send('POST', '/api/v1/cases', { invalidOnPurpose: true, headers: jsonHeaders, body: big }),
        401,
        'unauthorized',
      );
      expectProblem(
        await send('POST', '/api/v1/cases', {
          invalidOnPurpose: true,
          as: radiologist('rad-a'),
          headers: jsonHeaders,
          body: big,
        }),
        403,
        'forbidden',
      );
    });

    it('a wrong content type and an oversized body → 415', async () => {
      const response = await send('POST', '/api/v1/cases', {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: plain,
        body: 'x'.repeat(300 * 1024),
      });
      expectProblem(response, 415, 'unsupported-media-type');
    });

    it('an oversized and invalid body → 413', async () => {
      const response = await send('POST', '/api/v1/cases', {
        invalidOnPurpose: true,
        as: COORDINATOR,
        headers: jsonHeaders,
        body: `{"broken": ${'['.repeat(100)} ${'x'.repeat(300 * 1024)}`,
      });
      expectProblem(response, 413, 'payload-too-large');
    });

    it('an invalid body on an unknown case → 400', async () => {
      const response = await api.post(
        `/api/v1/cases/${randomUUID()}/assignments`,
        { readerId: '' },
        COORDINATOR,
        {},
        INVALID_ON_PURPOSE,
      );
      expectProblem(response, 400, 'validation-failed');
    });

    it('an invalid body and a stale If-Match → 400', async () => {
      const caseId = await requestCase();
      const response = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad a' },
        COORDINATOR,
        { 'if-match': '"9"' },
        INVALID_ON_PURPOSE,
      );
      expectProblem(response, 400, 'validation-failed');
    });

    it('an unknown case and a stale If-Match → 404', async () => {
      const response = await api.post(
        `/api/v1/cases/${randomUUID()}/assignments`,
        { readerId: 'rad-a', role: 'primary' },
        COORDINATOR,
        { 'if-match': '"3"' },
      );
      expectProblem(response, 404, 'not-found');
    });

    it('an unknown assignment and a stale If-Match → 404', async () => {
      const caseId = await requestCase();
      const before = await snapshot(caseId);
      const response = await api.post(
        `/api/v1/cases/${caseId}/reads`,
        { assignmentId: randomUUID() },
        radiologist('rad-a'),
        { 'if-match': '"5"' },
      );
      expectProblem(response, 404, 'not-found');
      await expectUnchanged(caseId, before);
    });

    it('a stale If-Match and a broken domain rule → 412', async () => {
      const caseId = await requestCase();
      await assign(caseId, 'rad-a');
      const before = await snapshot(caseId);
      // rad-a again would be reader-not-independent (422), but the precondition is checked first.
      const response = await api.post(
        `/api/v1/cases/${caseId}/assignments`,
        { readerId: 'rad-a', role: 'primary' },
        COORDINATOR,
        { 'if-match': '"0"' },
      );
      expectProblem(response, 412, 'precondition-failed');
      // not-your-assignment (403, a domain rule) comes after the precondition too.
      const a = (await api.get<{ assignments: Json[] }>(`/api/v1/cases/${caseId}`, COORDINATOR)).body
        .assignments[0]!;
      const notYours = await api.post(
        `/api/v1/cases/${caseId}/reads`,
        { assignmentId: a.assignmentId },
        radiologist('rad-z'),
        { 'if-match': '"0"' },
      );
      expectProblem(notYours, 412, 'precondition-failed');
      await expectUnchanged(caseId, before);
    });

    it('a bad token and an invalid path id → 401; a role not allowed and an invalid path id → 403', async () => {
      expectProblem(await send('GET', '/api/v1/cases/not-a-uuid', INVALID_ON_PURPOSE), 401, 'unauthorized');
      expectProblem(
        await send('GET', '/api/v1/cases/not-a-uuid/history', {
          invalidOnPurpose: true,
          as: radiologist('rad-a'),
        }),
        403,
        'forbidden',
      );
    });
  });
});
