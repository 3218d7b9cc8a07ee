import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Presence } from '../../../src/domain/case/case.values.js';
import {
  computeFunnelPlot,
  type FunnelMeasure,
  type FunnelReader,
  type FunnelReference,
  funnelPlot,
  funnelReferenceFor,
  limitVolumes,
  MINIMUM_COMPARED_READS,
} from '../../../src/domain/metrics/funnel-plot.js';
import { computeReaderMetrics, type FunnelOutlier } from '../../../src/domain/metrics/reader-metrics.js';
import { funnelLimits, Z_95, Z_998 } from '../../../src/domain/metrics/statistics.js';
import { agreed, metricsCase, opinion, readerWithDiscordance } from './metrics.builders.js';

/** [readerId, numerator, n, insufficientData?]: the figures a plot is given. */
type Row = [readerId: string, numerator: number, n: number, insufficientData?: boolean];

const readersOf = (rows: readonly Row[]): FunnelReader[] =>
  rows.map(([readerId, numerator, n, insufficientData = false]) => ({
    readerId,
    numerator,
    n,
    comparedReads: insufficientData ? 5 : 40,
    insufficientData,
  }));

const plotOf = (rows: readonly Row[], measure: FunnelMeasure = 'major-discordance') =>
  funnelPlot({ measure, reference: 'consensus', minimumN: 30, readers: readersOf(rows) });

const outliersOf = (points: readonly { readerId: string; outlier: FunnelOutlier }[]) =>
  Object.fromEntries(points.map(({ readerId, outlier }) => [readerId, outlier]));

describe('funnel plot: given figures → group rate, points and outliers', () => {
  it.each<{ name: string; rows: Row[]; group: [number, number]; outliers: Record<string, FunnelOutlier> }>([
    {
      // The reader-metrics funnel example: group 44/285; at n = 40, 95% [0.0424, 0.2664], 99.8% [0, 0.3309].
      name: 'one reader above each limit, one below the 95% limit, one with insufficient data unmarked',
      rows: [
        ['rad-high', 20, 40],
        ['rad-mid', 11, 40],
        ['rad-n1', 2, 40],
        ['rad-n2', 2, 40],
        ['rad-n3', 2, 40],
        ['rad-n4', 2, 40],
        ['rad-low', 0, 40],
        ['rad-few', 5, 5, true],
      ],
      group: [44, 285],
      outliers: {
        'rad-high': 'above-99.8',
        'rad-mid': 'above-95',
        'rad-n1': null,
        'rad-n2': null,
        'rad-n3': null,
        'rad-n4': null,
        'rad-low': 'below-95',
        'rad-few': null,
      },
    },
    {
      // group 0.42; the 99.8% lower limit at n = 40 is 0.42 − 3.09·√(0.42·0.58/40) = 0.1789
      name: 'a reader below the 99.8% limit',
      rows: [
        ['rad-1', 20, 40],
        ['rad-2', 20, 40],
        ['rad-3', 20, 40],
        ['rad-4', 20, 40],
        ['rad-careful', 4, 40],
      ],
      group: [84, 200],
      outliers: { 'rad-1': null, 'rad-2': null, 'rad-3': null, 'rad-4': null, 'rad-careful': 'below-99.8' },
    },
    {
      name: 'a reader with nothing compared: a point without a rate, never an outlier',
      rows: [
        ['rad-a', 3, 50],
        ['rad-b', 4, 50],
        ['rad-adjudicator-only', 0, 0],
      ],
      group: [7, 100],
      outliers: { 'rad-a': null, 'rad-b': null, 'rad-adjudicator-only': null },
    },
    {
      name: 'the same figures at another volume are judged by the limits at that volume',
      rows: [
        ['rad-big', 30, 200],
        ['rad-small', 3, 20],
        ['rad-rest', 37, 580],
      ],
      // group 70/800 = 0.0875; at n = 200 the 99.8% upper limit is 0.149 < 0.15; at n = 20 the 95% upper is 0.211 > 0.15
      group: [70, 800],
      outliers: { 'rad-big': 'above-99.8', 'rad-small': null, 'rad-rest': 'below-95' },
    },
    {
      name: 'a group rate of 0: the limits close on 0 and nobody is outside them',
      rows: [
        ['rad-a', 0, 40],
        ['rad-b', 0, 60],
      ],
      group: [0, 100],
      outliers: { 'rad-a': null, 'rad-b': null },
    },
  ])('$name', ({ rows, group, outliers }) => {
    const plot = plotOf(rows);
    expect(plot.groupNumerator).toBe(group[0]);
    expect(plot.groupDenominator).toBe(group[1]);
    expect(plot.groupRate).toBeCloseTo(group[0] / group[1], 15);
    expect(outliersOf(plot.points)).toEqual(outliers);
    for (const [index, [readerId, numerator, n, insufficientData = false]] of rows.entries()) {
      expect(plot.points[index]).toEqual({
        readerId,
        numerator,
        n,
        rate: n === 0 ? null : numerator / n,
        outlier: outliers[readerId],
        insufficientData,
        comparedReads: insufficientData ? 5 : 40,
      });
    }
  });

  it('has no group rate, no limits and no outliers when nothing was compared', () => {
    const plot = plotOf([
      ['rad-a', 0, 0],
      ['rad-b', 0, 0],
    ]);
    expect(plot).toMatchObject({ groupRate: null, groupNumerator: 0, groupDenominator: 0, limits: [] });
    expect(plot.points.map(({ rate, outlier }) => [rate, outlier])).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(plotOf([]).points).toEqual([]);
  });

  it.each<[string, Row]>([
    ['a numerator above n', ['rad-x', 5, 4]],
    ['a negative numerator', ['rad-x', -1, 4]],
    ['a fractional n', ['rad-x', 1, 2.5]],
  ])('refuses %s', (_, row) => {
    expect(() => plotOf([row])).toThrow(RangeError);
  });
});

