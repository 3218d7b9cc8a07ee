import { describe, expect, it } from '@jest/globals';
import type { Presence } from '../../../src/domain/case/case.values.js';
import {
  computeReaderMetrics,
  readerMetricsFor,
  type MetricsCase,
  type ReaderMetrics,
} from '../../../src/domain/metrics/reader-metrics.js';
import { roundForResponse } from '../../../src/domain/metrics/statistics.js';
import {
  absent,
  agreed,
  counts,
  metricsCase,
  opinion,
  overallFor,
  present,
  readerWithDiscordance,
  uncertain,
} from './metrics.builders.js';

const byReader = (items: readonly ReaderMetrics[]) =>
  Object.fromEntries(items.map((item) => [item.readerId, item]));

describe('the example of projections.md "Response shapes"', () => {
  // rad-17 read 212 wrists for fracture; the reference standard says 45 had one.
  const times = (count: number, read: Presence, truth: Presence): [Presence, Presence][] =>
    Array.from({ length: count }, () => [read, truth]);
  const outcomes = [
    ...times(40, 'present', 'present'),
    ...times(3, 'present', 'absent'),
    ...times(5, 'absent', 'present'),
    ...times(160, 'absent', 'absent'),
    ...times(4, 'uncertain', 'absent'),
  ];
  const cases = outcomes.map(([read, truth]) =>
    metricsCase({
      opinions: [opinion('rad-17', [{ code: 'fracture', presence: read }])],
      referenceStandard: { source: 'follow-up-imaging', findings: [{ code: 'fracture', presence: truth }] },
    }),
  );

  it('gives exactly the published figures, rounded for the response', () => {
    const metrics = roundForResponse(readerMetricsFor('rad-17', cases));
    expect(metrics.readerId).toBe('rad-17');
    expect(metrics.reads).toBe(212);
    expect(metrics.insufficientData).toBe(false);
    expect(metrics.byFinding).toEqual([
      {
        code: 'fracture',
        reference: 'reference-standard',
        tp: 40,
        fp: 3,
        fn: 5,
        tn: 160,
        uncertain: 4,
        n: 208,
        agreement: { value: 0.9615, low: 0.926, high: 0.9804 },
        sensitivity: { value: 0.8889, low: 0.765, high: 0.9516 },
        specificity: { value: 0.9816, low: 0.9473, high: 0.9937 },
        kappa: 0.8847,
      },
    ]);
  });

  it('counts the uncertain reads apart: not in n, and not as compared reads', () => {
    const metrics = readerMetricsFor('rad-17', cases);
    expect(metrics.comparedReads).toBe(208);
    expect(overallFor(metrics, 'reference-standard').n).toBe(208);
    expect(overallFor(metrics, 'reference-standard').uncertain).toBe(4);
  });

  it('reports the consensus reference empty when no case has one', () => {
    const consensus = overallFor(readerMetricsFor('rad-17', cases), 'consensus');
    expect(consensus).toMatchObject({ n: 0, uncertain: 0, kappa: null });
    expect(consensus.agreement).toEqual({ value: null, low: null, high: null });
  });
});

