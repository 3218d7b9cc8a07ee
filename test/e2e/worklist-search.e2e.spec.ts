import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { WorklistUpgrade } from '../../src/projections/worklist/worklist.upgrade.js';
import {
  ApiClient,
  type Caller,
  COORDINATOR,
  INTEGRATOR,
  MEDICO_LEGAL,
  QUALITY,
  radiologist,
} from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import { activeGeneration } from '../support/read-models.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

type Json = Record<string, unknown>;
interface Row {
  caseId: string;
  status: string;
  patientRef: string | null;
  studyInstanceUid: string | null;
  bodyRegion: string | null;
  requester?: { kind: string; id: string; organisation?: string };
  priority: string;
  dueAt: string | null;
  readers: Array<{ readerId: string }>;
  requestedAt: string;
  consensusAt?: string;
  outcome?: string;
}

const HOUR = 3_600_000;
/** A reader that also coordinates: not limited to its own cases, so only blinding hides anything from it. */
const BLINDED_COORDINATOR: Caller = { sub: 'ws-rad-blind', roles: ['radiologist', 'coordinator'] };

// Search on GET /api/v1/cases (issue 11, item 7): what a row names, and the filters on it.
describe('worklist search over HTTP', () => {
  let running: RunningApp;
  let api: ApiClient;
  const { requestCase, assign, startRead, submitOpinion, command } = caseSteps(() => api);
  const caught = (): Promise<void> =>
    running.app.get(ProjectionRunner).waitUntilCaughtUp({ names: ['worklist'], timeoutMs: 10_000 });

  async function rows(query: string, as: Caller = COORDINATOR): Promise<Row[]> {
    await caught();
    const response = await api.get<{ items: Row[] }>(`/api/v1/cases${query}`, as);
    expect({ query, status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body.items;
  }
  const ids = async (query: string, as?: Caller): Promise<string[]> =>
    (await rows(query, as)).map((row) => row.caseId);

  const study = (uid: string, bodyRegion = 'wrist'): Json => ({
    studyInstanceUid: uid,
    modality: 'DX',
    bodyRegion,
    studyDate: '2026-03-01',
  });

  let insured: string;
  let lawyer: string;
  let settled: string;
  let early: string;
  let late: string;

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    insured = await requestCase({
      patientRef: 'ws-pt-1',
      study: study('1.2.826.0.7.1', 'ankle'),
      requester: { kind: 'insurer', id: 'ws-ins-1', organisation: 'Acme Insurance' },
      priority: 'stat',
    });
    lawyer = await requestCase({
      patientRef: 'ws-pt-1',
      study: study('1.2.826.0.7.2'),
      requester: { kind: 'legal-counsel', id: 'ws-law-1' },
    });
    // Settled by one read: its outcome is no-prior. ws-rad-blind held an assignment and never submitted.
    settled = await requestCase({
      patientRef: 'ws-pt-2',
      study: study('1.2.826.0.7.3'),
      requester: { kind: 'insurer', id: 'ws-ins-1' },
      readsRequired: 1,
      priorReport: undefined,
    });
    const spare = await assign(settled, BLINDED_COORDINATOR.sub);
    await command(`/api/v1/cases/${settled}/assignments/${spare}/unassignment`, { reason: 'Reassigned.' });
    const reader = await assign(settled, 'ws-rad-a');
    await startRead(settled, reader, 'ws-rad-a');
    expect((await submitOpinion(settled, reader, 'ws-rad-a')).status).toBe('consensus');
    // Imported history at known times, for the date range.
    early = await requestCase(
      { patientRef: 'ws-pt-3', study: study('1.2.826.0.7.4'), occurredAt: '2025-06-01T00:00:00.000Z' },
      INTEGRATOR,
    );
    late = await requestCase(
      { patientRef: 'ws-pt-3', study: study('1.2.826.0.7.5'), occurredAt: '2025-06-02T23:59:59.000Z' },
      INTEGRATOR,
    );
  }, 60_000);
  afterAll(async () => running.close());

  it('a row names the patient, the study, the body region, the requester, the priority and the due time', async () => {
    const [row] = await rows('?studyInstanceUid=1.2.826.0.7.1');
    expect(row).toMatchObject({
      caseId: insured,
      status: 'requested',
      patientRef: 'ws-pt-1',
      studyInstanceUid: '1.2.826.0.7.1',
      bodyRegion: 'ankle',
      requester: { kind: 'insurer', id: 'ws-ins-1', organisation: 'Acme Insurance' },
      priority: 'stat',
    });
    expect(Date.parse(row!.dueAt!) - Date.parse(row!.requestedAt)).toBe(4 * HOUR);
  });

  it('filters by patient ref, study UID, requester and requester kind', async () => {
    expect(await ids('?patientRef=ws-pt-1')).toEqual([insured, lawyer]);
    expect(await ids('?patientRef=ws-pt-nobody')).toEqual([]);
    expect(await ids('?studyInstanceUid=1.2.826.0.7.2')).toEqual([lawyer]);
    expect(await ids('?requesterId=ws-ins-1')).toEqual([insured, settled]);
    expect(await ids('?requesterKind=legal-counsel')).toEqual([lawyer]);
    expect(await ids('?requesterId=ws-ins-1&patientRef=ws-pt-2')).toEqual([settled]);
  });

  it('filters by outcome', async () => {
    expect(await ids('?outcome=no-prior')).toEqual([settled]);
    expect(await ids('?outcome=overturned')).toEqual([]);
    const [row] = await rows('?outcome=no-prior', MEDICO_LEGAL);
    expect(row).toMatchObject({ status: 'consensus', outcome: 'no-prior', consensusAt: expect.any(String) });
  });

  it('filters by the request date: a date means that whole UTC day, both ends included', async () => {
    expect(await ids('?requestedFrom=2025-06-01&requestedTo=2025-06-02')).toEqual([early, late]);
    expect(await ids('?requestedFrom=2025-06-02&requestedTo=2025-06-02')).toEqual([late]);
    expect(await ids('?requestedTo=2025-06-01')).toEqual([early]);
    expect(await ids('?requestedFrom=2025-06-01T00:00:01Z&requestedTo=2025-12-31')).toEqual([late]);
    expect(await ids('?requestedFrom=2025-06-01&requestedTo=2025-06-02T23:59:58Z')).toEqual([early]);
    // From the day of the live requests on: none of the imported history.
    const [first] = await rows(`?studyInstanceUid=1.2.826.0.7.1`);
    const live = await ids(`?requestedFrom=${first!.requestedAt.slice(0, 10)}`);
    expect(live).toEqual(expect.arrayContaining([insured, lawyer, settled]));
    expect(live).not.toContain(early);
  });

  it('hides the requester and the outcome from a blinded reader, and their filters never match its case', async () => {
    const [seen] = await rows('?patientRef=ws-pt-2', BLINDED_COORDINATOR);
    expect(seen).toMatchObject({
      caseId: settled,
      status: 'consensus',
      patientRef: 'ws-pt-2',
      studyInstanceUid: '1.2.826.0.7.3',
      bodyRegion: 'wrist',
    });
    expect(seen).not.toHaveProperty('requester');
    expect(seen).not.toHaveProperty('outcome');
    expect(seen).not.toHaveProperty('consensusAt');
    // A filter on what the row hides would tell it anyway: the blinded case drops out of such searches.
    expect(await ids('?outcome=no-prior', BLINDED_COORDINATOR)).toEqual([]);
    expect(await ids('?requesterId=ws-ins-1', BLINDED_COORDINATOR)).toEqual([insured]);
    expect(await ids('?requesterKind=insurer', BLINDED_COORDINATOR)).toEqual([insured]);
    // The reader that submitted, and the coordinator, see and find all of it.
    const [reader] = await rows('?outcome=no-prior', radiologist('ws-rad-a'));
    expect(reader).toMatchObject({ caseId: settled, requester: { kind: 'insurer', id: 'ws-ins-1' } });
  });

  it.each([
    ['patientRef=has%20space', 'patientRef'],
    ['studyInstanceUid=1.02.3', 'studyInstanceUid'],
    [`studyInstanceUid=1.${'2'.repeat(64)}`, 'studyInstanceUid'],
    ['requesterId=%3Cscript%3E', 'requesterId'],
    ['requesterKind=neighbour', 'requesterKind'],
    ['outcome=maybe', 'outcome'],
    ['requestedFrom=2025-02-30', 'requestedFrom'],
    ['requestedTo=yesterday', 'requestedTo'],
    ['requestedFrom=2025-06-03&requestedTo=2025-06-02', 'requestedTo'],
  ])('answers 400 for %s', async (query, field) => {
    const response = await api.get<Json>(`/api/v1/cases?${query}`, COORDINATOR, {}, INVALID_ON_PURPOSE);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ field })],
    });
  });

  it('records a search in the access log without its parameters (patient refs are personal data)', async () => {
    await rows('?patientRef=ws-pt-secret', QUALITY);
    await running.app.get(ProjectionRunner).waitUntilCaughtUp({ names: ['audit-trail'], timeoutMs: 10_000 });
    const log = await api.get<{ items: Json[] }>('/api/v1/access-log?actorId=qc-1&limit=500', QUALITY);
    expect(log.status).toBe(200);
    expect(log.body.items.some((item) => item.resource === 'worklist')).toBe(true);
    expect(JSON.stringify(log.body)).not.toContain('ws-pt-secret');
  });

  it('gives a generation made before the search columns existed those columns at start, and keeps serving', async () => {
    const client = new pg.Client({ connectionString: running.database.url });
    await client.connect();
    try {
      await caught();
      const { schema } = (await activeGeneration(client, 'worklist'))!;
      // What an older engine's generation looks like: no search columns, no search indexes.
      await client.query(
        `ALTER TABLE "${schema}".worklist DROP COLUMN patient_ref, DROP COLUMN study_uid,
           DROP COLUMN body_region, DROP COLUMN requester`,
      );
      await running.app.get(WorklistUpgrade).onApplicationBootstrap();
      const before = await rows(`?limit=500`);
      expect(before.find((row) => row.caseId === lawyer)).toMatchObject({
        patientRef: null,
        studyInstanceUid: null,
        bodyRegion: null,
      });
      // New events fill the columns in; the rows written before wait for a rebuild.
      const fresh = await requestCase({ patientRef: 'ws-pt-4', study: study('1.2.826.0.7.6') });
      expect(await ids('?patientRef=ws-pt-4')).toEqual([fresh]);
      const rebuilt = await running.app.get(ProjectionRunner).rebuild('worklist');
      expect(rebuilt).toMatchObject({ name: 'worklist' });
      await caught();
      expect(await ids('?patientRef=ws-pt-1')).toEqual([insured, lawyer]);
    } finally {
      await client.end();
    }
  });
});
