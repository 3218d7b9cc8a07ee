import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

type Json = Record<string, unknown>;
type Presence = 'present' | 'absent';

interface Figures {
  code?: string;
  reference: string;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  uncertain: number;
  n: number;
  agreement: { value: number | null; low: number | null; high: number | null };
  sensitivity: { value: number | null; low: number | null; high: number | null };
  specificity: { value: number | null; low: number | null; high: number | null };
  kappa: number | null;
}
interface ReaderItem extends Json {
  readerId: string;
  reads: number;
  insufficientData: boolean;
  byFinding: Figures[];
  byBodyRegion: Array<Figures & { bodyRegion: string }>;
}

const DAY = 86_400_000;
const JANUARY = Date.parse('2025-01-01T09:00:00.000Z');
const MARCH = Date.parse('2025-03-03T09:00:00.000Z');

/** rad-a: 20 TP, 5 FP, 3 FN, 2 TN on fracture against the reference standard (30 wrist reads, January). */
const RAD_A_CASES: Array<[opinion: Presence, truth: Presence]> = [
  ...Array.from({ length: 20 }, (): [Presence, Presence] => ['present', 'present']),
  ...Array.from({ length: 5 }, (): [Presence, Presence] => ['present', 'absent']),
  ...Array.from({ length: 3 }, (): [Presence, Presence] => ['absent', 'present']),
  ...Array.from({ length: 2 }, (): [Presence, Presence] => ['absent', 'absent']),
];

/** Every non-integer number of a response has at most 4 decimals. */
function roundedTo4(value: unknown): boolean {
  if (typeof value === 'number')
    return Number.isInteger(value) || Math.abs(value * 1e4 - Math.round(value * 1e4)) < 1e-6;
  if (Array.isArray(value)) return value.every(roundedTo4);
  if (value !== null && typeof value === 'object') return Object.values(value).every(roundedTo4);
  return true;
}

function kappaOf(tp: number, fp: number, fn: number, tn: number): number {
  const n = tp + fp + fn + tn;
  const observed = (tp + tn) / n;
  const expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n);
  return (observed - expected) / (1 - expected);
}

