import { describe, expect, it } from '@jest/globals';
import {
  cohensKappa,
  funnelLimits,
  median,
  percentile,
  quantileInterval,
  roundForResponse,
  roundTo,
  wilsonInterval,
  Z_998,
} from '../../../src/domain/metrics/statistics.js';

/** Rounded to the 4 decimals of a response, as the spec's example prints them. */
const rounded = (interval: { value: number | null; low: number | null; high: number | null }) =>
  roundForResponse(interval);

describe('Wilson score interval', () => {
  it.each([
    // projections.md "Response shapes": sensitivity 40/45, specificity 160/163, agreement 200/208
    [40, 45, { value: 0.8889, low: 0.765, high: 0.9516 }],
    [160, 163, { value: 0.9816, low: 0.9473, high: 0.9937 }],
    [200, 208, { value: 0.9615, low: 0.926, high: 0.9804 }],
    // Newcombe, Stat Med 1998;17:857, table I (method 3)
    [81, 263, { value: 0.308, low: 0.2553, high: 0.3662 }],
    [15, 148, { value: 0.1014, low: 0.0624, high: 0.1605 }],
    [0, 20, { value: 0, low: 0, high: 0.1611 }],
    [1, 29, { value: 0.0345, low: 0.0061, high: 0.1718 }],
    // the boundaries: clamped, never below 0 or above 1
    [0, 10, { value: 0, low: 0, high: 0.2775 }],
    [10, 10, { value: 1, low: 0.7225, high: 1 }],
  ])('%i/%i → %o', (successes, n, expected) => {
    expect(rounded(wilsonInterval(successes, n))).toEqual(expected);
  });

  it('keeps full precision internally (checked against the quadratic-root form of the same interval)', () => {
    // (2np̂ + z² ∓ z√(z² + 4np̂(1−p̂))) / 2(n + z²)
    const { value, low, high } = wilsonInterval(40, 45);
    expect(value).toBeCloseTo(0.888888888888889, 14);
    expect(low).toBeCloseTo(0.7650062450910906, 14);
    expect(high).toBeCloseTo(0.9515959956217444, 14);
  });

  it('clamps exactly to 0 and 1 at the boundaries', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(10, 10).high).toBe(1);
  });

  it('gives all nulls for n = 0', () => {
    expect(wilsonInterval(0, 0)).toEqual({ value: null, low: null, high: null });
  });

  it('widens with z = 3.09 (99.8%)', () => {
    const wide = wilsonInterval(40, 45, Z_998);
    const narrow = wilsonInterval(40, 45);
    expect(wide.low!).toBeLessThan(narrow.low!);
    expect(wide.high!).toBeGreaterThan(narrow.high!);
  });

  it.each([
    [5, 4],
    [-1, 4],
    [1.5, 4],
    [1, Number.NaN],
  ])('rejects %p successes out of %p', (successes, n) => {
    expect(() => wilsonInterval(successes, n)).toThrow(RangeError);
  });
});

describe("Cohen's kappa", () => {
  it.each([
    // projections.md: tp 40, fp 3, fn 5, tn 160 → 0.8847 (pₒ 0.9615, pₑ 0.6664)
    [{ tp: 40, fp: 3, fn: 5, tn: 160 }, 0.8847],
    // the classic 2×2 (Cohen 1960 as taught): pₒ = 0.7, pₑ = 0.5 → 0.4
    [{ tp: 20, fp: 5, fn: 10, tn: 15 }, 0.4],
    // same pₒ = 0.6, different marginals (the kappa paradox): 0.1304 and 0.2593
    [{ tp: 45, fp: 15, fn: 25, tn: 15 }, 0.1304],
    [{ tp: 25, fp: 35, fn: 5, tn: 35 }, 0.2593],
    [{ tp: 10, fp: 0, fn: 0, tn: 10 }, 1],
    [{ tp: 0, fp: 5, fn: 5, tn: 0 }, -1],
  ])('%o → %p', (counts, expected) => {
    expect(roundTo(cohensKappa(counts)!)).toBe(expected);
  });

  it('is exactly 0.4 for the classic table', () => {
    expect(cohensKappa({ tp: 20, fp: 5, fn: 10, tn: 15 })).toBeCloseTo(0.4, 14);
  });

  it('is null when undefined: n = 0, or pₑ = 1 (one category only on both sides)', () => {
    expect(cohensKappa({ tp: 0, fp: 0, fn: 0, tn: 0 })).toBeNull();
    expect(cohensKappa({ tp: 12, fp: 0, fn: 0, tn: 0 })).toBeNull();
    expect(cohensKappa({ tp: 0, fp: 0, fn: 0, tn: 7 })).toBeNull();
  });

  it('is 0 when one rater is constant but the other is not (pₑ = pₒ)', () => {
    expect(cohensKappa({ tp: 6, fp: 4, fn: 0, tn: 0 })).toBe(0);
  });
});

