import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import {
  type ApiResponse,
  ApiClient,
  type Caller,
  INTEGRATOR,
  MEDICO_LEGAL,
  QUALITY,
} from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { type CaseHistory, caseSteps, FRACTURE_PRESENT } from '../support/case-steps.js';

type Json = Record<string, unknown>;

const DAY = 86_400_000;
const dayOf = (time: number): string => new Date(time).toISOString().slice(0, 10);
const dayAfter = (date: string, days: number): string => dayOf(Date.parse(`${date}T00:00:00Z`) + days * DAY);
const minus1ms = (time: string): string => new Date(Date.parse(time) - 1).toISOString();

/** Imported history: the case was requested on DAY_D at 20:00 UTC and read on the next morning. */
const DAY_D = dayOf(Date.now() - 3 * DAY);
const NEXT_DAY = dayAfter(DAY_D, 1);
const REQUESTED_AT = `${DAY_D}T20:00:00.000Z`;
const READER = 'rad-dates';

// docs/api.md "Dates": every query date parameter is a date (YYYY-MM-DD) or an RFC 3339 date-time; a
// date is the start of its UTC day for `from`, its end for `to`, `asOf` and `asOccurredBy`.
describe('query dates over HTTP: one rule for the audit trail, access log, metrics and history', () => {
  let running: RunningApp;
  let api: ApiClient;
  const { requestCase, assign, startRead, submitOpinion } = caseSteps(() => api);
  let caseId: string;
  /** When the case's first access (a read of the case) was recorded. */
  let accessedAt: string;

  const get = async <Body = Json>(path: string, as: Caller): Promise<ApiResponse<Body>> => {
    const response = await api.get<Body>(path, as);
    expect({ path, status: response.status, body: response.body }).toMatchObject({ path, status: 200 });
    return response;
  };
  const auditTypes = async (path: string): Promise<string[]> =>
    (await get<{ items: Array<{ type: string }> }>(path, QUALITY)).body.items.map((row) => row.type);
  const accessedAts = async (query: string): Promise<string[]> =>
    (
      await get<{ items: Array<{ accessedAt: string }> }>(
        `/api/v1/access-log?caseId=${caseId}&${query}`,
        QUALITY,
      )
    ).body.items.map((row) => row.accessedAt);
  const readersOf = async (query: string): Promise<string[]> =>
    (
      await get<{ items: Array<{ readerId: string }> }>(`/api/v1/metrics/readers?${query}`, QUALITY)
    ).body.items.map((item) => item.readerId);
  const history = async (query: string): Promise<CaseHistory> =>
    (await get<CaseHistory>(`/api/v1/cases/${caseId}/history?${query}`, MEDICO_LEGAL)).body;

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    const at = (time: string): string => `${NEXT_DAY}T${time}:00.000Z`;
    caseId = await requestCase(
      {
        patientRef: 'pt-dates',
        study: { studyInstanceUid: '1.2.3.4.5', modality: 'DX', bodyRegion: 'wrist', studyDate: DAY_D },
        readsRequired: 1,
        priorReport: undefined,
        occurredAt: REQUESTED_AT,
      },
      INTEGRATOR,
    );
    const assignmentId = await assign(caseId, READER, 'primary', { occurredAt: at('08:00'), as: INTEGRATOR });
    await startRead(caseId, assignmentId, INTEGRATOR, { occurredAt: at('08:05') });
    await submitOpinion(caseId, assignmentId, INTEGRATOR, {
      findings: FRACTURE_PRESENT,
      impression: 'Read for the dates test.',
      occurredAt: at('08:30'),
    });
    expect((await api.get(`/api/v1/cases/${caseId}`, MEDICO_LEGAL)).status).toBe(200);
    await running.app
      .get(ProjectionRunner)
      .waitUntilCaughtUp({ names: ['audit-trail', 'reader-metrics'], timeoutMs: 20_000 });
    accessedAt = (await accessedAts('limit=1'))[0]!;
  }, 60_000);
  afterAll(async () => running.close());

  describe.each([
    ['the case audit trail', () => `/api/v1/cases/${caseId}/audit-trail?`],
    ['the audit trail across cases', () => `/api/v1/audit-trail?caseId=${caseId}&`],
  ])('%s (occurredAt)', (_, path) => {
    it('takes a date: from its first instant, to its last (the whole day is included)', async () => {
      expect(await auditTypes(`${path()}to=${DAY_D}`)).toEqual(['SecondOpinionRequested']);
      expect(await auditTypes(`${path()}from=${DAY_D}&to=${DAY_D}`)).toEqual(['SecondOpinionRequested']);
      expect(await auditTypes(`${path()}to=${dayAfter(DAY_D, -1)}`)).toEqual([]);
      const fromNextDay = await auditTypes(`${path()}from=${NEXT_DAY}`);
      expect(fromNextDay).toContain('ReaderAssigned');
      expect(fromNextDay).not.toContain('SecondOpinionRequested');
    });

    it('takes an RFC 3339 date-time, to inclusive, in any offset', async () => {
      expect(await auditTypes(`${path()}to=${REQUESTED_AT}`)).toEqual(['SecondOpinionRequested']);
      expect(await auditTypes(`${path()}to=${minus1ms(REQUESTED_AT)}`)).toEqual([]);
      // 00:00 at +04:00 on the next day is 20:00 UTC on DAY_D; `+` is percent-encoded in a query string.
      expect(await auditTypes(`${path()}to=${NEXT_DAY}T00:00:00%2B04:00`)).toEqual([
        'SecondOpinionRequested',
      ]);
      // A date `to` ends with its day, so it may follow a `from` later on the same day.
      expect(await auditTypes(`${path()}from=${DAY_D}T19:00:00Z&to=${DAY_D}`)).toEqual([
        'SecondOpinionRequested',
      ]);
    });
  });

  describe('the access log (accessedAt)', () => {
    it('takes a date: the day of an access includes it, the day before and after do not', async () => {
      const day = accessedAt.slice(0, 10);
      expect(await accessedAts(`to=${day}`)).toContain(accessedAt);
      expect(await accessedAts(`from=${day}&to=${day}`)).toContain(accessedAt);
      expect(await accessedAts(`to=${dayAfter(day, -1)}`)).toEqual([]);
      expect(await accessedAts(`from=${dayAfter(day, 1)}`)).toEqual([]);
    });

    it('takes an RFC 3339 date-time, to inclusive', async () => {
      expect(await accessedAts(`to=${accessedAt}`)).toEqual([accessedAt]);
      expect(await accessedAts(`to=${minus1ms(accessedAt)}`)).toEqual([]);
      expect(await accessedAts(`from=${accessedAt}`)).toContain(accessedAt);
    });
  });

  describe("the reader metrics (the request's occurredAt)", () => {
    it('takes a date: to includes the whole day', async () => {
      expect(await readersOf(`to=${DAY_D}`)).toEqual([READER]);
      expect(await readersOf(`from=${DAY_D}&to=${DAY_D}`)).toEqual([READER]);
      expect(await readersOf(`to=${dayAfter(DAY_D, -1)}`)).toEqual([]);
      expect(await readersOf(`from=${NEXT_DAY}`)).toEqual([]);
      const reader = await get<{ reads: number }>(
        `/api/v1/metrics/readers/${READER}?from=${DAY_D}&to=${DAY_D}`,
        QUALITY,
      );
      expect(reader.body.reads).toBe(1);
    });

    it('takes an RFC 3339 date-time, to inclusive', async () => {
      expect(await readersOf(`to=${REQUESTED_AT}`)).toEqual([READER]);
      expect(await readersOf(`from=${REQUESTED_AT}&to=${REQUESTED_AT}`)).toEqual([READER]);
      expect(await readersOf(`to=${minus1ms(REQUESTED_AT)}`)).toEqual([]);
    });
  });

  describe('the history (asOf: recordedAt, asOccurredBy: occurredAt)', () => {
    it('takes a date for asOf: an event recorded that day is included', async () => {
      const latest = await history('');
      const lastRecorded = latest.events.at(-1)!.recordedAt;
      const asOfThatDay = await history(`asOf=${lastRecorded.slice(0, 10)}`);
      expect(asOfThatDay.revision).toBe(latest.revision);
      expect(asOfThatDay.events.map((event) => event.eventId)).toEqual(
        latest.events.map((event) => event.eventId),
      );
    });

    it('takes an RFC 3339 date-time for asOf, inclusive', async () => {
      const first = (await history('')).events[0]!;
      const atFirst = await history(`asOf=${first.recordedAt}`);
      expect(atFirst.revision).toBe(0);
      expect(atFirst.state).toMatchObject({ status: 'requested' });
    });

    it('takes a date for asOccurredBy: what had happened by the end of that day', async () => {
      const byDayD = await history(`asOccurredBy=${DAY_D}`);
      expect(byDayD.revision).toBe(0);
      expect(byDayD.events.map((event) => event.type)).toEqual(['SecondOpinionRequested']);
      const byNextDay = await history(`asOccurredBy=${NEXT_DAY}`);
      expect(byNextDay.events.map((event) => event.type)).toEqual(
        expect.arrayContaining(['SecondOpinionRequested', 'ReaderAssigned', 'OpinionSubmitted']),
      );
      expect((await history(`asOccurredBy=${REQUESTED_AT}`)).revision).toBe(0);
    });

    it('answers 404 before-case-existed for a point before the case, date or date-time', async () => {
      const firstRecorded = (await history('')).events[0]!.recordedAt;
      for (const query of [
        `asOf=${dayAfter(firstRecorded.slice(0, 10), -1)}`,
        `asOf=${minus1ms(firstRecorded)}`,
        `asOccurredBy=${dayAfter(DAY_D, -1)}`,
        `asOccurredBy=${minus1ms(REQUESTED_AT)}`,
      ]) {
        const response = await api.get<Json>(`/api/v1/cases/${caseId}/history?${query}`, MEDICO_LEGAL);
        expect({ query, status: response.status }).toEqual({ query, status: 404 });
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({
          status: 404,
          code: 'before-case-existed',
          detail: expect.stringContaining(`Case ${caseId} did not exist yet`),
        });
      }
    });
  });

  describe('malformed dates', () => {
    const endpoints: Array<[name: string, path: () => string, parameters: string[], as: Caller]> = [
      ['case audit trail', () => `/api/v1/cases/${caseId}/audit-trail`, ['from', 'to'], QUALITY],
      ['audit trail', () => '/api/v1/audit-trail', ['from', 'to'], QUALITY],
      ['access log', () => '/api/v1/access-log', ['from', 'to'], QUALITY],
      ['metrics', () => '/api/v1/metrics/readers', ['from', 'to'], QUALITY],
      ['history', () => `/api/v1/cases/${caseId}/history`, ['asOf', 'asOccurredBy'], MEDICO_LEGAL],
    ];

    it.each([
      'yesterday',
      '2026-02-30',
      '2026-12-1',
      '01/12/2026',
      '2026-12-01T09:30',
      '2026-12-01T09:30:00',
      '2026-12-01T25:00:00Z',
      '2026-12-01T09:30:00%2B24:00',
    ])('%s is a 400 validation-failed naming the parameter, on every endpoint', async (value) => {
      for (const [name, path, parameters, as] of endpoints) {
        for (const parameter of parameters) {
          const response = await api.get<Json>(`${path()}?${parameter}=${value}`, as);
          expect({ name, parameter, status: response.status }).toEqual({ name, parameter, status: 400 });
          expect(response.body).toMatchObject({
            code: 'validation-failed',
            errors: [
              {
                field: parameter,
                message: `${parameter} must be a date (YYYY-MM-DD) or an RFC 3339 date-time, e.g. 2026-12-01 or 2026-12-01T09:30:00Z`,
              },
            ],
          });
        }
      }
    });

    it('refuses a to before its from, comparing the end of a date to with the start of a date from', async () => {
      for (const [name, path, , as] of endpoints.filter(([, , names]) => names.includes('from'))) {
        const response = await api.get<Json>(`${path()}?from=${NEXT_DAY}&to=${DAY_D}`, as);
        expect({ name, status: response.status, body: response.body }).toMatchObject({
          name,
          status: 400,
          body: {
            code: 'validation-failed',
            errors: [{ field: 'to', message: 'to must not be before from' }],
          },
        });
      }
    });
  });
});
