import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { ApiClient, COORDINATOR, INTEGRATOR, QUALITY } from '../support/api.js';
import { caseSteps } from '../support/case-steps.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

type Json = Record<string, unknown>;
type Presence = 'present' | 'absent';
interface Rate {
  value: number | null;
  n: number;
  reference?: string | null;
  cases?: Record<string, string>;
  [count: string]: unknown;
}
interface Figures {
  code?: string;
  reference: string;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  n: number;
  cases: Record<string, string>;
}
interface DecidingFigures {
  role: string;
  decisions: number;
  turnaround: { n: number; excluded: number; backfilled: number };
  referenceStandard: {
    overall: Figures;
    significant: Figures;
    byFinding: Figures[];
    matched: Rate;
    matchedOnSignificantCodes: Rate;
  };
  cases: Record<string, string>;
}
interface ReaderItem {
  readerId: string;
  reads: number;
  byFinding: Figures[];
  significant: Figures[];
  majorDiscordanceRate: Rate;
  adjudicationRate: Rate;
  adjudicatorAgreementRate: Rate;
  readerDisagreementIndex: Rate;
  funnel: Rate;
  turnaround: { n: number; excluded: number; backfilled: number; cases: Record<string, string> };
  adjudicatorAgreement: {
    reference: string;
    significantCodes: Rate;
    overall: Figures;
    significant: Figures;
    byFinding: Figures[];
  };
  asAdjudicator: DecidingFigures;
  asPanelist: DecidingFigures;
}
interface ReaderCasesPage {
  readerId: string;
  count: Json;
  total: number;
  items: Array<{
    caseId: string;
    requestedAt: string;
    opinionId?: string;
    code?: string;
    occurredAt?: string;
  }>;
  nextCursor?: string;
}

const finding = (code: string, presence: Presence) => ({ code, presence });

