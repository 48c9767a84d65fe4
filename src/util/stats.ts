/**
 * Statistics of timed spans: median and interquartile range, quantiles by linear interpolation between
 * order statistics (NumPy's default, Hyndman & Fan type 7): q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]),
 * h = (n − 1)·p over the sorted sample.
 */

export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Q3 − Q1. */
export const iqr = (xs: readonly number[]): number => quantile(xs, 0.75) - quantile(xs, 0.25);

export interface Summary {
  median: number;
  iqr: number;
  min: number;
  n: number;
}

export function summarize(xs: readonly number[]): Summary {
  return { median: median(xs), iqr: iqr(xs), min: xs.length ? Math.min(...xs) : Number.NaN, n: xs.length };
}

/** Greatest common divisor of non-negative bigints (0 for none). */
export function gcd(values: Iterable<bigint>): bigint {
  let g = 0n;
  for (let v of values) {
    if (v < 0n) v = -v;
    let a = g;
    let b = v;
    while (b !== 0n) [a, b] = [b, a % b];
    g = a;
  }
  return g;
}
