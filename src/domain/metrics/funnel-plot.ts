import {
  computeReaderMetrics,
  type MetricsCase,
  type ReaderMetrics,
  type ReaderMetricsOptions,
} from './reader-metrics.js';
import {
  funnelLimits,
  type FunnelOutlier,
  MINIMUM_COMPARED_READS,
  outlierAt,
  Z_95,
  Z_998,
} from './statistics.js';

/**
 * The funnel plot of one measure over every reader in scope (docs/domain.md "Funnel plot"): one
 * point per reader at (n, rate), the pooled group rate, and the 95% and 99.8% control limits as
 * curves. Built from the reader metrics of the same scope, so a point's counts, its `cases` link
 * and (for major discordance) its outlier mark are the ones GET /api/v1/metrics/readers gives.
 */

/** The measures a funnel plot is drawn for. */
export const FUNNEL_MEASURES = ['major-discordance', 'sensitivity', 'specificity'] as const;
export type FunnelMeasure = (typeof FUNNEL_MEASURES)[number];

/** What sensitivity and specificity may be computed against. */
export const FUNNEL_REFERENCES = ['reference-standard', 'consensus'] as const;
export type FunnelReference = (typeof FUNNEL_REFERENCES)[number];

export { MINIMUM_COMPARED_READS, outlierAt } from './statistics.js';

/** A reader's counts for one measure, as the reader metrics give them. */
interface MeasureCounts {
  readonly numerator: number;
  readonly n: number;
  /** The drill-down link of the numerator's count, when the metrics carry links. */
  readonly cases?: string;
}

interface MeasureDefinition {
  /** Major discordance is always against the consensus; the others take the reference asked for. */
  readonly fixedReference?: FunnelReference;
  readonly definition: string;
  readonly counts: (reader: ReaderMetrics, reference: FunnelReference) => MeasureCounts;
}

function pairCounts(
  reader: ReaderMetrics,
  reference: FunnelReference,
  count: 'tp' | 'tn',
  other: 'fn' | 'fp',
): MeasureCounts {
  const figures = reader.overall.find((entry) => entry.reference === reference);
  if (!figures) return { numerator: 0, n: 0 };
  const link = figures.cases?.[count];
  return { numerator: figures[count], n: figures[count] + figures[other], ...(link && { cases: link }) };
}

/** Each measure's numerator and denominator among the reader's figures: a table, not branches. */
const MEASURES: Readonly<Record<FunnelMeasure, MeasureDefinition>> = {
  'major-discordance': {
    fixedReference: 'consensus',
    definition:
      'Opinions that disagree with the consensus (present against absent) on at least one significant code ÷ ' +
      'opinions compared with the consensus; always against the consensus.',
    counts: ({ majorDiscordanceRate: rate }) => ({
      numerator: rate.discordant,
      n: rate.n,
      ...(rate.cases && { cases: rate.cases.discordant }),
    }),
  },
  sensitivity: {
    definition: 'True positives ÷ (true positives + false negatives): the positives of the reference.',
    counts: (reader, reference) => pairCounts(reader, reference, 'tp', 'fn'),
  },
  specificity: {
    definition: 'True negatives ÷ (true negatives + false positives): the negatives of the reference.',
    counts: (reader, reference) => pairCounts(reader, reference, 'tn', 'fp'),
  },
};

/** The reference a measure is computed against, or why the one asked for does not fit it. */
export function funnelReferenceFor(
  measure: FunnelMeasure,
  reference: FunnelReference | undefined,
): { reference: FunnelReference } | { problem: string } {
  const { fixedReference } = MEASURES[measure];
  if (fixedReference !== undefined) {
    if (reference !== undefined && reference !== fixedReference) {
      return {
        problem: `${measure} is always compared with the ${fixedReference}: give reference=${fixedReference} or none`,
      };
    }
    return { reference: fixedReference };
  }
  if (reference === undefined) {
    return { problem: `reference is required with measure ${measure}: ${FUNNEL_REFERENCES.join(' or ')}` };
  }
  return { reference };
}

