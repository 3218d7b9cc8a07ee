import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningApp, startTestApp } from '../../support/app.js';
import { ApiClient, COORDINATOR, radiologist, secondOpinionRequest } from '../../support/api.js';
import { caseSteps } from '../../support/case-steps.js';
import { EventStorePosition } from '../../support/event-store-position.js';
import { expectProblem, fieldsOf } from '../../support/problem.js';
import { type RawResponse, sendRaw } from '../../support/raw-http.js';

type Json = Record<string, unknown>;

/**
 * What the command fuzz (command-fuzz.spec.ts) found, pinned as plain examples: each of these once
 * answered a 5xx, a bare fastify error, or was accepted although api.md refuses it.
 */
describe('hostile input the fuzz found (regressions)', () => {
  let running: RunningApp;
  let api: ApiClient;
  let store: EventStorePosition;
  const { caseWithStartedRead } = caseSteps(() => api);

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    store = await EventStorePosition.connect(running.database.url);
  });
  afterAll(async () => {
    await store.close();
    await running.close();
  });

  async function post(
    path: string,
    body: string,
    as = COORDINATOR,
    headers: Json = {},
  ): Promise<RawResponse> {
    return sendRaw(running.baseUrl, 'POST', path, {
      token: await api.token(as.sub, as.roles, as.name),
      body: new TextEncoder().encode(body),
      headers: { 'content-type': 'application/json', ...(headers as Record<string, string>) },
      hostileInput: true,
    });
  }

  /** Runs `act` and checks that the event store did not move. */
  async function nothingWritten(act: () => Promise<void>): Promise<void> {
    const before = await store.read();
    await act();
    expect(await store.read()).toEqual(before);
  }

  it('an array where a nested object belongs is a 400, not a 500 (study, requester, priorReport, findings, priorReportReview)', async () => {
    const request = secondOpinionRequest();
    const bodies: Array<[Json, string]> = [
      [{ ...request, priorReport: [request.priorReport] }, 'priorReport'],
      [{ ...request, study: [request.study] }, 'study'],
      [{ ...request, requester: [request.requester] }, 'requester'],
      [
        {
          ...request,
          priorReport: {
            ...(request.priorReport as Json),
            findings: [[{ code: 'fracture', presence: 'absent' }]],
          },
        },
        'priorReport.findings',
      ],
    ];
    await nothingWritten(async () => {
      for (const [body, field] of bodies) {
        const response = await post('/api/v1/cases', JSON.stringify(body));
        expectProblem(response, 400, 'validation-failed');
        expect(fieldsOf(response)).toContain(field);
      }
    });

    const { caseId, assignmentId } = await caseWithStartedRead({}, 'rad-r1');
    const opinion = {
      assignmentId,
      findings: [{ code: 'fracture', presence: 'present' }],
      impression: 'Fracture.',
      confidence: 4,
    };
    await nothingWritten(async () => {
      for (const [body, field] of [
        [{ ...opinion, priorReportReview: [{ score: '1' }] }, 'priorReportReview'],
        [{ ...opinion, findings: [[{ code: 'fracture', presence: 'present' }]] }, 'findings'],
      ] as Array<[Json, string]>) {
        const response = await post(
          `/api/v1/cases/${caseId}/opinions`,
          JSON.stringify(body),
          radiologist('rad-r1'),
        );
        expectProblem(response, 400, 'validation-failed');
        expect(fieldsOf(response)).toContain(field);
      }
    });
  });

  it('keys named after Object.prototype members are unknown fields (400), not silently dropped', async () => {
    const { caseId } = await caseWithStartedRead({}, 'rad-r1');
    const cases: Array<[string, string]> = [
      ['{"reason":"x","constructor":{"name":"x"}}', 'constructor'],
      ['{"reason":"x","prototype":{"polluted":true}}', 'prototype'],
      ['{"reason":"x","valueOf":1,"toString":"y"}', 'toString'],
      ['{"reason":"x","hasOwnProperty":true}', 'hasOwnProperty'],
      ['{"reason":"x","__defineGetter__":1}', '__defineGetter__'],
    ];
    await nothingWritten(async () => {
      for (const [body, field] of cases) {
        const response = await post(`/api/v1/cases/${caseId}/withdrawal`, body);
        expectProblem(response, 400, 'validation-failed');
        expect(fieldsOf(response)).toContain(field);
      }
      const nested = await post(
        `/api/v1/cases/${caseId}/reference-standard`,
        '{"source":"pathology","findings":[{"code":"fracture","presence":"present","isPrototypeOf":1}]}',
      );
      expectProblem(nested, 400, 'validation-failed');
      expect(fieldsOf(nested)).toEqual(['findings[0].isPrototypeOf']);
      // __proto__ and constructor.prototype are refused by the parser already.
      for (const body of [
        '{"reason":"x","__proto__":{"polluted":true}}',
        '{"reason":"x","constructor":{"prototype":{"polluted":true}}}',
      ]) {
        expectProblem(await post(`/api/v1/cases/${caseId}/withdrawal`, body), 400, 'invalid-body');
      }
    });
    expect(({} as Json).polluted).toBeUndefined();
    const view = await api.get(`/api/v1/cases/${caseId}`, COORDINATOR);
    expect(view.body.status).toBe('in-review');
  });

  it('C1 control characters are refused in text; NEL (U+0085) is a newline and allowed', async () => {
    const { caseId } = await caseWithStartedRead({}, 'rad-r1');
    await nothingWritten(async () => {
      for (const escape of ['\\u009b', '\\u0080', '\\u009f', '\\u007f']) {
        const response = await post(`/api/v1/cases/${caseId}/withdrawal`, `{"reason":"a${escape}[2Jb"}`);
        expectProblem(response, 400, 'validation-failed');
        expect(fieldsOf(response)).toEqual(['reason']);
      }
    });
    const nel = await post(
      `/api/v1/cases/${caseId}/reference-standard`,
      '{"source":"pathology","findings":[{"code":"fracture","presence":"present"}],"note":"line\\u0085next"}',
    );
    expect(nel.status).toBe(201);
  });

  it('one UTF-8 byte-order mark before the JSON is tolerated, a second one is not JSON (400)', async () => {
    const { caseId } = await caseWithStartedRead({}, 'rad-r1');
    const body = '{"source":"pathology","findings":[{"code":"fracture","presence":"present"}]}';
    const send = async (prefix: number[]) =>
      sendRaw(running.baseUrl, 'POST', `/api/v1/cases/${caseId}/reference-standard`, {
        token: await api.token(COORDINATOR.sub, COORDINATOR.roles),
        body: Buffer.concat([Buffer.from(prefix), Buffer.from(body)]),
        headers: { 'content-type': 'application/json' },
        hostileInput: true,
      });
    await nothingWritten(async () => {
      expectProblem(await send([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), 400, 'invalid-body');
    });
    expect((await send([0xef, 0xbb, 0xbf])).status).toBe(201);
  });

  it('a path fastify cannot route (over-long parameter, malformed %-escape) is a problem+json 400', async () => {
    for (const segment of ['a'.repeat(101), '%zz', '%E0%A4%A', '%C0%80']) {
      const response = await post(`/api/v1/cases/${segment}/withdrawal`, '{"reason":"x"}', COORDINATOR, {
        'x-correlation-id': 'fuzz-regression-1',
      });
      expectProblem(response, 400, 'bad-request');
      expect(response.headers.get('x-correlation-id')).toBe('fuzz-regression-1');
      expect(response.text).not.toMatch(/FST_ERR|statusCode/);
    }
  });
});
