/**
 * The pre-registered study statistic (docs/METHOD.md §6), as pure functions over arrays:
 *
 *   fitting      per replica, a(e) = training accuracy at logged epoch e; gain G = max_e a(e) − a(0);
 *                fitting ends at e_fit = the first logged epoch with a(e) ≥ a(0) + θ·G (θ = 0.9 primary);
 *                G < 0.05: the replica did not fit
 *   compression  per layer and replica, x̃ = I(X;T) smoothed by a centred 5-point moving median; each step
 *                compresses max(0, x̃(e_i) − x̃(e_{i+1})) bits; D = the sum over the run, D_fit = the sum over
 *                steps that end at or before e_fit; S = D_fit / D (undefined when D < the floor, 0.1 bit)
 *   uninformative  I(X;T) within 0.1 bit of log2 N for more than half of the logged epochs
 *
 * and the inference over replicas: percentile bootstrap CIs of a mean and of a difference of means, and a
 * two-sided permutation p-value (exact enumeration of the splits when there are few enough, else seeded
 * random permutations). Every random stream comes from src/util/rng.ts.
 */
import type { Rng } from '../util/rng.ts';

/** A replica whose training accuracy gains less than this did not fit. */
export const MIN_GAIN = 0.05;
/** The primary fitting threshold θ. */
export const PRIMARY_THETA = 0.9;
/** The primary compression floor, bits: a layer compressing less than this shows no compression. */
export const PRIMARY_FLOOR = 0.1;
/** A point within this many bits of log2 N sits at the ceiling. */
export const CEILING_MARGIN = 0.1;

/**
 * Centred moving median over `width` (odd) points; at the ends the window is cut to the points that exist
 * (index i uses i−2 … i+2 clipped to the array, so the first point's median is over 3 values, the second's
 * over 4). An even count takes the mean of its two middle values.
 */
export function movingMedian(xs: readonly number[], width = 5): number[] {
  if (width < 1 || width % 2 === 0) throw new Error(`movingMedian: width must be odd and ≥ 1, got ${width}`);
  const half = (width - 1) / 2;
  return xs.map((_, i) => {
    const w = xs.slice(Math.max(0, i - half), Math.min(xs.length, i + half + 1)).sort((a, b) => a - b);
    const m = w.length >> 1;
    return w.length % 2 === 1 ? w[m] : (w[m - 1] + w[m]) / 2;
  });
}

/** Fitting by training accuracy: the index of e_fit, or null when the gain is below MIN_GAIN. */
export function fitIndexByAccuracy(
  acc: readonly number[],
  theta: number,
): { index: number | null; gain: number } {
  if (acc.length === 0) return { index: null, gain: 0 };
  const a0 = acc[0];
  let top = a0;
  for (const a of acc) if (a > top) top = a;
  const gain = top - a0;
  if (gain < MIN_GAIN) return { index: null, gain };
  const target = a0 + theta * gain;
  // The maximum itself meets the target, so this always finds a point (the tolerance absorbs θ = 1 rounding).
  return { index: acc.findIndex((a) => a >= target - 1e-12), gain };
}

/** Fitting by a layer's own I(T;Y): the first index reaching θ of its largest value (its maximum if ≤ 0). */
export function fitIndexByInformation(ity: readonly number[], theta: number): number {
  let top = 0;
  for (let i = 1; i < ity.length; i++) if (ity[i] > ity[top]) top = i;
  const target = ity[top] > 0 ? theta * ity[top] : ity[top];
  return Math.max(
    0,
    ity.findIndex((v) => v >= target),
  );
}

/** Per-step compression in bits of an already smoothed curve: step i runs from index i to i + 1. */
export function stepCompression(smoothed: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < smoothed.length; i++) out.push(Math.max(0, smoothed[i] - smoothed[i + 1]));
  return out;
}

export interface CompressionShare {
  /** D: compression over the whole run, bits. */
  total: number;
  /** D_fit: compression in the steps that end at or before e_fit, bits. */
  whileFitting: number;
  /** S = D_fit / D, or null when D is below the floor. */
  share: number | null;
}

/** S for one layer and replica: `ixt` raw over the logged epochs, `fitIndex` the index of e_fit. */
export function compressionShare(
  ixt: readonly number[],
  fitIndex: number,
  floor = PRIMARY_FLOOR,
): CompressionShare {
  const steps = stepCompression(movingMedian(ixt));
  let total = 0;
  let whileFitting = 0;
  steps.forEach((d, i) => {
    total += d;
    if (i + 1 <= fitIndex) whileFitting += d;
  });
  return { total, whileFitting, share: total < floor ? null : whileFitting / total };
}

/** At the ceiling for more than half of the logged epochs: the estimate says nothing about this layer. */
export function isUninformative(ixt: readonly number[], ceiling: number, margin = CEILING_MARGIN): boolean {
  const at = ixt.filter((v) => v >= ceiling - margin).length;
  return at * 2 > ixt.length;
}

/**
 * The old share measure, smoothed and bits-weighted (descriptive only): of the compression bits of the
 * smoothed I(X;T), the share in steps where the smoothed I(T;Y) rises. null when there is no compression.
 * `chance` is the same with the I(T;Y) steps in shuffled order, averaged over `shuffles` seeded orders.
 */
