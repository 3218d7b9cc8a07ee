/**
 * The statistics behind reader metrics (docs/projections.md "Radiologist accuracy metrics"). Pure
 * numbers in, full-precision numbers out; only `roundForResponse` rounds, for the HTTP layer.
 */

/** 95% two-sided. */
export const Z_95 = 1.96;
/** 99.8% two-sided: the outer funnel-plot limit. */
export const Z_998 = 3.09;

/** A proportion and its interval; all three null when nothing was observed (n = 0). */
export interface Interval {
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

export const NO_INTERVAL: Interval = { value: null, low: null, high: null };

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${value}.`);
  }
}

/**
 * Wilson score interval, exactly docs/projections.md: centre (p̂ + z²/2n)/(1 + z²/n), half-width
 * z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²), clamped to [0, 1]. n = 0 → all null (nothing to estimate).
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): Interval {
  assertCount(successes, 'successes');
  assertCount(n, 'n');
  if (successes > n) throw new RangeError(`successes (${successes}) cannot exceed n (${n}).`);
  if (n === 0) return NO_INTERVAL;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { value: p, low: clamp01(centre - halfWidth), high: clamp01(centre + halfWidth) };
}

/** A 2×2 table: the reader (rows) against the reference (columns). */
export interface ConfusionCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/**
 * Cohen's kappa (pₒ−pₑ)/(1−pₑ), pₑ = [(TP+FP)(TP+FN)+(FN+TN)(FP+TN)]/n². Computed on integers as
 * (n·(TP+TN) − S)/(n² − S), S the pₑ numerator, so that pₑ = 1 is detected exactly. Null when
 * n = 0 or pₑ = 1 (both raters used one category only: kappa is undefined).
 */
export function cohensKappa({ tp, fp, fn, tn }: ConfusionCounts): number | null {
  for (const [what, value] of [
    ['tp', tp],
    ['fp', fp],
    ['fn', fn],
    ['tn', tn],
  ] as const) {
    assertCount(value, what);
  }
  const n = tp + fp + fn + tn;
  if (n === 0) return null;
  const chance = (tp + fp) * (tp + fn) + (fn + tn) * (fp + tn);
  const nSquared = n * n;
  if (chance === nSquared) return null;
  return (n * (tp + tn) - chance) / (nSquared - chance);
}

const sortedCopy = (values: readonly number[]): number[] => {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`values must be finite numbers, got ${value}.`);
  }
  return [...values].sort((a, b) => a - b);
};

/**
 * The p-th percentile (p in [0, 100]) by linear interpolation between closest ranks: Hyndman &
 * Fan type 7, the default of R, NumPy and Excel PERCENTILE.INC. With the values sorted x₀…xₙ₋₁,
 * h = (n−1)·p/100 and the result is x⌊h⌋ + (h−⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋). Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`p must lie in [0, 100], got ${p}.`);
  if (values.length === 0) return null;
  const sorted = sortedCopy(values);
  const h = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(h);
  const fraction = h - lower;
  if (fraction === 0) return sorted[lower]!;
  return sorted[lower]! + fraction * (sorted[lower + 1]! - sorted[lower]!);
}

/** The 50th percentile (type 7): the middle value, or the mean of the two middle values. */
export const median = (values: readonly number[]): number | null => percentile(values, 50);

/** P(B ≤ k) for k = 0…n, B ~ Binomial(n, q), 0 < q < 1: the pmf recurrence in logs, so nothing underflows early. */
function binomialCdf(n: number, q: number): number[] {
  const cdf: number[] = [];
  let logPmf = n * Math.log1p(-q);
  const logRatio = Math.log(q) - Math.log1p(-q);
  let total = 0;
  for (let k = 0; k <= n; k += 1) {
    if (k > 0) logPmf += Math.log(n - k + 1) - Math.log(k) + logRatio;
    total += Math.exp(logPmf);
    cdf.push(Math.min(1, total));
  }
  return cdf;
}

/**
 * A distribution-free confidence interval for the q-th quantile (q in (0, 1)) from order
 * statistics: [x₍ₗ₎, x₍ᵤ₎] (1-based) with l the largest rank such that P(B ≤ l−1) ≤ α/2 and u the
 * smallest with P(B ≥ u) ≤ α/2, B ~ Binomial(n, q); coverage is at least 1−α. A side that no rank
 * can achieve (too few values) is null. `value` is the type-7 percentile.
 */
export function quantileInterval(values: readonly number[], q: number, confidence = 0.95): Interval {
  if (!(q > 0 && q < 1)) throw new RangeError(`q must lie in (0, 1), got ${q}.`);
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must lie in (0, 1), got ${confidence}.`);
  }
  if (values.length === 0) return NO_INTERVAL;
  const sorted = sortedCopy(values);
  const n = sorted.length;
  const tail = (1 - confidence) / 2;
  const cdf = binomialCdf(n, q);
  // P(B ≤ l−1) = cdf[l−1]; the largest l in 1…n with cdf[l−1] ≤ tail.
  let low: number | null = null;
  for (let l = n; l >= 1; l -= 1) {
    if (cdf[l - 1]! <= tail) {
      low = sorted[l - 1]!;
      break;
    }
  }
  // P(B ≥ u) = 1 − cdf[u−1]; the smallest u in 1…n with that ≤ tail.
  let high: number | null = null;
  for (let u = 1; u <= n; u += 1) {
    if (1 - cdf[u - 1]! <= tail) {
      high = sorted[u - 1]!;
      break;
    }
  }
  return { value: percentile(sorted, q * 100), low, high };
}

