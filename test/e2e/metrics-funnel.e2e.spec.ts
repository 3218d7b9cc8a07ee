import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { ADMIN, ApiClient, COORDINATOR, MEDICO_LEGAL, QUALITY, radiologist } from '../support/api.js';
import { caseSteps } from '../support/case-steps.js';
import { expectProblem, fieldsOf } from '../support/problem.js';
import { type ReaderStudySeed, seedReaderStudy } from '../support/reader-study-seed.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

type Outlier = 'above-99.8' | 'above-95' | 'below-95' | 'below-99.8' | null;

interface Point {
  readerId: string;
  n: number;
  numerator: number;
  rate: number | null;
  outlier: Outlier;
  insufficientData: boolean;
  comparedReads: number;
  cases: string;
  reader: string;
}
interface Limits {
  n: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}
interface FunnelPlot {
  measure: string;
  reference: string;
  definition: string;
  scope: Record<string, string>;
  groupRate: number | null;
  groupNumerator: number;
  groupDenominator: number;
  minimumN: number;
  points: Point[];
  limits: Limits[];
}
interface ReaderItem {
  readerId: string;
  insufficientData: boolean;
  majorDiscordanceRate: { discordant: number; n: number };
  overall: Array<{ reference: string; tp: number; fn: number; tn: number; fp: number }>;
  funnel: { outlier: Outlier; groupMean: number | null };
}

const OUTLIER = 'rad-outlier';
const FUNNEL = '/api/v1/metrics/funnel';

const pointOf = (plot: FunnelPlot, readerId: string): Point => {
  const point = plot.points.find((candidate) => candidate.readerId === readerId);
  expect({ readerId, found: point !== undefined }).toEqual({ readerId, found: true });
  return point!;
};