export function weightedJointShare(
  ixt: readonly number[],
  ity: readonly number[],
  rng: Rng,
  shuffles = 200,
): { share: number; chance: number } | null {
  const down = stepCompression(movingMedian(ixt));
  const yS = movingMedian(ity);
  const up = down.map((_, i) => yS[i + 1] > yS[i]);
  const total = down.reduce((s, d) => s + d, 0);
  if (total <= 0) return null;
  const shareOf = (rise: readonly boolean[]) => down.reduce((s, d, i) => s + (rise[i] ? d : 0), 0) / total;
  let chance = 0;
  for (let k = 0; k < shuffles; k++) chance += shareOf(rng.shuffle([...up]));
  return { share: shareOf(up), chance: chance / shuffles };
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** The q-quantile of sorted values, linear between order statistics (R's type 7). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export const BOOTSTRAP_RESAMPLES = 10_000;

export interface Interval {
  lo: number;
  hi: number;
}

function resampleMean(xs: readonly number[], rng: Rng): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[rng.int(0, xs.length - 1)];
  return s / xs.length;
}

/** Percentile bootstrap CI of the mean (resampling with replacement); null for an empty sample. */
export function bootstrapMeanCI(
  xs: readonly number[],
  rng: Rng,
  resamples = BOOTSTRAP_RESAMPLES,
  level = 0.95,
): Interval | null {
  if (xs.length === 0) return null;
  const means = Array.from({ length: resamples }, () => resampleMean(xs, rng)).sort((a, b) => a - b);
  return { lo: quantileSorted(means, (1 - level) / 2), hi: quantileSorted(means, (1 + level) / 2) };
}

/** Percentile bootstrap CI of mean(a) − mean(b), each sample resampled on its own. */
export function bootstrapDiffCI(
  a: readonly number[],
  b: readonly number[],
  rng: Rng,
  resamples = BOOTSTRAP_RESAMPLES,
  level = 0.95,
): Interval | null {
  if (a.length === 0 || b.length === 0) return null;
  const diffs = Array.from({ length: resamples }, () => resampleMean(a, rng) - resampleMean(b, rng)).sort(
    (x, y) => x - y,
  );
  return { lo: quantileSorted(diffs, (1 - level) / 2), hi: quantileSorted(diffs, (1 + level) / 2) };
}

/** n choose k as a double (exact while it stays below 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) c = (c * (n - Math.min(k, n - k) + i)) / i;
  return Math.round(c);
}

export const EXACT_SPLIT_LIMIT = 20_000;
export const RANDOM_PERMUTATIONS = 10_000;

export interface PermutationTest {
  p: number;
  /** 'exact': every split enumerated; 'sampled': seeded random permutations, p = (1 + hits) / (1 + count). */
  method: 'exact' | 'sampled';
  count: number;
}

/**
 * Two-sided permutation test of mean(a) − mean(b): the share of relabellings of the pooled values whose
 * |difference| is at least the observed one. Exact over all C(n, |a|) splits when there are at most
 * EXACT_SPLIT_LIMIT of them; otherwise RANDOM_PERMUTATIONS seeded shuffles.
 */
export function permutationTest(
  a: readonly number[],
  b: readonly number[],
  rng: Rng,
): PermutationTest | null {
  if (a.length === 0 || b.length === 0) return null;
  const pooled = [...a, ...b];
  const n = pooled.length;
  const k = a.length;
  const total = pooled.reduce((s, x) => s + x, 0);
  const diffOf = (sumA: number) => Math.abs(sumA / k - (total - sumA) / (n - k));
  const observed = diffOf(a.reduce((s, x) => s + x, 0));
  // Ties in floating point: a split as extreme as the observed one must count, whatever the summation order.
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  const splits = binomial(n, k);
  if (splits <= EXACT_SPLIT_LIMIT) {
    let hits = 0;
    const idx = Array.from({ length: k }, (_, i) => i);
    for (;;) {
      let s = 0;
      for (const i of idx) s += pooled[i];
      if (diffOf(s) >= observed - tol) hits++;
      let j = k - 1;
      while (j >= 0 && idx[j] === n - k + j) j--;
      if (j < 0) break;
      idx[j]++;
      for (let m = j + 1; m < k; m++) idx[m] = idx[m - 1] + 1;
    }
    return { p: hits / splits, method: 'exact', count: splits };
  }
  let hits = 0;
  const work = [...pooled];
  for (let t = 0; t < RANDOM_PERMUTATIONS; t++) {
    rng.shuffle(work);
    let s = 0;
    for (let i = 0; i < k; i++) s += work[i];
    if (diffOf(s) >= observed - tol) hits++;
  }
  return { p: (1 + hits) / (1 + RANDOM_PERMUTATIONS), method: 'sampled', count: RANDOM_PERMUTATIONS };
}

export type Verdict = 'supports the claim' | 'goes against it' | 'undecided' | 'undecidable';

/** The verdict from the CI of S_BNN − S_DNN (null: a side could not be measured). */
export function verdictOf(ci: Interval | null): Verdict {
  if (ci === null) return 'undecidable';
  if (ci.lo > 0) return 'supports the claim';
  if (ci.hi < 0) return 'goes against it';
  return 'undecided';
}
