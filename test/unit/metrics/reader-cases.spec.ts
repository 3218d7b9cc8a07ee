import { describe, expect, it } from '@jest/globals';
import {
  type CaseSelector,
  type Counted,
  selectorProblems,
} from '../../../src/domain/metrics/case-selector.js';
import {
  computeReaderMetrics,
  type MetricsCase,
  readerCasesFor,
  readerMetricsFor,
  type ReaderMetricsOptions,
} from '../../../src/domain/metrics/reader-metrics.js';
import { absent, agreed, metricsCase, opinion, present, uncertain } from './metrics.builders.js';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const T0 = Date.parse('2025-03-03T08:00:00.000Z');

/** A link that is its own selector, so a test can follow it without HTTP. */
const link = (subjectId: string, selector: CaseSelector): string => JSON.stringify({ subjectId, selector });

/** Every `cases` link of a response with the count beside it. */
function countLinks(value: unknown, path = ''): Array<{ path: string; link: string; count: unknown }> {
  if (Array.isArray(value)) return value.flatMap((item, index) => countLinks(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const own = Object.entries((object.cases ?? {}) as Record<string, string>).map(([key, target]) => ({
    path: `${path}.${key}`,
    link: target,
    count: key in object ? object[key] : (object.counts as Record<string, unknown>)[key],
  }));
  return [
    ...own,
    ...Object.entries(object)
      .filter(([key]) => key !== 'cases')
      .flatMap(([key, item]) => countLinks(item, `${path}.${key}`)),
  ];
}

/** Follows a link: the units behind its count, in the scope it names on top of `options`. */
function follow(target: string, cases: readonly MetricsCase[], options: ReaderMetricsOptions) {
  const { subjectId, selector } = JSON.parse(target) as { subjectId: string; selector: CaseSelector };
  const { finding, bodyRegion, period, ...counted } = selector;
  const scope = {
    ...options,
    ...(finding !== undefined && { finding }),
    ...(bodyRegion !== undefined && { bodyRegion }),
    ...(period !== undefined && { period }),
  };
  return readerCasesFor(subjectId, cases, counted, scope, { limit: 10_000 });
}

// Two rounds of a 2+1 read, a panel, imported history, prior reports of two institutions.
const CASES: MetricsCase[] = [
  metricsCase({
    caseId: '00000000-0000-4000-8000-000000000001',
    bodyRegion: 'chest',
    occurredAt: iso(T0),
    opinions: [
      opinion('rad-a', [present('pneumothorax'), present('cardiomegaly')], {
        opinionId: 'op-1a',
        assignedAt: iso(T0 + HOUR),
        assignedRecordedAt: iso(T0 + HOUR),
        submittedAt: iso(T0 + 2 * HOUR),
        submittedRecordedAt: iso(T0 + 2 * HOUR),
      }),
      opinion('rad-b', [absent('pneumothorax'), absent('cardiomegaly')], { opinionId: 'op-1b' }),
    ],
    wentToAdjudication: [1],
    adjudications: [
      {
        round: 1,
        adjudicatorId: 'rad-j',
        findings: [present('pneumothorax'), absent('cardiomegaly')],
        assignedAt: iso(T0 + 3 * HOUR),
        decidedAt: iso(T0 + 4 * HOUR),
      },
    ],
    consensus: {
      round: 1,
      findings: [present('pneumothorax'), absent('cardiomegaly')],
      method: 'adjudication',
      basedOn: [],
    },
    referenceStandard: {
      source: 'follow-up-imaging',
      findings: [present('pneumothorax'), absent('cardiomegaly')],
    },
    priorReport: { author: 'rad-ext-9', institution: 'St. Elsewhere' },
    priorReportScores: [
      { readerId: 'rad-a', round: 1, score: '3b' },
      { readerId: 'rad-b', round: 1, score: '1' },
    ],
  }),
  metricsCase({
    caseId: '00000000-0000-4000-8000-000000000002',
    bodyRegion: 'wrist',
    occurredAt: iso(T0 + 40 * 24 * HOUR),
    opinions: [
      opinion('rad-a', [absent('fracture'), uncertain('joint-effusion')], { opinionId: 'op-2a' }),
      opinion('rad-b', [present('fracture')], { opinionId: 'op-2b', blinded: false }),
      opinion('rad-v1', [present('fracture')], { opinionId: 'op-2v1', role: 'panelist', blinded: false }),
      opinion('rad-v2', [absent('fracture')], { opinionId: 'op-2v2', role: 'panelist', blinded: false }),
      opinion('rad-a', [present('fracture')], { opinionId: 'op-2a2', round: 2 }),
    ],
    wentToAdjudication: [1],
    consensus: agreed([present('fracture')], 2),
    referenceStandard: { source: 'pathology', findings: [present('fracture')] },
    priorReport: { author: 'rad-ext-9' },
    priorReportScores: [{ readerId: 'rad-a', round: 2, score: '2a' }],
  }),
];

describe('drill-down: the units behind a count', () => {
  const options: ReaderMetricsOptions = { link, minComparedReads: 1 };
  const { items, priorReportAuthors } = computeReaderMetrics(CASES, options);

  it('lists the readers, the adjudicator and the panelists, and the prior-report author apart', () => {
    expect(items.map((item) => item.readerId)).toEqual(['rad-a', 'rad-b', 'rad-j', 'rad-v1', 'rad-v2']);
    expect(priorReportAuthors.map((author) => author.author)).toEqual(['rad-ext-9']);
  });

  it('links every count of every reader and author, each to exactly as many units as it counts', () => {
    const links = countLinks({ items, priorReportAuthors });
    expect(links.length).toBeGreaterThan(500);
    const differing = links.flatMap(({ path, link: target, count }) => {
      const page = follow(target, CASES, options);
      return typeof count === 'number' && page.total === count && page.items.length === count
        ? []
        : [`${path}: ${String(count)} counted, ${page.total} listed`];
    });
    expect(differing).toEqual([]);
  });

  it('links in the scope of the figure: a finding, a body region, a period narrow the list', () => {
    const a = readerMetricsFor('rad-a', CASES, options);
    const cases = (target: string) =>
      follow(target, CASES, options).items.map((item) => item.caseId.slice(-1));
    const byPeriod = a.byPeriod.find((f) => f.period === '2025-04' && f.reference === 'consensus')!;
    expect(cases(byPeriod.cases!.n)).toEqual(['2', '2']);
    const byRegion = a.byBodyRegion.find((f) => f.bodyRegion === 'chest' && f.reference === 'consensus')!;
    expect(cases(byRegion.cases!.tp)).toEqual(['1']);
    const fracture = a.byFinding.find((f) => f.code === 'fracture' && f.reference === 'reference-standard')!;
    expect(follow(fracture.cases!.fn, CASES, options).items).toEqual([
      expect.objectContaining({ opinionId: 'op-2a', code: 'fracture', round: 1 }),
    ]);
  });

  it.each<[string, string, Counted, (string | undefined)[]]>([
    [
      'false negatives against the reference standard',
      'rad-a',
      { measure: 'false-negative', reference: 'reference-standard' },
      ['op-2a'],
    ],
    [
      'significant pairs against the adjudicator',
      'rad-a',
      { measure: 'compared-pairs', reference: 'adjudicator', codes: 'significant' },
      ['op-1a'],
    ],
    ['unblinded reads', 'rad-b', { measure: 'reads', blinding: 'unblinded' }, ['op-2b']],
    ['major discordances', 'rad-b', { measure: 'major-discordance' }, ['op-1b']],
    ['disagreement with the adjudicator', 'rad-b', { measure: 'adjudicator-disagreed' }, [undefined]],
    ['panel votes', 'rad-v2', { measure: 'decisions', role: 'panelist' }, ['op-2v2']],
    [
      'panel votes off the reference standard',
      'rad-v2',
      { measure: 'decision-compared', role: 'panelist' },
      ['op-2v2'],
    ],
    ['untimed reads', 'rad-a', { measure: 'turnaround-excluded' }, ['op-2a', 'op-2a2']],
    ['scores given', 'rad-a', { measure: 'radpeer-given', score: '2a' }, [undefined]],
  ])('lists %s', (_, subjectId, counted, opinionIds) => {
    const page = readerCasesFor(subjectId, CASES, counted, options, { limit: 100 });
    expect(page.items.map((item) => item.opinionId)).toEqual(opinionIds);
  });

  it("lists a prior-report author's scores by institution, pending or counted", () => {
    const list = (counted: Counted) =>
      readerCasesFor('rad-ext-9', CASES, counted, options, { limit: 100 }).items.map((item) => item.score);
    expect(list({ measure: 'radpeer-received' })).toEqual(['3b', '1', '2a']);
    expect(list({ measure: 'radpeer-received', institution: null })).toEqual(['2a']);
    expect(list({ measure: 'radpeer-received', institution: 'St. Elsewhere', score: '1' })).toEqual(['1']);
    expect(list({ measure: 'radpeer-pending' })).toEqual([]);
  });

  it('pages in order of request time, case and unit, the last page without a next position', () => {
    const counted: Counted = { measure: 'reads' };
    const all = readerCasesFor('rad-a', CASES, counted, options, { limit: 100 });
    expect(all).toMatchObject({ total: 3 });
    expect(all.next).toBeUndefined();
    const first = readerCasesFor('rad-a', CASES, counted, options, { limit: 2 });
    expect(first.items).toEqual(all.items.slice(0, 2));
    const second = readerCasesFor('rad-a', CASES, counted, options, { limit: 2, after: first.next! });
    expect(second).toMatchObject({ total: 3, items: all.items.slice(2) });
    expect(second.next).toBeUndefined();
  });

  it('gives no links without a link builder', () => {
    expect(readerMetricsFor('rad-a', CASES)).not.toHaveProperty('cases');
    expect(readerMetricsFor('rad-a', CASES).overall[0]).not.toHaveProperty('cases');
  });
});

describe('deciding roles', () => {
  const j = readerMetricsFor('rad-j', CASES);

  it('gives an adjudicator its decisions, their match with the reference standard, and its turnaround', () => {
    expect(j.reads).toBe(0);
    expect(j.asAdjudicator).toMatchObject({
      role: 'adjudicator',
      decisions: 1,
      turnaround: { n: 1, excluded: 0, backfilled: 0, median: { value: 3600 } },
      referenceStandard: {
        overall: { reference: 'reference-standard', tp: 1, tn: 1, n: 2 },
        significant: { tp: 1, n: 1 },
        matched: { matched: 1, n: 1, reference: 'reference-standard', codes: 'all' },
        matchedOnSignificantCodes: { matched: 1, n: 1, codes: 'significant' },
      },
    });
    expect(j.asPanelist).toMatchObject({ decisions: 0, turnaround: { n: 0 } });
  });

  it('gives a panelist its votes against the reference standard', () => {
    expect(readerMetricsFor('rad-v2', CASES).asPanelist).toMatchObject({
      role: 'panelist',
      decisions: 1,
      referenceStandard: { overall: { fn: 1, n: 1 }, matched: { matched: 0, n: 1 } },
    });
  });

  it('compares primary opinions with the adjudication per finding and on significant codes', () => {
    const a = readerMetricsFor('rad-a', CASES);
    // op-1a: pneumothorax agrees (significant), cardiomegaly does not
    expect(a.adjudicatorAgreementRate).toMatchObject({
      agreed: 0,
      n: 1,
      reference: 'adjudicator',
      codes: 'all',
    });
    expect(a.adjudicatorAgreement.significantCodes).toMatchObject({ agreed: 1, n: 1, codes: 'significant' });
    expect(a.adjudicatorAgreement.byFinding.map((f) => [f.code, f.reference, f.tp, f.fp])).toEqual([
      ['cardiomegaly', 'adjudicator', 0, 1],
      ['pneumothorax', 'adjudicator', 1, 0],
    ]);
    expect(a.significant.map((f) => [f.reference, f.tp, f.fn, f.n])).toEqual([
      ['reference-standard', 2, 1, 3],
      ['consensus', 2, 1, 3],
    ]);
  });
});

describe('backfilled events in turnaround', () => {
  const assigned = T0;
  const submitted = T0 + 30 * 60_000;
  /** One read, each end recorded `lag` ms after it occurred (undefined: recording time unknown). */
  const read = (assignedLag: number | undefined, submittedLag: number | undefined): MetricsCase =>
    metricsCase({
      opinions: [
        opinion('rad-t', [present('fracture')], {
          assignedAt: iso(assigned),
          ...(assignedLag !== undefined && { assignedRecordedAt: iso(assigned + assignedLag) }),
          submittedAt: iso(submitted),
          ...(submittedLag !== undefined && { submittedRecordedAt: iso(submitted + submittedLag) }),
        }),
      ],
    });

  it.each([
    ['live at both ends', 20, 20, 1, { n: 1, excluded: 0, backfilled: 0 }],
    [
      'recording time unknown (folded before recordedAt was kept)',
      undefined,
      undefined,
      1,
      { n: 1, backfilled: 0 },
    ],
    ['sent 59 minutes late', 59 * 60_000, 59 * 60_000, 1, { n: 1, backfilled: 0 }],
    ['assignment sent two hours late', 2 * HOUR, 10, 1, { n: 0, excluded: 1, backfilled: 1 }],
    ['opinion sent two hours late', 10, 2 * HOUR, 1, { n: 0, excluded: 1, backfilled: 1 }],
    ['two hours late under a 3-hour threshold', 2 * HOUR, 2 * HOUR, 3, { n: 1, backfilled: 0 }],
    [
      'a year late (imported history)',
      365 * 24 * HOUR,
      365 * 24 * HOUR,
      1,
      { n: 0, excluded: 1, backfilled: 1 },
    ],
  ] as const)('%s', (_, assignedLag, submittedLag, backfillThresholdHours, expected) => {
    const metrics = readerMetricsFor('rad-t', [read(assignedLag, submittedLag)], { backfillThresholdHours });
    expect(metrics.turnaround).toMatchObject(expected);
  });
});

describe('selectors', () => {
  it.each<[Counted, string[]]>([
    [{ measure: 'reads' }, []],
    [{ measure: 'reads', blinding: 'unblinded' }, []],
    [{ measure: 'true-positive', reference: 'consensus', codes: 'significant' }, []],
    [{ measure: 'true-positive', reference: 'reference-standard', role: 'adjudicator' }, []],
    [{ measure: 'true-positive' }, ['reference']],
    [{ measure: 'true-positive', reference: 'adjudicator', role: 'panelist' }, ['reference']],
    [{ measure: 'uncertain', reference: 'adjudicator', blinding: 'unblinded' }, ['blinding']],
    [
      { measure: 'compared-pairs', reference: 'reference-standard', role: 'panelist', blinding: 'unblinded' },
      ['blinding'],
    ],
    [{ measure: 'decisions' }, ['role']],
    [{ measure: 'decision-matched', role: 'adjudicator', codes: 'significant' }, []],
    [{ measure: 'compared-reads', reference: 'consensus' }, ['reference']],
    [{ measure: 'radpeer-pending', score: '3b' }, ['score']],
    [{ measure: 'radpeer-received', score: '3b', institution: null }, []],
    [{ measure: 'turnaround-backfilled', role: 'adjudicator' }, []],
  ])('%j: problems with %j', (counted, fields) => {
    expect(selectorProblems(counted).map((problem) => problem.field)).toEqual(fields);
  });
});