describe('a small hand-counted set of cases', () => {
  // Case 1, wrist, January: both blinded; the adjudicator selects rad-a's opinion.
  const opA1 = opinion('rad-a', [present('fracture'), absent('dislocation'), uncertain('joint-effusion')], {
    opinionId: 'op-a-1',
    assignedAt: '2025-01-10T09:00:00.000Z',
    submittedAt: '2025-01-10T10:00:00.000Z',
  });
  const opB1 = opinion('rad-b', [absent('fracture'), absent('dislocation'), present('joint-effusion')], {
    opinionId: 'op-b-1',
  });
  const final1 = [present('fracture'), absent('dislocation'), present('joint-effusion')];
  const case1 = metricsCase({
    caseId: 'case-1',
    bodyRegion: 'wrist',
    occurredAt: '2025-01-10T08:00:00.000Z',
    opinions: [opA1, opB1],
    consensus: { round: 1, findings: final1, method: 'adjudication', basedOn: ['op-a-1'] },
    wentToAdjudication: [1],
    adjudications: [{ round: 1, adjudicatorId: 'rad-adj', selectedOpinionId: 'op-a-1', findings: final1 }],
  });
  // Case 2, chest, February: rad-b read unblinded; follow-up later showed a pneumothorax.
  const case2 = metricsCase({
    caseId: 'case-2',
    bodyRegion: 'chest',
    occurredAt: '2025-02-03T08:00:00.000Z',
    opinions: [
      opinion('rad-a', [absent('pneumothorax'), present('cardiomegaly')], {
        assignedAt: '2025-02-03T09:00:00.000Z',
        submittedAt: '2025-02-03T11:00:00.000Z',
      }),
      opinion('rad-b', [absent('pneumothorax'), absent('cardiomegaly')], { blinded: false }),
    ],
    consensus: agreed([absent('pneumothorax'), uncertain('cardiomegaly')]),
    referenceStandard: { source: 'follow-up-imaging', findings: [present('pneumothorax')] },
  });
  // Case 3, wrist, February: still in review (no consensus, no reference).
  const case3 = metricsCase({
    caseId: 'case-3',
    occurredAt: '2025-02-20T08:00:00.000Z',
    opinions: [opinion('rad-a', [absent('fracture')])],
  });
  // Case 4, wrist, March: reopened; round 2 (rad-c) overturned rad-b's round-1 fracture.
  const case4 = metricsCase({
    caseId: 'case-4',
    occurredAt: '2025-03-01T08:00:00.000Z',
    opinions: [
      opinion('rad-b', [present('fracture')], { round: 1 }),
      opinion('rad-c', [absent('fracture')], { round: 2 }),
    ],
    consensus: agreed([absent('fracture')], 2),
  });
  const cases: MetricsCase[] = [case1, case2, case3, case4];
  const items = byReader(computeReaderMetrics(cases, { minComparedReads: 1 }).items);

  it('lists every reader once, by readerId, the adjudicator among them', () => {
    expect(computeReaderMetrics(cases).items.map((item) => item.readerId)).toEqual([
      'rad-a',
      'rad-adj',
      'rad-b',
      'rad-c',
    ]);
  });

  it('counts reads as opinions submitted, blinded or not', () => {
    expect([items['rad-a']!.reads, items['rad-b']!.reads, items['rad-c']!.reads]).toEqual([3, 3, 1]);
    expect(items['rad-b']!.unblinded.reads).toBe(1);
  });

  it('counts rad-a against the consensus and the reference standard apart', () => {
    const a = items['rad-a']!;
    // case 1: fracture TP, dislocation TN, joint-effusion uncertain; case 2: pneumothorax TN, cardiomegaly uncertain
    expect(counts(overallFor(a, 'consensus'))).toEqual({ tp: 1, fp: 0, fn: 0, tn: 2, uncertain: 2, n: 3 });
    // case 2: pneumothorax absent against the follow-up's present
    expect(counts(overallFor(a, 'reference-standard'))).toEqual({
      tp: 0,
      fp: 0,
      fn: 1,
      tn: 0,
      uncertain: 0,
      n: 1,
    });
    expect(a.comparedReads).toBe(2);
    expect(overallFor(a, 'consensus').sensitivity.value).toBe(1);
    expect(overallFor(a, 'consensus').specificity.value).toBe(1);
    expect(overallFor(a, 'consensus').kappa).toBe(1);
    expect(overallFor(a, 'reference-standard').sensitivity.value).toBe(0);
    expect(overallFor(a, 'reference-standard').specificity).toEqual({ value: null, low: null, high: null });
  });

  it('breaks rad-a down by finding (a finding against both references appears twice), body region and period', () => {
    const a = items['rad-a']!;
    expect(a.byFinding.map((f) => [f.code, f.reference, f.tp, f.fp, f.fn, f.tn, f.uncertain])).toEqual([
      ['cardiomegaly', 'consensus', 0, 0, 0, 0, 1],
      ['dislocation', 'consensus', 0, 0, 0, 1, 0],
      ['fracture', 'consensus', 1, 0, 0, 0, 0],
      ['joint-effusion', 'consensus', 0, 0, 0, 0, 1],
      ['pneumothorax', 'reference-standard', 0, 0, 1, 0, 0],
      ['pneumothorax', 'consensus', 0, 0, 0, 1, 0],
    ]);
    expect(a.byBodyRegion.map((f) => [f.bodyRegion, f.reference, f.n, f.uncertain])).toEqual([
      ['chest', 'reference-standard', 1, 0],
      ['chest', 'consensus', 1, 1],
      ['wrist', 'consensus', 2, 1],
    ]);
    expect(a.byPeriod.map((f) => [f.period, f.reference, f.n, f.uncertain])).toEqual([
      ['2025-01', 'consensus', 2, 1],
      ['2025-02', 'reference-standard', 1, 0],
      ['2025-02', 'consensus', 1, 1],
    ]);
  });

  it("counts an earlier round's opinion against the current consensus", () => {
    const b = items['rad-b']!;
    // case 1: fracture FN, dislocation TN, joint-effusion TP; case 4 round 1: fracture FP against round 2
    expect(counts(overallFor(b, 'consensus'))).toEqual({ tp: 1, fp: 1, fn: 1, tn: 1, uncertain: 0, n: 4 });
  });

  it('excludes unblinded reads from accuracy and reports them in their own block', () => {
    const b = items['rad-b']!;
    expect(overallFor(b, 'reference-standard').n).toBe(0);
    expect(counts(b.unblinded.overall.find((f) => f.reference === 'consensus')!)).toEqual({
      tp: 0,
      fp: 0,
      fn: 0,
      tn: 1,
      uncertain: 1,
      n: 1,
    });
    expect(counts(b.unblinded.overall.find((f) => f.reference === 'reference-standard')!)).toEqual({
      tp: 0,
      fp: 0,
      fn: 1,
      tn: 0,
      uncertain: 0,
      n: 1,
    });
    expect(b.unblinded.majorDiscordanceRate).toMatchObject({ discordant: 0, n: 1 });
  });

  it('pools unblinded reads into accuracy only when asked', () => {
    const b = readerMetricsFor('rad-b', cases, { includeUnblinded: true });
    expect(counts(overallFor(b, 'consensus'))).toEqual({ tp: 1, fp: 1, fn: 1, tn: 2, uncertain: 1, n: 5 });
    expect(b.unblinded.reads).toBe(1);
  });

  it('gives the major discordance rate over opinions compared with the consensus', () => {
    expect(items['rad-a']!.majorDiscordanceRate).toMatchObject({ discordant: 0, n: 2, value: 0 });
    // case 1 fracture (significant) and case 4 fracture
    expect(items['rad-b']!.majorDiscordanceRate).toMatchObject({ discordant: 2, n: 2, value: 1 });
    expect(items['rad-c']!.majorDiscordanceRate).toMatchObject({ discordant: 0, n: 1 });
  });

  it('does not call a disagreement on a non-significant code a major discordance', () => {
    const metrics = readerMetricsFor('rad-x', [
      metricsCase({
        opinions: [opinion('rad-x', [present('cardiomegaly'), absent('pneumothorax')])],
        consensus: agreed([absent('cardiomegaly'), absent('pneumothorax')]),
      }),
    ]);
    expect(metrics.majorDiscordanceRate).toMatchObject({ discordant: 0, n: 1 });
  });

  it('gives the adjudication rate over primary reads of decided rounds', () => {
    // rad-a: case 1 escalated, case 2 concordant, case 3 still being read (not counted)
    expect(items['rad-a']!.adjudicationRate).toMatchObject({ adjudicated: 1, n: 2, value: 0.5 });
    // rad-b: case 1 escalated, case 2 concordant, case 4 round 1 decided before the reopening
    expect(items['rad-b']!.adjudicationRate).toMatchObject({ adjudicated: 1, n: 3 });
  });

  it('gives the adjudicator agreement rate and the reader disagreement index', () => {
    expect(items['rad-a']!.adjudicatorAgreementRate).toMatchObject({ agreed: 1, n: 1, value: 1 });
    expect(items['rad-b']!.adjudicatorAgreementRate).toMatchObject({ agreed: 0, n: 1, value: 0 });
    expect(items['rad-a']!.readerDisagreementIndex).toMatchObject({
      disagreed: 0,
      n: 3,
      value: 0,
      scale: 100,
    });
    const rdi = items['rad-b']!.readerDisagreementIndex;
    expect(rdi).toMatchObject({ disagreed: 1, n: 3, scale: 100 });
    expect(rdi.value).toBeCloseTo(100 / 3, 12);
    expect(rdi.low!).toBeGreaterThan(0);
    expect(rdi.high!).toBeLessThan(100);
  });

  it("counts an adjudication matching the reader's findings as agreement even when it selected no opinion", () => {
    const own = metricsCase({
      opinions: [opinion('rad-m', [present('fracture'), absent('dislocation')], { opinionId: 'op-m' })],
      consensus: { round: 1, findings: [present('fracture')], method: 'adjudication', basedOn: [] },
      wentToAdjudication: [1],
      adjudications: [
        { round: 1, adjudicatorId: 'rad-adj', findings: [present('fracture'), present('bone-lesion')] },
      ],
    });
    expect(readerMetricsFor('rad-m', [own]).adjudicatorAgreementRate).toMatchObject({ agreed: 1, n: 1 });
    expect(readerMetricsFor('rad-m', [own]).readerDisagreementIndex).toMatchObject({ disagreed: 0, n: 1 });
  });

  it('measures turnaround from assignment to submission, leaving out reads without an assignment time', () => {
    expect(items['rad-a']!.turnaround).toEqual({
      unit: 'seconds',
      n: 2,
      excluded: 1,
      backfilled: 0,
      // 2 values: too few for a 95% interval of the median; for the 90th percentile only the lower
      // side exists (P(both below it) = 0.01 ≤ 2.5%)
      median: { value: 5400, low: null, high: null },
      p90: { value: 6840, low: 3600, high: null },
    });
  });

  it('marks every reader of so few compared reads as insufficient data by default', () => {
    expect(computeReaderMetrics(cases).items.every((item) => item.insufficientData)).toBe(true);
    expect(computeReaderMetrics(cases).items.every((item) => item.funnel.outlier === null)).toBe(true);
  });
});

