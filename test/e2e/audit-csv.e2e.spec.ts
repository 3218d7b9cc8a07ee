import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { EVENT_STORE, type EventStore } from '../../src/application/ports/event-store.port.js';
import { AUDIT_CSV_COLUMNS } from '../../src/infrastructure/http/audit/audit-csv.js';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { ApiClient, type Caller, QUALITY, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

const AUDIT_ONLY = { names: ['audit-trail'] };

type Column = (typeof AUDIT_CSV_COLUMNS)[number];
type AuditRow = Record<Exclude<Column, 'data'>, string | number | undefined> & {
  eventId: string;
  type: string;
  summary: string;
  data: Record<string, unknown>;
};

/** Free text a spreadsheet would run as a formula, were it the start of a cell. */
const HYPERLINK = '=HYPERLINK("http://evil.example/","open")';
const PLUS = '+1';
const MINUS = '-2';
const AT = '@SUM';

/** Actor ids may begin with - and @ (they are plain tokens): a coordinator whose id is a formula prefix. */
const AT_COORDINATOR: Caller = { sub: AT, roles: ['coordinator'], name: 'At Coordinator' };
const MINUS_COORDINATOR: Caller = { sub: MINUS, roles: ['coordinator'], name: 'Minus Coordinator' };

/** What a spreadsheet treats as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A JSON row's cell as text: what a tool reads back from the raw export. */
function cell(row: AuditRow, column: Column): string {
  if (column === 'data') return JSON.stringify(row.data);
  const value = row[column];
  return value === undefined ? '' : String(value);
}

function records(csv: string): Array<Record<Column, string>> {
  const [header, ...rows] = parse(csv, { columns: false, skip_empty_lines: false }) as string[][];
  expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
  return rows.map(
    (row) => Object.fromEntries(AUDIT_CSV_COLUMNS.map((column, index) => [column, row[index]])) as never,
  );
}

describe('audit-trail CSV export (HTTP): safe to open in a spreadsheet, exact with ?raw=true', () => {
  let running: RunningApp;
  let api: ApiClient;
  let runner: ProjectionRunner;
  let caseId: string;
  /** An access event from another writer (an older engine, an import): no HTTP validation ever saw its metadata. */
  let foreignEventId: string;

  async function post(path: string, body: unknown, as: Caller, correlationId: string) {
    const response = await api.post(`/api/v1/cases${path}`, body, as, { 'x-correlation-id': correlationId });
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${response.text}`);
    return response.body as Record<string, string>;
  }

  async function json(path: string): Promise<AuditRow[]> {
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    const response = await api.get<{ items: AuditRow[] }>(path, QUALITY);
    expect(response.status).toBe(200);
    return response.body.items;
  }

  async function csv(path: string): Promise<Array<Record<Column, string>>> {
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    const response = await api.get(path, QUALITY, { accept: 'text/csv' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    return records(response.text);
  }

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    runner = running.app.get(ProjectionRunner);
    const store = running.app.get<EventStore>(EVENT_STORE);

    caseId = (
      await post(
        '',
        secondOpinionRequest({
          patientRef: 'pt-3f9a',
          requester: { kind: 'patient', id: 'req-77' },
          clinicalQuestion: HYPERLINK,
        }),
        AT_COORDINATOR,
        MINUS,
      )
    ).caseId;
    await post(`/${caseId}/withdrawal`, { reason: PLUS }, MINUS_COORDINATOR, AT);

    foreignEventId = randomUUID();
    await store.append(
      `access-${caseId}`,
      [
        {
          eventId: foreignEventId,
          type: 'CaseDataAccessed',
          data: { caseId, resource: 'case', actorId: HYPERLINK, ip: '\t10.0.0.1', userAgent: `${AT}(A1:A9)` },
          metadata: {
            actor: { id: HYPERLINK, role: 'medico-legal' },
            occurredAt: new Date().toISOString(),
            schemaVersion: 1,
            $correlationId: PLUS,
            $causationId: '\r@cause',
          },
          schemaVersion: 1,
        },
      ],
      { expected: 'any' },
    );
  });

  afterAll(async () => {
    await running.close();
  });

  it("names the request's requester as the requester and its patient as the patient", async () => {
    const rows = await json(`/api/v1/cases/${caseId}/audit-trail`);
    const request = rows.find((row) => row.type === 'SecondOpinionRequested')!;
    expect(request.summary).toMatch(
      /^@SUM recorded a routine request for a second opinion \(two independent reads\) /,
    );
    expect(request.summary).toContain(' from requester req-77 (patient) on patient pt-3f9a: DX wrist study ');
    expect(request.summary).not.toContain('patient req-77');
  });

  it.each([
    ['the case endpoint', () => `/api/v1/cases/${caseId}/audit-trail`],
    ['the search endpoint', () => `/api/v1/audit-trail?caseId=${caseId}`],
  ])(
    '%s: every cell that would start a formula begins with a single quote, the rest as stored',
    async (_, path) => {
      const rows = await json(path());
      const exported = new Map((await csv(path())).map((record) => [record.eventId, record]));
      expect(rows.map((row) => row.eventId)).toContain(foreignEventId);
      for (const row of rows) {
        const record = exported.get(row.eventId)!;
        for (const column of AUDIT_CSV_COLUMNS) {
          const stored = cell(row, column);
          expect({ column, value: record[column] }).toEqual({
            column,
            value: FORMULA_START.test(stored) ? `'${stored}` : stored,
          });
        }
      }
      for (const record of exported.values()) {
        for (const column of AUDIT_CSV_COLUMNS) expect(record[column]).not.toMatch(FORMULA_START);
      }

      const request = rows.find((row) => row.type === 'SecondOpinionRequested')!;
      expect(exported.get(request.eventId)).toMatchObject({
        actorId: `'${AT}`,
        correlationId: `'${MINUS}`,
        summary: expect.stringMatching(/^'@SUM recorded a routine request/),
      });
      const withdrawal = rows.find((row) => row.type === 'CaseWithdrawn')!;
      expect(exported.get(withdrawal.eventId)).toMatchObject({
        actorId: `'${MINUS}`,
        correlationId: `'${AT}`,
        summary: `'${MINUS} withdrew the case: ${PLUS}`,
      });
      expect(exported.get(foreignEventId)).toMatchObject({
        actorId: `'${HYPERLINK}`,
        correlationId: `'${PLUS}`,
        causationId: "'\r@cause",
        summary: `'${HYPERLINK} viewed the case from 10.0.0.1`,
      });
    },
  );

  it.each([
    ['the case endpoint', () => `/api/v1/cases/${caseId}/audit-trail?raw=true`],
    ['the search endpoint', () => `/api/v1/audit-trail?caseId=${caseId}&raw=true`],
  ])('%s with ?raw=true: csv-parse reads back every cell exactly as stored', async (_, path) => {
    const rows = await json(path());
    const exported = new Map((await csv(path())).map((record) => [record.eventId, record]));
    for (const row of rows) {
      const record = exported.get(row.eventId)!;
      for (const column of AUDIT_CSV_COLUMNS) {
        expect({ column, value: record[column] }).toEqual({ column, value: cell(row, column) });
      }
    }
    const request = rows.find((row) => row.type === 'SecondOpinionRequested')!;
    expect(exported.get(request.eventId)).toMatchObject({ actorId: AT, correlationId: MINUS });
    expect(JSON.parse(exported.get(request.eventId)!.data)).toMatchObject({ clinicalQuestion: HYPERLINK });
    const withdrawal = rows.find((row) => row.type === 'CaseWithdrawn')!;
    expect(exported.get(withdrawal.eventId)).toMatchObject({
      actorId: MINUS,
      correlationId: AT,
      summary: `${MINUS} withdrew the case: ${PLUS}`,
    });
    expect(exported.get(foreignEventId)).toMatchObject({
      actorId: HYPERLINK,
      correlationId: PLUS,
      causationId: '\r@cause',
      summary: `${HYPERLINK} viewed the case from 10.0.0.1`,
    });
    expect(JSON.parse(exported.get(foreignEventId)!.data)).toEqual({
      caseId,
      resource: 'case',
      actorId: HYPERLINK,
      ip: '\t10.0.0.1',
      userAgent: `${AT}(A1:A9)`,
    });
  });

  it('takes raw=false as the default, and refuses a raw that is not true or false', async () => {
    const path = `/api/v1/cases/${caseId}/audit-trail`;
    const safe = await csv(`${path}?raw=false`);
    expect(safe.find((record) => record.eventId === foreignEventId)?.actorId).toBe(`'${HYPERLINK}`);
    const refused = await api.get(`${path}?raw=yes`, QUALITY, {}, INVALID_ON_PURPOSE);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ field: 'raw' })],
    });
  });
});