/** One reader's counts, as the funnel plot takes them. */
export interface FunnelReader extends MeasureCounts {
  readonly readerId: string;
  /** Opinions compared with either reference: what the minimum-n rule counts. */
  readonly comparedReads: number;
  readonly insufficientData: boolean;
  /** The reader's metrics in the same scope, when links are built. */
  readonly reader?: string;
}

export interface FunnelPoint {
  readonly readerId: string;
  /** The denominator: the reader's volume, the x of the plot. */
  readonly n: number;
  readonly numerator: number;
  /** numerator ÷ n; null when n = 0. */
  readonly rate: number | null;
  /** Outside which limit at the reader's own n; never set for a reader with insufficient data. */
  readonly outlier: FunnelOutlier;
  readonly insufficientData: boolean;
  readonly comparedReads: number;
  readonly cases?: string;
  readonly reader?: string;
}

/** The control limits at one volume, clamped to [0, 1]. */
export interface FunnelLimitsSample {
  readonly n: number;
  readonly lower95: number;
  readonly upper95: number;
  readonly lower998: number;
  readonly upper998: number;
}

export interface FunnelPlot {
  readonly measure: FunnelMeasure;
  readonly reference: FunnelReference;
  readonly definition: string;
  /** Pooled: the sum of the numerators ÷ the sum of the denominators; null when nothing was compared. */
  readonly groupRate: number | null;
  readonly groupNumerator: number;
  readonly groupDenominator: number;
  /** Compared reads a reader needs to be judged. */
  readonly minimumN: number;
  /** Every reader in scope, by readerId. */
  readonly points: FunnelPoint[];
  /** The limit curves, by n; empty without a group rate. */
  readonly limits: FunnelLimitsSample[];
}

/** Every integer n up to this is sampled; above it, geometric steps. */
const DENSE_UP_TO = 20;
/** At least this many samples, and the curves reach at least this n. */
const MINIMUM_SAMPLES = 40;
/** Geometric steps grow by at most 5%: smooth curves where the limits change slowly. */
const GEOMETRIC_RATIO = 1.05;
/** The curves run 10% past the largest reader's n: ⌈n · 11/10⌉, exact in floating point (n · 1.1 is not). */
const headroom = (n: number): number => Math.ceil((n * 11) / 10);

/**
 * The volumes the limit curves are sampled at: every integer from 1 to 20, then at least 20
 * geometric steps (each ≤ 5%) up to max(40, ⌈1.1 · largest n⌉); distinct integers, increasing.
 */
export function limitVolumes(largestN: number): number[] {
  const upper = Math.max(MINIMUM_SAMPLES, headroom(largestN));
  const volumes = Array.from({ length: DENSE_UP_TO }, (_, index) => index + 1);
  if (upper <= MINIMUM_SAMPLES) {
    for (let n = DENSE_UP_TO + 1; n <= upper; n += 1) volumes.push(n);
    return volumes;
  }
  const ratio = upper / DENSE_UP_TO;
  const steps = Math.max(
    MINIMUM_SAMPLES - DENSE_UP_TO,
    Math.ceil(Math.log(ratio) / Math.log(GEOMETRIC_RATIO)),
  );
  for (let step = 1; step <= steps; step += 1) {
    const n = Math.round(DENSE_UP_TO * ratio ** (step / steps));
    // Rounding may repeat a volume where the steps are shorter than 1: the next integer instead.
    volumes.push(Math.max(n, volumes.at(-1)! + 1));
  }
  return volumes;
}

/** The limit curves around `groupRate`, sampled at `limitVolumes(largestN)`. */
export function limitCurves(groupRate: number, largestN: number): FunnelLimitsSample[] {
  return limitVolumes(largestN).map((n) => {
    const limits95 = funnelLimits(groupRate, n, Z_95)!;
    const limits998 = funnelLimits(groupRate, n, Z_998)!;
    return {
      n,
      lower95: limits95.low,
      upper95: limits95.high,
      lower998: limits998.low,
      upper998: limits998.high,
    };
  });
}