describe('percentile (type 7, linear interpolation between closest ranks) and median', () => {
  it('medians an odd set by its middle value and an even set by the mean of the middle two', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it.each([
    [[15, 20, 35, 40, 50], 40, 29],
    [[15, 20, 35, 40, 50], 0, 15],
    [[15, 20, 35, 40, 50], 100, 50],
    [[1, 2, 3, 4], 90, 3.7],
    [[1, 2, 3, 4], 25, 1.75],
    [[10, 20], 90, 19],
  ])('%p at p = %p → %p (as R quantile type 7 / NumPy linear)', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 12);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it('is null for no values and rejects p outside [0, 100]', () => {
    expect(percentile([], 50)).toBeNull();
    expect(median([])).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
  });
});

describe('distribution-free quantile interval', () => {
  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('gives the textbook ranks for the median: n = 10 → (x₂, x₉), n = 20 → (x₆, x₁₅)', () => {
    expect(quantileInterval(oneTo(10), 0.5)).toEqual({ value: 5.5, low: 2, high: 9 });
    expect(quantileInterval(oneTo(20), 0.5)).toEqual({ value: 10.5, low: 6, high: 15 });
  });

  it('has no interval for the median of 5 values (P(B = 0) = 1/32 > 2.5%), but has one for 6', () => {
    expect(quantileInterval(oneTo(5), 0.5)).toEqual({ value: 3, low: null, high: null });
    expect(quantileInterval(oneTo(6), 0.5)).toEqual({ value: 3.5, low: 1, high: 6 });
  });

  it('leaves the upper side open for the 90th percentile of 10 values (rank 7 below, none above)', () => {
    expect(quantileInterval(oneTo(10), 0.9)).toEqual({ value: 9.1, low: 7, high: null });
  });

  it('handles large samples without underflow', () => {
    const interval = quantileInterval(oneTo(5000), 0.9);
    expect(interval.low).not.toBeNull();
    expect(interval.high).not.toBeNull();
    expect(interval.low!).toBeLessThan(4500.1);
    expect(interval.high!).toBeGreaterThan(4500.1);
  });
});

describe('funnel-plot limits', () => {
  it('are p ± z·√(p(1−p)/n)', () => {
    expect(roundForResponse(funnelLimits(0.2, 100))).toEqual({ low: 0.1216, high: 0.2784 });
    expect(roundForResponse(funnelLimits(0.2, 100, Z_998))).toEqual({ low: 0.0764, high: 0.3236 });
  });

  it('are clamped to [0, 1] and null at volume 0', () => {
    expect(funnelLimits(0.02, 10)!.low).toBe(0);
    expect(funnelLimits(0.98, 10)!.high).toBe(1);
    expect(funnelLimits(0.2, 0)).toBeNull();
  });
});

describe('rounding for responses', () => {
  it.each([
    [0.92595, 0.926],
    // where Math.round(x·10⁴)/10⁴ goes wrong (x·10⁴ = 1.4999…, 3026.4999…)
    [0.00015, 0.0002],
    [0.30265, 0.3027],
    [-0.12345, -0.1235],
    [1e-7, 0],
    [-1e-7, 0],
    [0.8847166412636831, 0.8847],
  ])('%p → %p', (x, expected) => {
    expect(Object.is(roundTo(x), expected)).toBe(true);
  });

  it('rounds every fraction in a response and leaves counts and text alone', () => {
    expect(
      roundForResponse({
        code: 'fracture',
        tp: 40,
        n: 45,
        agreement: { value: 0.961538, low: null },
        list: [0.123456],
      }),
    ).toEqual({ code: 'fracture', tp: 40, n: 45, agreement: { value: 0.9615, low: null }, list: [0.1235] });
  });
});