// GET /api/v1/metrics/funnel over HTTP, on a reader study seeded through the REST API.
describe('funnel plot of a reader measure over HTTP', () => {
  let running: RunningApp;
  let api: ApiClient;
  let study: ReaderStudySeed;
  const { requestCase, assign, startRead, submitOpinion } = caseSteps(() => api);

  const funnel = async (query: string, as = QUALITY): Promise<FunnelPlot> => {
    const response = await api.get<FunnelPlot>(`${FUNNEL}?${query}`, as);
    expect({ query, status: response.status, body: response.body }).toMatchObject({ status: 200 });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return response.body;
  };

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    const started = Date.now();
    study = await seedReaderStudy(api, { readers: 6, cases: 60, outlierReaderId: OUTLIER });
    console.log(`seedReaderStudy: 6 readers, 60 cases in ${Date.now() - started} ms`);
    // One chest case, read alone by rad-chest: the scope filters must tell it apart.
    const caseId = await requestCase({
      priorReport: undefined,
      readsRequired: 1,
      patientRef: 'pt-funnel-chest',
      study: { studyInstanceUid: '1.2.77.1', modality: 'DX', bodyRegion: 'chest', studyDate: '2026-01-05' },
    });
    const assignmentId = await assign(caseId, 'rad-chest');
    await startRead(caseId, assignmentId, 'rad-chest');
    await submitOpinion(caseId, assignmentId, 'rad-chest', {
      findings: [{ code: 'pneumothorax', presence: 'present' }],
    });
    await running.app
      .get(ProjectionRunner)
      .waitUntilCaughtUp({ names: ['reader-metrics'], timeoutMs: 20_000 });
  }, 120_000);
  afterAll(async () => running.close());

  it('plots major discordance against the consensus: the planted reader above the 99.8% limit, in the binding shape', async () => {
    const plot = await funnel('measure=major-discordance');
    expect(Object.keys(plot)).toEqual([
      'measure',
      'reference',
      'definition',
      'scope',
      'groupRate',
      'groupNumerator',
      'groupDenominator',
      'minimumN',
      'points',
      'limits',
    ]);
    expect(plot).toMatchObject({
      measure: 'major-discordance',
      reference: 'consensus',
      scope: {},
      minimumN: 30,
    });
    expect(plot.definition).toMatch(/always against the consensus/);
    expect(plot.points.map(({ readerId }) => readerId)).toEqual([...study.readerIds, 'rad-chest'].sort());

    // The outlier read 30 cases and missed each of the 15 fractures.
    const outlier = pointOf(plot, OUTLIER);
    expect(outlier).toMatchObject({
      n: 30,
      numerator: 15,
      rate: 0.5,
      insufficientData: false,
      outlier: 'above-99.8',
    });
    expect(study.outlierDiscordantCaseIds).toHaveLength(15);
    for (const point of plot.points.filter(({ readerId }) => readerId !== OUTLIER)) {
      expect({ readerId: point.readerId, outlier: point.outlier }).toEqual({
        readerId: point.readerId,
        outlier: null,
      });
    }

    // Pooled over every reader: the sums of the points.
    const sum = (pick: (point: Point) => number) =>
      plot.points.reduce((total, point) => total + pick(point), 0);
    expect(plot.groupNumerator).toBe(sum(({ numerator }) => numerator));
    expect(plot.groupDenominator).toBe(sum(({ n }) => n));
    expect(plot.groupRate).toBeCloseTo(plot.groupNumerator / plot.groupDenominator, 4);

    // The curves: every n from 1 to 20, then geometric steps to ⌈1.1 · 30⌉ → at least 40; within [0, 1].
    expect(plot.limits.slice(0, 20).map(({ n }) => n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(plot.limits.length).toBeGreaterThanOrEqual(40);
    expect(plot.limits.at(-1)!.n).toBeGreaterThanOrEqual(
      Math.ceil(1.1 * Math.max(...plot.points.map(({ n }) => n))),
    );
    for (const limits of plot.limits) {
      expect(0 <= limits.lower998 && limits.lower998 <= limits.lower95).toBe(true);
      expect(
        limits.lower95 <= limits.upper95 && limits.upper95 <= limits.upper998 && limits.upper998 <= 1,
      ).toBe(true);
    }
    const at30 = plot.limits.find(({ n }) => n === 30)!;
    expect(outlier.rate!).toBeGreaterThan(at30.upper998);
  });

  it('agrees with GET /api/v1/metrics/readers: the same counts, group mean and outliers', async () => {
    const plot = await funnel('measure=major-discordance&reference=consensus');
    const readers = await api.get<{ items: ReaderItem[] }>('/api/v1/metrics/readers', QUALITY);
    expect(readers.status).toBe(200);
    expect(
      plot.points.map(({ readerId, numerator, n, outlier, insufficientData }) => ({
        readerId,
        numerator,
        n,
        outlier,
        insufficientData,
      })),
    ).toEqual(
      readers.body.items.map(
        ({ readerId, majorDiscordanceRate, funnel: readerFunnel, insufficientData }) => ({
          readerId,
          numerator: majorDiscordanceRate.discordant,
          n: majorDiscordanceRate.n,
          outlier: readerFunnel.outlier,
          insufficientData,
        }),
      ),
    );
    expect(plot.groupRate).toBe(readers.body.items[0]!.funnel.groupMean);
  });

  it("links each point to the cases behind its numerator and to the reader's metrics", async () => {
    const outlier = pointOf(await funnel('measure=major-discordance'), OUTLIER);
    expect(outlier.cases).toBe(`/api/v1/metrics/readers/${OUTLIER}/cases?measure=major-discordance`);
    expect(outlier.reader).toBe(`/api/v1/metrics/readers/${OUTLIER}`);
    const cases = await api.get<{ total: number; items: Array<{ caseId: string }> }>(outlier.cases, QUALITY);
    expect(cases.status).toBe(200);
    expect(cases.body.total).toBe(outlier.numerator);
    expect(cases.body.items.map(({ caseId }) => caseId).sort()).toEqual(
      [...study.outlierDiscordantCaseIds].sort(),
    );
    const reader = await api.get<ReaderItem>(outlier.reader, QUALITY);
    expect(reader.status).toBe(200);
    expect(reader.body).toMatchObject({ readerId: OUTLIER, funnel: { outlier: 'above-99.8' } });
  });

  it('plots sensitivity and specificity against the reference asked for', async () => {
    const sensitivity = await funnel('measure=sensitivity&reference=reference-standard');
    expect(sensitivity).toMatchObject({ measure: 'sensitivity', reference: 'reference-standard' });
    // The outlier found none of its 15 fractures.
    expect(pointOf(sensitivity, OUTLIER)).toMatchObject({
      numerator: 0,
      n: 15,
      rate: 0,
      outlier: 'below-99.8',
    });
    const outlierCases = await api.get<{ total: number }>(pointOf(sensitivity, OUTLIER).cases, QUALITY);
    expect(outlierCases.body.total).toBe(0);
    expect(pointOf(sensitivity, OUTLIER).cases).toBe(
      `/api/v1/metrics/readers/${OUTLIER}/cases?measure=true-positive&reference=reference-standard`,
    );

    const readers = await api.get<{ items: ReaderItem[] }>('/api/v1/metrics/readers', QUALITY);
    for (const [measure, reference, count, other] of [
      ['sensitivity', 'reference-standard', 'tp', 'fn'],
      ['specificity', 'reference-standard', 'tn', 'fp'],
      ['sensitivity', 'consensus', 'tp', 'fn'],
      ['specificity', 'consensus', 'tn', 'fp'],
    ] as const) {
      const plot = await funnel(`measure=${measure}&reference=${reference}`);
      expect(plot.reference).toBe(reference);
      expect(plot.points.map(({ readerId, numerator, n }) => [readerId, numerator, n])).toEqual(
        readers.body.items.map(({ readerId, overall }) => {
          const figures = overall.find((entry) => entry.reference === reference)!;
          return [readerId, figures[count], figures[count] + figures[other]];
        }),
      );
      expect(plot.groupDenominator).toBeGreaterThan(0);
      expect(plot.limits.length).toBeGreaterThanOrEqual(40);
    }
  });

  it('takes the scope of the reader metrics, echoes it, and carries it into its links', async () => {
    const chest = await funnel('measure=major-discordance&bodyRegion=chest');
    expect(chest.scope).toEqual({ bodyRegion: 'chest' });
    expect(chest.points.map(({ readerId }) => readerId)).toEqual(['rad-chest']);
    expect(chest.points[0]).toMatchObject({ n: 1, numerator: 0, insufficientData: true, outlier: null });
    expect(chest.points[0]!.reader).toBe('/api/v1/metrics/readers/rad-chest?bodyRegion=chest');
    expect(chest.points[0]!.cases).toBe(
      '/api/v1/metrics/readers/rad-chest/cases?measure=major-discordance&bodyRegion=chest',
    );

    const month = new Date().toISOString().slice(0, 7);
    const thisMonth = await funnel(`measure=major-discordance&period=${month}&finding=fracture`);
    expect(thisMonth.scope).toEqual({ finding: 'fracture', period: month });
    expect(pointOf(thisMonth, OUTLIER)).toMatchObject({ numerator: 15, n: 30, outlier: 'above-99.8' });
    expect(pointOf(thisMonth, OUTLIER).reader).toBe(
      `/api/v1/metrics/readers/${OUTLIER}?finding=fracture&period=${month}`,
    );
    const reader = await api.get<ReaderItem>(pointOf(thisMonth, OUTLIER).reader, QUALITY);
    expect(reader.status).toBe(200);
    const discordant = await api.get<{ total: number }>(pointOf(thisMonth, OUTLIER).cases, QUALITY);
    expect(discordant.body.total).toBe(15);

    const longAgo = await funnel('measure=sensitivity&reference=consensus&from=2000-01-01&to=2000-12-31');
    expect(longAgo.scope).toEqual({ from: '2000-01-01T00:00:00.000Z', to: '2001-01-01T00:00:00.000Z' });
    expect(longAgo).toMatchObject({
      points: [],
      groupRate: null,
      groupNumerator: 0,
      groupDenominator: 0,
      limits: [],
    });
  });

  it.each<[string, string[]]>([
    ['', ['measure']],
    ['measure=kappa', ['measure']],
    ['measure=sensitivity', ['reference']],
    ['measure=specificity&reference=adjudicator', ['reference']],
    ['measure=major-discordance&reference=reference-standard', ['reference']],
    ['measure=major-discordance&bodyRegion=moon', ['bodyRegion']],
    ['measure=major-discordance&finding=unicorn', ['finding']],
    ['measure=major-discordance&period=2025-13', ['period']],
    ['measure=major-discordance&from=2025-02-01&to=2025-01-01', ['to']],
    ['measure=major-discordance&colour=red', ['colour']],
  ])('answers ?%s with 400 validation-failed naming %j, and records nothing', async (query, fields) => {
    const caller = { sub: 'qc-funnel-400', roles: ['quality-committee'] };
    const response = await api.get(`${FUNNEL}?${query}`, caller, {}, INVALID_ON_PURPOSE);
    expectProblem(response, 400, 'validation-failed', FUNNEL);
    expect(fieldsOf(response)).toEqual(fields);
    await running.app.get(ProjectionRunner).waitUntilCaughtUp({ names: ['audit-trail'], timeoutMs: 20_000 });
    const log = await api.get<{ items: unknown[] }>('/api/v1/access-log?actorId=qc-funnel-400', ADMIN);
    expect(log.body.items).toEqual([]);
  });

  it('says why major discordance takes no reference standard', async () => {
    const response = await api.get(
      `${FUNNEL}?measure=major-discordance&reference=reference-standard`,
      QUALITY,
    );
    expect((response.body as { detail: string }).detail).toMatch(/always compared with the consensus/);
  });

  it('is documented in OpenAPI: measure required, the response shape, the 400 problem', async () => {
    const document = (await (await fetch(`${running.baseUrl}/openapi.json`)).json()) as {
      paths: Record<
        string,
        { get?: { parameters?: Array<Record<string, unknown>>; responses?: Record<string, unknown> } }
      >;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    const operation = document.paths[FUNNEL]?.get;
    expect(operation?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'measure', in: 'query', required: true }),
        expect.objectContaining({ name: 'reference', in: 'query', required: false }),
        expect.objectContaining({ name: 'period', in: 'query' }),
      ]),
    );
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400']));
    expect(JSON.stringify(operation?.responses?.['200'])).toContain('#/components/schemas/FunnelPlotDto');
    const { FunnelPlotDto, FunnelPointDto, FunnelLimitsDto } = document.components.schemas;
    expect(Object.keys(FunnelPlotDto!.properties!)).toEqual(
      expect.arrayContaining(['measure', 'reference', 'scope', 'groupRate', 'minimumN', 'points', 'limits']),
    );
    expect(FunnelPointDto!.required).toEqual(
      expect.arrayContaining(['readerId', 'n', 'rate', 'outlier', 'cases', 'reader']),
    );
    expect(FunnelLimitsDto!.required).toEqual(['n', 'lower95', 'upper95', 'lower998', 'upper998']);
  });

  it('is for the quality committee and admins only: 401 without a token, 403 for other roles', async () => {
    expectProblem(await api.request('GET', `${FUNNEL}?measure=major-discordance`), 401, 'unauthorized');
    for (const who of [COORDINATOR, MEDICO_LEGAL, radiologist(OUTLIER)]) {
      expectProblem(await api.get(`${FUNNEL}?measure=major-discordance`, who), 403, 'forbidden');
    }
    expect((await api.get(`${FUNNEL}?measure=major-discordance`, ADMIN)).status).toBe(200);
  });

  it('records each read in the access log, as the reader metrics do', async () => {
    const reader = { sub: 'qc-funnel', roles: ['quality-committee'] };
    expect((await api.get(`${FUNNEL}?measure=specificity&reference=consensus`, reader)).status).toBe(200);
    await running.app.get(ProjectionRunner).waitUntilCaughtUp({ names: ['audit-trail'], timeoutMs: 20_000 });
    const log = await api.get<{ items: Array<Record<string, unknown>> }>(
      '/api/v1/access-log?actorId=qc-funnel',
      ADMIN,
    );
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        resource: 'reader-metrics',
        actorId: 'qc-funnel',
        actorRole: 'quality-committee',
        status: 200,
      }),
    ]);
    expect(log.body.items[0]).not.toHaveProperty('caseId');
  });
});