describe('filters', () => {
  const january = metricsCase({
    bodyRegion: 'wrist',
    occurredAt: '2025-01-31T23:59:59.999Z',
    opinions: [opinion('rad-f', [present('fracture'), absent('dislocation')])],
    consensus: agreed([present('fracture'), absent('dislocation')]),
  });
  const february = metricsCase({
    bodyRegion: 'chest',
    occurredAt: '2025-02-01T00:00:00.000Z',
    opinions: [opinion('rad-f', [absent('pneumothorax')])],
    consensus: agreed([present('pneumothorax')]),
  });
  const cases = [january, february];

  it('takes `from` as inclusive and `to` as exclusive, on the request time', () => {
    expect(readerMetricsFor('rad-f', cases, { from: '2025-02-01T00:00:00.000Z' }).reads).toBe(1);
    expect(readerMetricsFor('rad-f', cases, { to: '2025-02-01T00:00:00.000Z' }).reads).toBe(1);
    expect(
      readerMetricsFor('rad-f', cases, { from: '2025-01-31T23:59:59.999Z', to: '2025-02-01T00:00:00.001Z' })
        .reads,
    ).toBe(2);
  });

  it('filters by body region', () => {
    const chest = readerMetricsFor('rad-f', cases, { bodyRegion: 'chest' });
    expect(chest.reads).toBe(1);
    expect(counts(overallFor(chest, 'consensus'))).toEqual({
      tp: 0,
      fp: 0,
      fn: 1,
      tn: 0,
      uncertain: 0,
      n: 1,
    });
  });

  it('restricts accuracy and discordance to one finding code', () => {
    const fracture = readerMetricsFor('rad-f', cases, { finding: 'fracture' });
    expect(fracture.reads).toBe(2);
    expect(fracture.byFinding.map((figures) => figures.code)).toEqual(['fracture']);
    expect(counts(overallFor(fracture, 'consensus'))).toEqual({
      tp: 1,
      fp: 0,
      fn: 0,
      tn: 0,
      uncertain: 0,
      n: 1,
    });
    expect(fracture.majorDiscordanceRate).toMatchObject({ discordant: 0, n: 1 });
    expect(readerMetricsFor('rad-f', cases).majorDiscordanceRate).toMatchObject({ discordant: 1, n: 2 });
  });

  it('gives the empty figures for a reader with nothing in scope', () => {
    const nobody = readerMetricsFor('rad-nobody', cases);
    expect(nobody).toMatchObject({
      readerId: 'rad-nobody',
      reads: 0,
      comparedReads: 0,
      insufficientData: true,
    });
    expect(nobody.funnel).toMatchObject({ n: 0, value: null, limits95: null, outlier: null });
  });
});