/** The funnel plot of readers' counts for one measure: pooled group rate, points and limit curves. */
export function funnelPlot(input: {
  readonly measure: FunnelMeasure;
  readonly reference: FunnelReference;
  readonly minimumN: number;
  readonly readers: readonly FunnelReader[];
}): FunnelPlot {
  const { measure, reference, minimumN, readers } = input;
  let groupNumerator = 0;
  let groupDenominator = 0;
  for (const { readerId, numerator, n } of readers) {
    if (!Number.isInteger(n) || !Number.isInteger(numerator) || numerator < 0 || numerator > n) {
      throw new RangeError(`${readerId}: numerator ${numerator} of n ${n} is not a count within n.`);
    }
    groupNumerator += numerator;
    groupDenominator += n;
  }
  const groupRate = groupDenominator === 0 ? null : groupNumerator / groupDenominator;
  const points = readers.map((reader): FunnelPoint => {
    const rate = reader.n === 0 ? null : reader.numerator / reader.n;
    const judged = !reader.insufficientData && rate !== null && groupRate !== null;
    return {
      readerId: reader.readerId,
      n: reader.n,
      numerator: reader.numerator,
      rate,
      outlier: judged ? outlierAt(rate, reader.n, groupRate) : null,
      insufficientData: reader.insufficientData,
      comparedReads: reader.comparedReads,
      ...(reader.cases !== undefined && { cases: reader.cases }),
      ...(reader.reader !== undefined && { reader: reader.reader }),
    };
  });
  const largestN = Math.max(0, ...readers.map(({ n }) => n));
  return {
    measure,
    reference,
    definition: MEASURES[measure].definition,
    groupRate,
    groupNumerator,
    groupDenominator,
    minimumN,
    points,
    limits: groupRate === null ? [] : limitCurves(groupRate, largestN),
  };
}

/** Each reader's counts for the measure, from its metrics. */
export function funnelReadersOf(
  readers: readonly ReaderMetrics[],
  measure: FunnelMeasure,
  reference: FunnelReference,
  readerLink?: (readerId: string) => string,
): FunnelReader[] {
  return readers.map((reader) => ({
    readerId: reader.readerId,
    ...MEASURES[measure].counts(reader, reference),
    comparedReads: reader.comparedReads,
    insufficientData: reader.insufficientData,
    ...(readerLink && { reader: readerLink(reader.readerId) }),
  }));
}

export interface FunnelPlotOptions extends Omit<ReaderMetricsOptions, 'minComparedReads'> {
  /** Default MINIMUM_COMPARED_READS. */
  readonly minimumN?: number;
  /** The link of a reader's metrics in the same scope; without it, no `reader` links. */
  readonly readerLink?: (readerId: string) => string;
}

/**
 * The funnel plot of `measure` over every reader in scope of these cases. `reference` is checked
 * with `funnelReferenceFor` first (RangeError when it does not fit the measure). Full precision:
 * round with `roundForResponse` when sending it.
 */
export function computeFunnelPlot(
  cases: readonly MetricsCase[],
  measure: FunnelMeasure,
  reference: FunnelReference | undefined,
  options: FunnelPlotOptions = {},
): FunnelPlot {
  const resolved = funnelReferenceFor(measure, reference);
  if ('problem' in resolved) throw new RangeError(resolved.problem);
  const { minimumN = MINIMUM_COMPARED_READS, readerLink, ...metricsOptions } = options;
  const { items } = computeReaderMetrics(cases, { ...metricsOptions, minComparedReads: minimumN });
  return funnelPlot({
    measure,
    reference: resolved.reference,
    minimumN,
    readers: funnelReadersOf(items, measure, resolved.reference, readerLink),
  });
}