/** Control limits of a funnel plot at one unit's volume. */
export interface Limits {
  readonly low: number;
  readonly high: number;
}

/**
 * Binomial funnel-plot control limits at volume n: p ± z·√(p(1−p)/n), clamped to [0, 1]
 * (normal approximation, Spiegelhalter 2005). Null when n = 0.
 */
export function funnelLimits(groupMean: number, n: number, z: number = Z_95): Limits | null {
  assertCount(n, 'n');
  if (!(groupMean >= 0 && groupMean <= 1)) {
    throw new RangeError(`groupMean must lie in [0, 1], got ${groupMean}.`);
  }
  if (n === 0) return null;
  const halfWidth = z * Math.sqrt((groupMean * (1 - groupMean)) / n);
  return { low: clamp01(groupMean - halfWidth), high: clamp01(groupMean + halfWidth) };
}

/** Moves the decimal point through the shortest decimal form, so 0.92595 → 9259.5 exactly. */
const shiftDecimal = (x: number, digits: number): number => {
  const [mantissa, exponent = '0'] = String(x).split('e');
  return Number(`${mantissa}e${Number(exponent) + digits}`);
};

/**
 * Rounds to `digits` decimals (4 for responses), half away from zero, on the number's shortest
 * decimal form (so 0.00005 → 0.0001, which Math.round(x·10⁴)/10⁴ gets wrong for some inputs).
 */
export function roundTo(x: number, digits = 4): number {
  if (!Number.isFinite(x)) return x;
  const rounded = Math.sign(x) * shiftDecimal(Math.round(shiftDecimal(Math.abs(x), digits)), -digits);
  return rounded === 0 ? 0 : rounded;
}

/**
 * A copy of a response with every non-integer number rounded to 4 decimals; counts are integers
 * and stay as they are. Internal figures keep full precision; only what is sent is rounded.
 */
export function roundForResponse<T>(value: T, digits = 4): T {
  return roundDeep(value, digits) as T;
}

function roundDeep(value: unknown, digits: number): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : roundTo(value, digits);
  if (Array.isArray(value)) return value.map((item) => roundDeep(item, digits));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, roundDeep(item, digits)]));
  }
  return value;
}

export type FunnelOutlier = 'above-99.8' | 'above-95' | 'below-95' | 'below-99.8' | null;

/**
 * Fewer compared reads than this: a reader is plotted but not judged (`insufficientData`), in the
 * reader metrics and in every funnel plot.
 */
export const MINIMUM_COMPARED_READS = 30;

/**
 * Outside which limit `rate` lies at volume n around `groupRate`, the outer limit first: the one
 * rule of every funnel's `outlier`. Null inside both, and for n = 0.
 */
export function outlierAt(rate: number, n: number, groupRate: number): FunnelOutlier {
  const limits95 = funnelLimits(groupRate, n, Z_95);
  const limits998 = funnelLimits(groupRate, n, Z_998);
  if (!limits95 || !limits998) return null;
  if (rate > limits998.high) return 'above-99.8';
  if (rate > limits95.high) return 'above-95';
  if (rate < limits998.low) return 'below-99.8';
  if (rate < limits95.low) return 'below-95';
  return null;
}