describe('insufficient data', () => {
  it('starts at fewer than 30 compared reads, and the threshold is configurable', () => {
    const items = byReader(
      computeReaderMetrics([
        ...readerWithDiscordance('rad-29', 29, 0),
        ...readerWithDiscordance('rad-30', 30, 0),
      ]).items,
    );
    expect(items['rad-29']!.insufficientData).toBe(true);
    expect(items['rad-30']!.insufficientData).toBe(false);
    expect(
      readerMetricsFor('rad-29', readerWithDiscordance('rad-29', 29, 0), { minComparedReads: 29 })
        .insufficientData,
    ).toBe(false);
  });

  it('does not count reads compared on uncertain codes only', () => {
    const cases = [
      ...readerWithDiscordance('rad-u', 29, 0),
      metricsCase({
        opinions: [opinion('rad-u', [uncertain('fracture')])],
        consensus: agreed([present('fracture')]),
      }),
    ];
    const metrics = readerMetricsFor('rad-u', cases);
    expect(metrics.reads).toBe(30);
    expect(metrics.comparedReads).toBe(29);
    expect(metrics.insufficientData).toBe(true);
  });
});

describe('funnel plot of the major discordance rate', () => {
  it('marks readers outside the 95% and 99.8% limits at their own volume, never one with insufficient data', () => {
    const cases = [
      ...readerWithDiscordance('rad-high', 40, 20),
      ...readerWithDiscordance('rad-mid', 40, 11),
      ...['rad-n1', 'rad-n2', 'rad-n3', 'rad-n4'].flatMap((id) => readerWithDiscordance(id, 40, 2)),
      ...readerWithDiscordance('rad-low', 40, 0),
      ...readerWithDiscordance('rad-few', 5, 5),
    ];
    const items = byReader(computeReaderMetrics(cases).items);
    // group mean 44/285; at n = 40: 95% [0.0424, 0.2664], 99.8% [0, 0.3309]
    const mean = 44 / 285;
    const sd = Math.sqrt((mean * (1 - mean)) / 40);
    const high = items['rad-high']!.funnel;
    expect(high.groupMean).toBeCloseTo(mean, 15);
    expect(high.groupN).toBe(285);
    expect(high.limits95!.low).toBeCloseTo(mean - 1.96 * sd, 15);
    expect(high.limits95!.high).toBeCloseTo(mean + 1.96 * sd, 15);
    expect(high.limits998).toEqual({ low: 0, high: mean + 3.09 * sd });
    expect(
      Object.fromEntries(Object.values(items).map((item) => [item.readerId, item.funnel.outlier])),
    ).toEqual({
      'rad-few': null,
      'rad-high': 'above-99.8',
      'rad-low': 'below-95',
      'rad-mid': 'above-95',
      'rad-n1': null,
      'rad-n2': null,
      'rad-n3': null,
      'rad-n4': null,
    });
    expect(items['rad-few']!.insufficientData).toBe(true);
    expect(items['rad-few']!.funnel.value).toBe(1);
  });

  it('marks a reader below the 99.8% limit', () => {
    const cases = [
      ...['rad-1', 'rad-2', 'rad-3', 'rad-4'].flatMap((id) => readerWithDiscordance(id, 40, 20)),
      ...readerWithDiscordance('rad-careful', 40, 4),
    ];
    const items = byReader(computeReaderMetrics(cases).items);
    // group mean 0.42; 99.8% lower limit at n = 40: 0.42 − 3.09·√(0.42·0.58/40) = 0.1789
    expect(items['rad-careful']!.funnel.outlier).toBe('below-99.8');
    expect(items['rad-1']!.funnel.outlier).toBeNull();
  });
});