// GET /api/v1/metrics/readers and /readers/{readerId} over HTTP, on cases built through the API.
describe('reader metrics over HTTP', () => {
  let running: RunningApp;
  let api: ApiClient;
  const { requestCase, assign, startRead, submitOpinion, command } = caseSteps(() => api);

  /** A single second read by `readerId` (imported history), then the truth as the reference standard. */
  async function readCase(
    readerId: string,
    at: number,
    bodyRegion: string,
    opinion: Presence,
    truth: Presence,
  ): Promise<void> {
    const time = (step: number): string => new Date(at + step * 60_000).toISOString();
    const caseId = await requestCase(
      {
        patientRef: `pt-${readerId}-${at}`,
        study: {
          studyInstanceUid: `1.2.3.${at}`,
          modality: 'DX',
          bodyRegion,
          studyDate: time(0).slice(0, 10),
        },
        clinicalQuestion: 'Fracture?',
        requester: { kind: 'referring-physician', id: 'dr-1', organisation: 'General' },
        readsRequired: 1,
        priorReport: undefined,
        occurredAt: time(0),
      },
      INTEGRATOR,
    );
    const assignmentId = await assign(caseId, readerId, 'primary', { occurredAt: time(1), as: INTEGRATOR });
    await startRead(caseId, assignmentId, INTEGRATOR, { occurredAt: time(2) });
    await submitOpinion(caseId, assignmentId, INTEGRATOR, {
      findings: [{ code: 'fracture', presence: opinion }],
      impression: 'Read for the metrics test.',
      occurredAt: time(12),
    });
    await command(
      `/api/v1/cases/${caseId}/reference-standard`,
      {
        source: 'follow-up-imaging',
        findings: [{ code: 'fracture', presence: truth }],
        occurredAt: time(20),
      },
      INTEGRATOR,
    );
  }

  const caughtUp = (...names: string[]): Promise<void> =>
    running.app.get(ProjectionRunner).waitUntilCaughtUp({ names, timeoutMs: 20_000 });

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    for (const [index, [opinion, truth]] of RAD_A_CASES.entries()) {
      await readCase('rad-a', JANUARY + index * DAY, 'wrist', opinion, truth);
    }
    await readCase('rad-b', MARCH, 'chest', 'present', 'present');
    await readCase('rad-b', MARCH + DAY, 'chest', 'absent', 'present');
    await caughtUp('reader-metrics');
  }, 60_000);
  afterAll(async () => running.close());

  it('lists every reader in the binding shape, rounded to 4 decimals, with counts against the reference standard and the consensus', async () => {
    const response = await api.get<{ items: ReaderItem[] }>('/api/v1/metrics/readers', QUALITY);
    expect(response.status).toBe(200);
    expect(response.body.items.map((item) => item.readerId)).toEqual(['rad-a', 'rad-b']);
    expect(roundedTo4(response.body)).toBe(true);
    const radA = response.body.items[0]!;
    expect(radA).toMatchObject({ readerId: 'rad-a', reads: 30, insufficientData: false });
    for (const key of [
      'overall',
      'byFinding',
      'byBodyRegion',
      'adjudicationRate',
      'adjudicatorAgreementRate',
      'readerDisagreementIndex',
      'turnaround',
      'radpeer',
      'funnel',
    ]) {
      expect({ key, present: key in radA }).toEqual({ key, present: true });
    }
    const fracture = radA.byFinding.filter((figures) => figures.code === 'fracture');
    expect(fracture.map((figures) => figures.reference)).toEqual(['reference-standard', 'consensus']);
    const [truth, consensus] = fracture;
    expect(truth).toMatchObject({ tp: 20, fp: 5, fn: 3, tn: 2, uncertain: 0, n: 30 });
    expect(Object.keys(truth!).sort()).toEqual(
      [
        'code',
        'reference',
        'tp',
        'fp',
        'fn',
        'tn',
        'uncertain',
        'n',
        'agreement',
        'sensitivity',
        'specificity',
        'kappa',
        'cases',
      ].sort(),
    );
    expect(truth!.agreement.value).toBeCloseTo(22 / 30, 4);
    expect(truth!.sensitivity.value).toBeCloseTo(20 / 23, 4);
    expect(truth!.specificity.value).toBeCloseTo(2 / 7, 4);
    expect(truth!.kappa).toBeCloseTo(kappaOf(20, 5, 3, 2), 4);
    for (const rate of [truth!.agreement, truth!.sensitivity, truth!.specificity]) {
      expect(rate.low!).toBeLessThanOrEqual(rate.value!);
      expect(rate.high!).toBeGreaterThanOrEqual(rate.value!);
    }
    // A single read without a prior report reaches consensus with the reader's own findings.
    expect(consensus).toMatchObject({ tp: 25, fp: 0, fn: 0, tn: 5, n: 30, kappa: 1 });
    // Imported history (occurredAt in 2025, recorded now): its 11-minute spans are stated, not observed.
    expect(radA.turnaround).toMatchObject({
      unit: 'seconds',
      n: 0,
      excluded: 30,
      backfilled: 30,
      median: { value: null },
    });
  });

  it('marks a reader with fewer than 30 compared reads as insufficient data, never an outlier', async () => {
    const response = await api.get<ReaderItem>('/api/v1/metrics/readers/rad-b', ADMIN);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      readerId: 'rad-b',
      reads: 2,
      insufficientData: true,
      funnel: { outlier: null },
    });
    expect(response.body.byBodyRegion.map((figures) => figures.bodyRegion)).toEqual(['chest', 'chest']);
  });

  it('gives a reader with nothing in scope the empty figures', async () => {
    const response = await api.get<ReaderItem>('/api/v1/metrics/readers/rad-a?bodyRegion=knee', QUALITY);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      readerId: 'rad-a',
      reads: 0,
      insufficientData: true,
      byFinding: [],
    });
  });

  it('answers 404 reader-not-found for an id no case ever assigned', async () => {
    const response = await api.get<Json>('/api/v1/metrics/readers/rad-nobody', QUALITY);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, code: 'reader-not-found' });
  });

  it('filters by body region, period (from and to inclusive, a date to its whole day) and finding', async () => {
    const readers = async (query: string): Promise<string[]> => {
      const response = await api.get<{ items: ReaderItem[] }>(`/api/v1/metrics/readers?${query}`, QUALITY);
      expect(response.status).toBe(200);
      return response.body.items.map((item) => item.readerId);
    };
    expect(await readers('bodyRegion=chest')).toEqual(['rad-b']);
    expect(await readers('bodyRegion=wrist')).toEqual(['rad-a']);
    expect(await readers('from=2025-02-01')).toEqual(['rad-b']);
    expect(await readers('to=2025-02-01T00:00:00Z')).toEqual(['rad-a']);
    expect(
      await readers(`from=${new Date(MARCH).toISOString()}&to=${new Date(MARCH + DAY).toISOString()}`),
    ).toEqual(['rad-b']);
    expect(await readers('bodyRegion=knee')).toEqual([]);
    // Ten days of January (to=2025-01-10 includes 10 January): rad-a's first ten reads, and one reader only.
    const january = await api.get<ReaderItem>(
      '/api/v1/metrics/readers/rad-a?from=2025-01-01&to=2025-01-10',
      QUALITY,
    );
    expect(january.body).toMatchObject({ reads: 10, insufficientData: true });
    const finding = await api.get<ReaderItem>('/api/v1/metrics/readers/rad-a?finding=pneumothorax', QUALITY);
    expect(finding.body.byFinding).toEqual([]);
    expect(finding.body.reads).toBe(30);
  });

  it.each([
    ['from=yesterday', 'from'],
    ['to=2025-13-45', 'to'],
    ['bodyRegion=Wrist', 'bodyRegion'],
    ['finding=broken-bone', 'finding'],
    ['readerId=rad-a', 'readerId'],
    ['from=2025-03-01&to=2025-02-01', 'to'],
    ['bodyRegion=wrist&bodyRegion=chest', 'bodyRegion'],
  ])('answers 400 problem+json for %s', async (query, field) => {
    const response = await api.get<Json>(`/api/v1/metrics/readers?${query}`, QUALITY, {}, INVALID_ON_PURPOSE);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 400,
      code: 'validation-failed',
      errors: [expect.objectContaining({ field })],
    });
  });

  it('answers 400 for a reader id that is not one', async () => {
    const response = await api.get<Json>(
      `/api/v1/metrics/readers/${encodeURIComponent('rad a!')}`,
      QUALITY,
      {},
      INVALID_ON_PURPOSE,
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation-failed' });
  });

  it.each([
    ['a coordinator', COORDINATOR],
    ['a radiologist', radiologist('rad-a')],
    ['medico-legal', MEDICO_LEGAL],
    ['an integrator', INTEGRATOR],
  ])('refuses %s (403)', async (_, who) => {
    for (const path of ['/api/v1/metrics/readers', '/api/v1/metrics/readers/rad-a']) {
      const response = await api.get<Json>(path, who);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'forbidden' });
    }
    expect((await api.request('GET', '/api/v1/metrics/readers')).status).toBe(401);
  });

  it('records each read of the metrics in the access log', async () => {
    const reader = { sub: 'qc-metrics', roles: ['quality-committee'] };
    expect((await api.get('/api/v1/metrics/readers?bodyRegion=wrist', reader)).status).toBe(200);
    expect((await api.get('/api/v1/metrics/readers/rad-a', reader)).status).toBe(200);
    await caughtUp('audit-trail');
    const log = await api.get<{ items: Json[] }>('/api/v1/access-log?actorId=qc-metrics', QUALITY);
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        resource: 'reader-metrics',
        actorId: 'qc-metrics',
        actorRole: 'quality-committee',
      }),
      expect.objectContaining({ resource: 'reader-metrics', actorId: 'qc-metrics' }),
    ]);
    expect(log.body.items[0]).not.toHaveProperty('caseId');
  });
});