/** Every `cases` link of a response, with the count it stands beside (by the link's key). */
function countLinks(value: unknown, path = ''): Array<{ path: string; link: string; count: number }> {
  if (Array.isArray(value)) return value.flatMap((item, index) => countLinks(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Json;
  const own = Object.entries((object.cases ?? {}) as Record<string, string>).map(([key, link]) => {
    const count = key in object ? object[key] : (object.counts as Record<string, unknown> | undefined)?.[key];
    return { path: `${path}.${key}`, link, count: count as number };
  });
  return [
    ...own,
    ...Object.entries(object)
      .filter(([key]) => key !== 'cases')
      .flatMap(([key, item]) => countLinks(item, `${path}.${key}`)),
  ];
}

/** Every rate of a response: an object with a `value` and an `n`. */
function rates(value: unknown, path = ''): Array<{ path: string; rate: Json }> {
  if (Array.isArray(value)) return value.flatMap((item, index) => rates(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Json;
  const own = 'value' in object && typeof object.n === 'number' ? [{ path, rate: object }] : [];
  return [...own, ...Object.entries(object).flatMap(([key, item]) => rates(item, `${path}.${key}`))];
}

// The drill-down endpoint and the reader metrics of adjudicators, panelists, significant findings and backfilled history, over HTTP.
describe('reader metrics: deciding roles, agreement by finding, backfill, drill-down', () => {
  let running: RunningApp;
  let api: ApiClient;
  const { requestCase, assign, startRead, submitOpinion, command } = caseSteps(() => api);
  const ids: Record<string, string> = {};

  const caughtUp = (...names: string[]): Promise<void> =>
    running.app.get(ProjectionRunner).waitUntilCaughtUp({ names, timeoutMs: 20_000 });

  const metricsOf = async (readerId: string, query = ''): Promise<ReaderItem> => {
    const response = await api.get<ReaderItem>(`/api/v1/metrics/readers/${readerId}${query}`, QUALITY);
    expect(response.status).toBe(200);
    return response.body;
  };

  const drill = async (path: string): Promise<ReaderCasesPage> => {
    const response = await api.get<ReaderCasesPage>(path, QUALITY);
    expect({ path, status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body;
  };

  /** Two blinded primaries who disagree on a significant finding: the case awaits adjudication. */
  async function disagreeingPrimaries(
    key: string,
    first: ReturnType<typeof finding>[],
    second: ReturnType<typeof finding>[],
  ): Promise<string> {
    const caseId = await requestCase({
      priorReport: undefined,
      patientRef: `pt-${key}`,
      study: {
        studyInstanceUid: `1.2.9.${key.length}.${Date.now()}`,
        modality: 'DX',
        bodyRegion: 'chest',
        studyDate: '2026-11-18',
      },
      clinicalQuestion: 'Pneumothorax?',
    });
    const a = await assign(caseId, 'rad-d1');
    const b = await assign(caseId, 'rad-d2');
    await startRead(caseId, a, 'rad-d1');
    ids[`${key}-d1`] = (await submitOpinion(caseId, a, 'rad-d1', { findings: first })).opinionId as string;
    await startRead(caseId, b, 'rad-d2');
    const second_ = await submitOpinion(caseId, b, 'rad-d2', { findings: second });
    expect(second_.status).toBe('awaiting-adjudication');
    return caseId;
  }

  const referenceStandard = (caseId: string, findings: ReturnType<typeof finding>[]): Promise<Json> =>
    command(
      `/api/v1/cases/${caseId}/reference-standard`,
      { source: 'follow-up-imaging', findings },
      COORDINATOR,
    );

  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_USER_PER_MINUTE: '0' });
    api = new ApiClient(running.baseUrl);

    // Case A: the adjudicator decides its own findings: pneumothorax present (with rad-d1), cardiomegaly absent (with rad-d2).
    ids.caseA = await disagreeingPrimaries(
      'a',
      [finding('pneumothorax', 'present'), finding('cardiomegaly', 'present')],
      [finding('pneumothorax', 'absent'), finding('cardiomegaly', 'absent')],
    );
    const adjudicatorA = await assign(ids.caseA, 'rad-j', 'adjudicator');
    await startRead(ids.caseA, adjudicatorA, 'rad-j');
    await command(
      `/api/v1/cases/${ids.caseA}/adjudication`,
      {
        assignmentId: adjudicatorA,
        findings: [finding('pneumothorax', 'present'), finding('cardiomegaly', 'absent')],
        rationale: 'Visible apical line.',
      },
      { sub: 'rad-j', roles: ['radiologist'], name: 'Dr J' },
    );
    await referenceStandard(ids.caseA, [
      finding('pneumothorax', 'present'),
      finding('cardiomegaly', 'absent'),
    ]);

    // Case B: the adjudicator selects rad-d2's opinion (no pneumothorax); follow-up shows one.
    ids.caseB = await disagreeingPrimaries(
      'b',
      [finding('pneumothorax', 'present')],
      [finding('pneumothorax', 'absent')],
    );
    const adjudicatorB = await assign(ids.caseB, 'rad-j', 'adjudicator');
    const materials = await startRead(ids.caseB, adjudicatorB, 'rad-j');
    const opinions = (materials.materials as { opinions: Array<{ opinionId: string; findings: Json[] }> })
      .opinions;
    const absentOpinion = opinions.find((opinion) => opinion.findings[0]!.presence === 'absent')!;
    await command(
      `/api/v1/cases/${ids.caseB}/adjudication`,
      { assignmentId: adjudicatorB, selectedOpinionId: absentOpinion.opinionId, rationale: 'No line seen.' },
      { sub: 'rad-j', roles: ['radiologist'], name: 'Dr J' },
    );
    await referenceStandard(ids.caseB, [finding('pneumothorax', 'present')]);

    // Case C: escalated to a panel of three, who vote 2–1 for a pneumothorax; follow-up agrees.
    ids.caseC = await disagreeingPrimaries(
      'c',
      [finding('pneumothorax', 'present')],
      [finding('pneumothorax', 'absent')],
    );
    await assign(ids.caseC, 'rad-j', 'adjudicator');
    await command(
      `/api/v1/cases/${ids.caseC}/escalations`,
      { level: 'panel', reason: 'quality-review' },
      QUALITY,
    );
    for (const [panelist, presence] of [
      ['rad-v1', 'present'],
      ['rad-v2', 'present'],
      ['rad-v3', 'absent'],
    ] as const) {
      const vote = await assign(ids.caseC, panelist, 'panelist');
      await startRead(ids.caseC, vote, panelist);
      await submitOpinion(ids.caseC, vote, panelist, { findings: [finding('pneumothorax', presence)] });
    }
    await referenceStandard(ids.caseC, [finding('pneumothorax', 'present')]);

    // Case D: imported history: rad-d1's single read, sent by an integrator two days after it happened.
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    const at = (minutes: number): string => new Date(twoDaysAgo + minutes * 60_000).toISOString();
    ids.caseD = await requestCase(
      { priorReport: undefined, readsRequired: 1, patientRef: 'pt-d', occurredAt: at(0) },
      INTEGRATOR,
    );
    const imported = await assign(ids.caseD, 'rad-d1', 'primary', { occurredAt: at(1), as: INTEGRATOR });
    await startRead(ids.caseD, imported, INTEGRATOR, { occurredAt: at(2) });
    await submitOpinion(ids.caseD, imported, INTEGRATOR, {
      findings: [finding('fracture', 'absent')],
      occurredAt: at(3),
    });

    // Case E: a single unblinded read scoring rad-ext-9's prior report (RADPEER 1).
    ids.caseE = await requestCase({ readsRequired: 1, patientRef: 'pt-e' });
    const single = await assign(ids.caseE, 'rad-d3', 'primary', { blinded: false });
    await startRead(ids.caseE, single, 'rad-d3');
    await submitOpinion(ids.caseE, single, 'rad-d3', {
      findings: [finding('fracture', 'absent')],
      priorReportReview: { score: '1' },
    });
    await caughtUp('reader-metrics');
  }, 120_000);
  afterAll(async () => running?.close());

  describe('adjudicators and panelists', () => {
    it('gives the adjudicator its decisions, their match with the later reference standard, and turnaround', async () => {
      const list = await api.get<{ items: ReaderItem[] }>('/api/v1/metrics/readers', QUALITY);
      expect(list.body.items.map((item) => item.readerId)).toEqual([
        'rad-d1',
        'rad-d2',
        'rad-d3',
        'rad-j',
        'rad-v1',
        'rad-v2',
        'rad-v3',
      ]);
      const adjudicator = (await metricsOf('rad-j')).asAdjudicator;
      expect(adjudicator).toMatchObject({ role: 'adjudicator', decisions: 2 });
      // Case A matched the follow-up on both codes; case B missed the pneumothorax.
      expect(adjudicator.referenceStandard.matched).toMatchObject({
        matched: 1,
        n: 2,
        value: 0.5,
        reference: 'reference-standard',
        codes: 'all',
      });
      expect(adjudicator.referenceStandard.matchedOnSignificantCodes).toMatchObject({ matched: 1, n: 2 });
      expect(
        adjudicator.referenceStandard.byFinding.map((f) => [f.code, f.reference, f.tp, f.fn, f.tn]),
      ).toEqual([
        ['cardiomegaly', 'reference-standard', 0, 0, 1],
        ['pneumothorax', 'reference-standard', 1, 1, 0],
      ]);
      // Live events: both spans from assignment to decision are measured.
      expect(adjudicator.turnaround).toMatchObject({ n: 2, excluded: 0, backfilled: 0 });
      const decided = await drill(adjudicator.cases.decisions!);
      expect(decided.items.map((item) => item.caseId).sort()).toEqual([ids.caseA, ids.caseB].sort());
    });

    it('gives each panelist its votes against the reference standard', async () => {
      const dissenting = (await metricsOf('rad-v3')).asPanelist;
      expect(dissenting).toMatchObject({ role: 'panelist', decisions: 1 });
      expect(dissenting.referenceStandard.matched).toMatchObject({ matched: 0, n: 1 });
      expect(dissenting.referenceStandard.overall).toMatchObject({ fn: 1, n: 1 });
      expect((await metricsOf('rad-v1')).asPanelist.referenceStandard.matched).toMatchObject({
        matched: 1,
        n: 1,
      });
      expect((await metricsOf('rad-v1')).asPanelist.turnaround).toMatchObject({ n: 1, backfilled: 0 });
    });
  });

  describe('agreement by finding and on significant findings', () => {
    it('reports agreement with the adjudicator per finding and on the significant codes, not only on every code', async () => {
      const first = await metricsOf('rad-d1');
      // Case A: rad-d1 agreed on pneumothorax (significant) but not on cardiomegaly; case B: selected the other opinion.
      expect(first.adjudicatorAgreementRate).toMatchObject({
        agreed: 0,
        n: 2,
        reference: 'adjudicator',
        codes: 'all',
      });
      expect(first.adjudicatorAgreement.significantCodes).toMatchObject({
        agreed: 1,
        n: 2,
        reference: 'adjudicator',
        codes: 'significant',
      });
      expect(
        first.adjudicatorAgreement.byFinding.map((f) => [f.code, f.reference, f.tp, f.fp, f.fn, f.tn]),
      ).toEqual([
        ['cardiomegaly', 'adjudicator', 0, 1, 0, 0],
        ['pneumothorax', 'adjudicator', 1, 1, 0, 0],
      ]);
      expect(first.adjudicatorAgreement.significant).toMatchObject({
        reference: 'adjudicator',
        tp: 1,
        fp: 1,
        n: 2,
      });
      const second = await metricsOf('rad-d2');
      expect(second.adjudicatorAgreementRate).toMatchObject({ agreed: 1, n: 2 });
      expect(second.adjudicatorAgreement.significantCodes).toMatchObject({ agreed: 1, n: 2 });
    });

    it('reports accuracy on the significant codes against each reference', async () => {
      const second = await metricsOf('rad-d2');
      expect(second.significant.map((f) => [f.reference, f.tp, f.fn, f.n])).toEqual([
        // pneumothorax read absent in cases A, B and C; the consensus of case B (rad-d2's own opinion) agrees
        ['reference-standard', 0, 3, 3],
        ['consensus', 0, 2, 3],
      ]);
    });

    it('says beside every rate which reference it is computed against', async () => {
      for (const readerId of ['rad-d1', 'rad-j', 'rad-v1']) {
        const found = rates(await metricsOf(readerId));
        expect(found.length).toBeGreaterThan(5);
        for (const { path, rate } of found)
          expect({ path, hasReference: 'reference' in rate }).toEqual({ path, hasReference: true });
      }
      const first = await metricsOf('rad-d1');
      expect(first.majorDiscordanceRate.reference).toBe('consensus');
      expect(first.readerDisagreementIndex.reference).toBe('adjudicator');
      expect(first.funnel.reference).toBe('consensus');
      expect(first.adjudicationRate.reference).toBeNull();
    });
  });

  describe('backfilled history', () => {
    it('leaves events recorded long after they occurred out of turnaround, and lists them', async () => {
      const first = await metricsOf('rad-d1');
      // Cases A, B and C were read live; case D's times were sent two days late.
      expect(first.reads).toBe(4);
      expect(first.turnaround).toMatchObject({ n: 3, excluded: 1, backfilled: 1 });
      const backfilled = await drill(first.turnaround.cases.backfilled!);
      expect(backfilled).toMatchObject({ total: 1, items: [{ caseId: ids.caseD }] });
      expect((await drill(first.turnaround.cases.n!)).total).toBe(3);
    });
  });

  describe('unknown readers and prior-report authors', () => {
    it('answers 404 reader-not-found for an unknown reader, and for a prior report author', async () => {
      for (const readerId of ['rad-unknown', 'rad-ext-9']) {
        for (const path of [`/api/v1/metrics/readers/${readerId}`]) {
          const response = await api.get<Json>(path, QUALITY);
          expect({ path, status: response.status, code: response.body.code }).toEqual({
            path,
            status: 404,
            code: 'reader-not-found',
          });
        }
      }
      const drillUnknown = await api.get<Json>(
        '/api/v1/metrics/readers/rad-unknown/cases?measure=reads',
        QUALITY,
      );
      expect(drillUnknown.status).toBe(404);
      expect(drillUnknown.body).toMatchObject({ code: 'reader-not-found' });
    });

    it('lists the prior-report author apart from the readers, with the cases behind its scores', async () => {
      const list = await api.get<{
        items: ReaderItem[];
        priorReportAuthors: Array<{
          author: string;
          radpeer: { received: { n: number; cases: Record<string, string> } };
        }>;
      }>('/api/v1/metrics/readers', QUALITY);
      expect(list.body.items.map((item) => item.readerId)).not.toContain('rad-ext-9');
      expect(list.body.priorReportAuthors).toEqual([
        expect.objectContaining({
          author: 'rad-ext-9',
          radpeer: { received: expect.objectContaining({ n: 1 }) },
        }),
      ]);
      const scored = await drill(list.body.priorReportAuthors[0]!.radpeer.received.cases.n!);
      expect(scored).toMatchObject({ total: 1, items: [{ caseId: ids.caseE }] });
    });
  });

  describe('drill-down', () => {
    it("lists the cases behind a reader's false negatives for pneumothorax", async () => {
      const page = await drill(
        '/api/v1/metrics/readers/rad-d2/cases?measure=false-negative&reference=reference-standard&finding=pneumothorax',
      );
      expect(page).toMatchObject({
        readerId: 'rad-d2',
        count: { measure: 'false-negative', reference: 'reference-standard', finding: 'pneumothorax' },
        total: 3,
      });
      expect(page.items.map((item) => item.caseId).sort()).toEqual([ids.caseA, ids.caseB, ids.caseC].sort());
      for (const item of page.items) {
        expect(item).toMatchObject({
          code: 'pneumothorax',
          requestedAt: expect.any(String),
          occurredAt: expect.any(String),
        });
      }
      const link = (await metricsOf('rad-d2')).byFinding.find(
        (f) => f.code === 'pneumothorax' && f.reference === 'reference-standard',
      )!.cases.fn!;
      expect((await drill(link)).items).toEqual(page.items);
    });

    it('reaches every count of a response, and each lists exactly as many units as it counts', async () => {
      // A primary reader and a prior-report author from the list, an adjudicator and panelist in a scope
      // (test/unit/metrics checks every link of every reader without HTTP).
      const list = await api.get<{ items: ReaderItem[]; priorReportAuthors: Json[] }>(
        '/api/v1/metrics/readers',
        QUALITY,
      );
      const responses: unknown[] = [
        list.body.items.find((item) => item.readerId === 'rad-d1'),
        list.body.priorReportAuthors,
        await metricsOf('rad-j', '?bodyRegion=chest'),
      ];
      const links = responses.flatMap((response) => countLinks(response));
      expect(links.length).toBeGreaterThan(300);
      const checked: string[] = [];
      // A few at a time: each drill-down is a request of its own.
      for (let start = 0; start < links.length; start += 8) {
        await Promise.all(
          links.slice(start, start + 8).map(async ({ path, link, count }) => {
            expect({ path, count: typeof count }).toEqual({ path, count: 'number' });
            const page = await drill(`${link}&limit=500`);
            if (page.total !== count || page.items.length !== count) {
              checked.push(`${path}: ${count} counted, ${page.total} listed (${link})`);
            }
          }),
        );
      }
      expect(checked).toEqual([]);
    }, 120_000);

    it('pages with limit and cursor through every unit, in order', async () => {
      const all = await drill('/api/v1/metrics/readers/rad-d1/cases?measure=reads&limit=500');
      expect(all.total).toBe(4);
      const seen: string[] = [];
      let path = '/api/v1/metrics/readers/rad-d1/cases?measure=reads&limit=1';
      for (;;) {
        const page = await drill(path);
        expect(page.total).toBe(4);
        expect(page.items).toHaveLength(1);
        seen.push(page.items[0]!.opinionId!);
        if (!page.nextCursor) break;
        path = `/api/v1/metrics/readers/rad-d1/cases?measure=reads&limit=1&cursor=${page.nextCursor}`;
      }
      expect(seen).toEqual(all.items.map((item) => item.opinionId));
      const requested = all.items.map((item) => item.requestedAt);
      expect(requested).toEqual([...requested].sort());
    });

    it('is documented in OpenAPI, with measure required and the 404 of an unknown reader', async () => {
      const document = (await (await fetch(`${running.baseUrl}/openapi.json`)).json()) as {
        paths: Record<string, { get?: { parameters?: Json[]; responses?: Json } }>;
      };
      const operation = document.paths['/api/v1/metrics/readers/{readerId}/cases']?.get;
      expect(operation?.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'measure', in: 'query', required: true })]),
      );
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '404']));
      expect(
        Object.keys(document.paths['/api/v1/metrics/readers/{readerId}']?.get?.responses ?? {}),
      ).toContain('404');
    });

    it.each([
      ['', 'measure'],
      ['measure=everything', 'measure'],
      ['measure=true-positive', 'reference'],
      ['measure=reads&role=adjudicator', 'role'],
      ['measure=decisions', 'role'],
      ['measure=true-positive&reference=consensus&role=panelist', 'reference'],
      ['measure=radpeer-received&institution=X&noInstitution=true', 'institution'],
      ['measure=reads&period=2025-13', 'period'],
      ['measure=reads&cursor=not-a-cursor', 'cursor'],
    ])('answers 400 validation-failed for ?%s', async (query, field) => {
      const response = await api.get<Json>(
        `/api/v1/metrics/readers/rad-d1/cases?${query}`,
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
  });
});