describe('RADPEER', () => {
  const prior = { author: 'dr-prior', institution: 'Outside Imaging' };
  const cases = [
    metricsCase({
      opinions: [opinion('rad-a', [present('fracture')]), opinion('rad-b', [present('fracture')])],
      priorReport: prior,
      priorReportScores: [
        { readerId: 'rad-a', round: 1, score: '1' },
        { readerId: 'rad-b', round: 1, score: '2a' },
      ],
      consensus: agreed([present('fracture')]),
    }),
    // 2b went to adjudication and was decided: it counts
    metricsCase({
      opinions: [opinion('rad-a', [present('fracture')])],
      priorReport: prior,
      priorReportScores: [{ readerId: 'rad-a', round: 1, score: '2b' }],
      wentToAdjudication: [1],
      consensus: { round: 1, findings: [present('fracture')], method: 'adjudication', basedOn: [] },
    }),
    // 3a awaiting the adjudicator: not counted yet
    metricsCase({
      opinions: [opinion('rad-b', [present('fracture')])],
      priorReport: prior,
      priorReportScores: [{ readerId: 'rad-b', round: 1, score: '3a' }],
      wentToAdjudication: [1],
    }),
    // another institution, and a prior report of unknown institution
    metricsCase({
      opinions: [opinion('rad-a', [present('fracture')])],
      priorReport: { author: 'dr-prior', institution: 'City Clinic' },
      priorReportScores: [{ readerId: 'rad-a', round: 1, score: '1' }],
    }),
    metricsCase({
      opinions: [opinion('rad-a', [present('fracture')])],
      priorReport: { author: 'dr-prior' },
      priorReportScores: [{ readerId: 'rad-a', round: 1, score: '1' }],
    }),
  ];
  const { items: readers, priorReportAuthors } = computeReaderMetrics(cases);
  const items = byReader(readers);

  it('counts the scores each reader gave', () => {
    expect(items['rad-a']!.radpeer.given).toEqual({
      counts: { '1': 3, '2a': 0, '2b': 1, '3a': 0, '3b': 0 },
      n: 4,
    });
    expect(items['rad-b']!.radpeer.given).toEqual({
      counts: { '1': 0, '2a': 1, '2b': 0, '3a': 1, '3b': 0 },
      n: 2,
    });
  });

  it('lists a prior-report author apart from the readers', () => {
    expect(readers.map((item) => item.readerId)).toEqual(['rad-a', 'rad-b']);
    expect(priorReportAuthors.map((item) => item.author)).toEqual(['dr-prior']);
  });

  it('counts the scores a prior-report author received, by institution, once arbitrated', () => {
    const received = priorReportAuthors[0]!.radpeer.received;
    expect(readerMetricsFor('dr-prior', cases).radpeer.received).toEqual(received);
    expect(received).toEqual({
      counts: { '1': 3, '2a': 1, '2b': 1, '3a': 0, '3b': 0 },
      n: 5,
      pendingArbitration: 1,
      byInstitution: [
        {
          institution: 'City Clinic',
          counts: { '1': 1, '2a': 0, '2b': 0, '3a': 0, '3b': 0 },
          n: 1,
          pendingArbitration: 0,
        },
        {
          institution: 'Outside Imaging',
          counts: { '1': 1, '2a': 1, '2b': 1, '3a': 0, '3b': 0 },
          n: 3,
          pendingArbitration: 1,
        },
        {
          institution: null,
          counts: { '1': 1, '2a': 0, '2b': 0, '3a': 0, '3b': 0 },
          n: 1,
          pendingArbitration: 0,
        },
      ],
    });
  });
});