describe('funnel plot: the limit curves', () => {
  it.each<[largestN: number, samples: number, last: number]>([
    [0, 40, 40],
    [36, 40, 40], // ⌈1.1 · 36⌉ = 40
    [37, 40, 41],
    [100, 55, 110],
    [1000, 103, 1100],
    [10_000, 150, 11_000],
  ])(
    'largest n %i: %i samples, every integer to 20, then geometric steps of at most 5% up to %i',
    (largestN, samples, last) => {
      const volumes = limitVolumes(largestN);
      expect(volumes).toHaveLength(samples);
      expect(volumes.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      expect(volumes.at(-1)).toBe(last);
      for (const [index, n] of volumes.entries()) {
        if (index === 0) continue;
        const previous = volumes[index - 1]!;
        expect(Number.isInteger(n) && n > previous).toBe(true);
        // at most 5% further, give or take the rounding to an integer
        expect(n).toBeLessThanOrEqual(Math.max(previous + 1, Math.round(previous * 1.05) + 1));
      }
    },
  );

  it('gives the binomial limits of the reader-metrics funnel at every sampled n, clamped to [0, 1]', () => {
    const plot = plotOf([
      ['rad-a', 2, 120],
      ['rad-b', 10, 80],
    ]);
    const p = 12 / 200;
    expect(plot.limits.map(({ n }) => n)).toEqual(limitVolumes(120));
    for (const sample of plot.limits) {
      const limits95 = funnelLimits(p, sample.n, Z_95)!;
      const limits998 = funnelLimits(p, sample.n, Z_998)!;
      expect(sample).toEqual({
        n: sample.n,
        lower95: limits95.low,
        upper95: limits95.high,
        lower998: limits998.low,
        upper998: limits998.high,
      });
      expect(sample.lower998).toBeGreaterThanOrEqual(0);
      expect(sample.upper998).toBeLessThanOrEqual(1);
      expect(sample.lower998).toBeLessThanOrEqual(sample.lower95);
      expect(sample.upper95).toBeLessThanOrEqual(sample.upper998);
    }
    // at n = 1 the 99.8% limits span everything: clamped exactly
    expect(plot.limits[0]).toMatchObject({ n: 1, lower998: 0, lower95: 0 });
    // the funnel narrows: each upper limit falls as n grows
    const uppers = plot.limits.map(({ upper998 }) => upper998);
    expect(uppers).toEqual([...uppers].sort((a, b) => b - a));
    expect(plot.limits.at(-1)!.n).toBe(132);
  });
});

describe('funnel plot: the reference of each measure', () => {
  it.each<[FunnelMeasure, FunnelReference | undefined, ReturnType<typeof funnelReferenceFor>]>([
    ['major-discordance', undefined, { reference: 'consensus' }],
    ['major-discordance', 'consensus', { reference: 'consensus' }],
    [
      'major-discordance',
      'reference-standard',
      {
        problem: 'major-discordance is always compared with the consensus: give reference=consensus or none',
      },
    ],
    [
      'sensitivity',
      undefined,
      { problem: 'reference is required with measure sensitivity: reference-standard or consensus' },
    ],
    ['sensitivity', 'reference-standard', { reference: 'reference-standard' }],
    ['specificity', 'consensus', { reference: 'consensus' }],
  ])('%s with reference %s → %o', (measure, reference, expected) => {
    expect(funnelReferenceFor(measure, reference)).toEqual(expected);
  });

  it('refuses to compute a plot whose reference does not fit its measure', () => {
    expect(() => computeFunnelPlot([], 'specificity', undefined)).toThrow(RangeError);
    expect(() => computeFunnelPlot([], 'major-discordance', 'reference-standard')).toThrow(RangeError);
  });
});

describe('funnel plot from the reader metrics', () => {
  it('marks exactly the outliers of the reader metrics’ major-discordance funnel, around the same group mean', () => {
    const cases = [
      ...readerWithDiscordance('rad-high', 40, 20),
      ...readerWithDiscordance('rad-mid', 40, 11),
      ...['rad-n1', 'rad-n2', 'rad-n3', 'rad-n4'].flatMap((id) => readerWithDiscordance(id, 40, 2)),
      ...readerWithDiscordance('rad-low', 40, 0),
      ...readerWithDiscordance('rad-few', 5, 5),
    ];
    const plot = computeFunnelPlot(cases, 'major-discordance', undefined);
    const { items } = computeReaderMetrics(cases);
    expect(plot.reference).toBe('consensus');
    expect(plot.minimumN).toBe(MINIMUM_COMPARED_READS);
    expect(plot.groupRate).toBe(items[0]!.funnel.groupMean);
    expect(plot.groupDenominator).toBe(items[0]!.funnel.groupN);
    expect(outliersOf(plot.points)).toEqual(
      Object.fromEntries(items.map((item) => [item.readerId, item.funnel.outlier])),
    );
    expect(
      plot.points.map(({ readerId, n, rate, insufficientData }) => ({ readerId, n, rate, insufficientData })),
    ).toEqual(
      items.map(({ readerId, funnel, insufficientData }) => ({
        readerId,
        n: funnel.n,
        rate: funnel.value,
        insufficientData,
      })),
    );
    expect(outliersOf(plot.points)['rad-high']).toBe('above-99.8');
  });

  it('agrees with the reader metrics’ funnel for any readers (property)', () => {
    const reader = fc
      .integer({ min: 0, max: 80 })
      .chain((opinions) => fc.tuple(fc.constant(opinions), fc.integer({ min: 0, max: opinions })));
    fc.assert(
      fc.property(fc.array(reader, { minLength: 1, maxLength: 6 }), (readers) => {
        const cases = readers.flatMap(([opinions, discordant], index) =>
          readerWithDiscordance(`rad-${index}`, opinions, discordant),
        );
        const plot = computeFunnelPlot(cases, 'major-discordance', 'consensus');
        const { items } = computeReaderMetrics(cases);
        expect(outliersOf(plot.points)).toEqual(
          Object.fromEntries(items.map((item) => [item.readerId, item.funnel.outlier])),
        );
        expect(plot.groupRate).toBe(items[0]?.funnel.groupMean ?? null);
      }),
      { numRuns: 60 },
    );
  });

  /** One case per read of fracture, with the truth as reference standard and the reader's own read as consensus. */
  const readsOf = (readerId: string, reads: Array<[read: Presence, truth: Presence, times: number]>) =>
    reads.flatMap(([read, truth, times]) =>
      Array.from({ length: times }, () =>
        metricsCase({
          opinions: [opinion(readerId, [{ code: 'fracture', presence: read }])],
          consensus: agreed([{ code: 'fracture', presence: read }]),
          referenceStandard: {
            source: 'follow-up-imaging',
            findings: [{ code: 'fracture', presence: truth }],
          },
        }),
      ),
    );

  const studyCases = [
    // rad-a: TP 18, FN 2, TN 18, FP 2
    ...readsOf('rad-a', [
      ['present', 'present', 18],
      ['absent', 'present', 2],
      ['absent', 'absent', 18],
      ['present', 'absent', 2],
    ]),
    // rad-b: TP 5, FN 15, TN 20, FP 0 — misses three fractures in four
    ...readsOf('rad-b', [
      ['present', 'present', 5],
      ['absent', 'present', 15],
      ['absent', 'absent', 20],
    ]),
  ];

  it.each<[FunnelMeasure, FunnelReference, Record<string, [numerator: number, n: number]>, string]>([
    ['sensitivity', 'reference-standard', { 'rad-a': [18, 20], 'rad-b': [5, 20] }, 'true-positive'],
    ['specificity', 'reference-standard', { 'rad-a': [18, 20], 'rad-b': [20, 20] }, 'true-negative'],
    // against its own read as consensus, every reader is perfect
    ['sensitivity', 'consensus', { 'rad-a': [20, 20], 'rad-b': [5, 5] }, 'true-positive'],
    ['specificity', 'consensus', { 'rad-a': [20, 20], 'rad-b': [35, 35] }, 'true-negative'],
  ])(
    '%s against the %s: numerator and n from the overall figures, the numerator linked',
    (measure, reference, expected, linked) => {
      const plot = computeFunnelPlot(studyCases, measure, reference, {
        link: (readerId, selector) => `/cases/${readerId}?${selector.measure}&${selector.reference}`,
        readerLink: (readerId) => `/readers/${readerId}`,
      });
      expect(plot.reference).toBe(reference);
      expect(
        Object.fromEntries(plot.points.map(({ readerId, numerator, n }) => [readerId, [numerator, n]])),
      ).toEqual(expected);
      const [a, b] = [expected['rad-a']!, expected['rad-b']!];
      expect(plot.groupNumerator).toBe(a[0] + b[0]);
      expect(plot.groupDenominator).toBe(a[1] + b[1]);
      expect(plot.points.map(({ cases, reader }) => [cases, reader])).toEqual([
        [`/cases/rad-a?${linked}&${reference}`, '/readers/rad-a'],
        [`/cases/rad-b?${linked}&${reference}`, '/readers/rad-b'],
      ]);
    },
  );

  it('judges sensitivity by the same rule: 5/20 and 18/20 against a pooled 23/40 are outside the 95% limits only', () => {
    const plot = computeFunnelPlot(studyCases, 'sensitivity', 'reference-standard');
    // p = 0.575; at n = 20 the limits are 95% [0.3584, 0.7916] and 99.8% [0.2334, 0.9166]
    const p = 23 / 40;
    const lower998 = p - 3.09 * Math.sqrt((p * (1 - p)) / 20);
    const lower95 = p - 1.96 * Math.sqrt((p * (1 - p)) / 20);
    expect(5 / 20).toBeGreaterThan(lower998);
    expect(5 / 20).toBeLessThan(lower95);
    expect(outliersOf(plot.points)).toEqual({ 'rad-a': 'above-95', 'rad-b': 'below-95' });
  });

  it('plots a reader below the minimum n but never judges it, and uses the minimum it reports', () => {
    const cases = [...readerWithDiscordance('rad-a', 40, 2), ...readerWithDiscordance('rad-b', 40, 30)];
    expect(outliersOf(computeFunnelPlot(cases, 'major-discordance', undefined).points)).toMatchObject({
      'rad-b': 'above-99.8',
    });
    const strict = computeFunnelPlot(cases, 'major-discordance', undefined, { minimumN: 41 });
    expect(strict.minimumN).toBe(41);
    expect(strict.points.map(({ insufficientData, outlier }) => [insufficientData, outlier])).toEqual([
      [true, null],
      [true, null],
    ]);
  });
});
