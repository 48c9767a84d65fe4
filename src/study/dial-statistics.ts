/**
 * The statistics of the capacity study over replicas placed on the bit-width dial (docs/METHOD.md §6.8):
 * the slope of S̄ against log2 k, partial correlations with final training accuracy, a bootstrap stratified
 * by bit width and a permutation p for the slope. Pure; the random streams come from the caller.
 */
import type { Rng } from '../util/rng.ts';
import { type BitWidth, DIAL, dialPosition } from './bit-width.ts';
import {
  BOOTSTRAP_RESAMPLES,
  type Interval,
  mean,
  quantileSorted,
  RANDOM_PERMUTATIONS,
} from './statistic.ts';

/** One fitted replica with a defined S̄_r. */
export interface DialPoint {
  bits: BitWidth;
  s: number;
  /** Final training accuracy. */
  acc: number;
}

/** OLS slope of y on x; null when x does not vary. */
export function olsSlope(x: readonly number[], y: readonly number[]): number | null {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxx > 1e-12 ? sxy / sxx : null;
}

/** Pearson correlation; null when either side does not vary. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length < 3) return null;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 1e-12 && syy > 1e-12 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** y minus its linear fit on z (minus its mean when z does not vary). */
export function residualize(y: readonly number[], z: readonly number[]): number[] {
  const b = olsSlope(z, y) ?? 0;
  const my = mean(y);
  const mz = mean(z);
  return y.map((v, i) => v - my - b * (z[i] - mz));
}

/** Each value minus the mean of its group. */
export function centreWithinGroups(v: readonly number[], group: readonly number[]): number[] {
  const sums = new Map<number, [number, number]>();
  v.forEach((x, i) => {
    const s = sums.get(group[i]) ?? [0, 0];
    sums.set(group[i], [s[0] + x, s[1] + 1]);
  });
  return v.map((x, i) => {
    const [s, n] = sums.get(group[i]) as [number, number];
    return x - s / n;
  });
}

export const slopeOf = (pts: readonly DialPoint[]): number | null =>
  olsSlope(
    pts.map((p) => dialPosition(p.bits)),
    pts.map((p) => p.s),
  );

export function accGivenBits(pts: readonly DialPoint[]): number | null {
  const g = pts.map((p) => p.bits);
  return pearson(
    centreWithinGroups(
      pts.map((p) => p.s),
      g,
    ),
    centreWithinGroups(
      pts.map((p) => p.acc),
      g,
    ),
  );
}

export function bitsGivenAcc(pts: readonly DialPoint[]): number | null {
  const acc = pts.map((p) => p.acc);
  return pearson(
    residualize(
      pts.map((p) => p.s),
      acc,
    ),
    residualize(
      pts.map((p) => dialPosition(p.bits)),
      acc,
    ),
  );
}

/**
 * Percentile bootstrap CI of `stat`, resampling the points within each bit width (the design's cells keep
 * their sizes). Resamples where `stat` is undefined are dropped; null when more than half are.
 */
export function stratifiedBootstrapCI(
  pts: readonly DialPoint[],
  stat: (p: DialPoint[]) => number | null,
  rng: Rng,
  resamples = BOOTSTRAP_RESAMPLES,
  level = 0.95,
): Interval | null {
  const groups = DIAL.map((k) => pts.filter((p) => p.bits === k)).filter((g) => g.length > 0);
  const out: number[] = [];
  const sample: DialPoint[] = [];
  for (let b = 0; b < resamples; b++) {
    sample.length = 0;
    for (const g of groups) for (let i = 0; i < g.length; i++) sample.push(g[rng.int(0, g.length - 1)]);
    const v = stat(sample);
    if (v !== null && Number.isFinite(v)) out.push(v);
  }
  if (out.length * 2 < resamples) return null;
  out.sort((a, b) => a - b);
  return { lo: quantileSorted(out, (1 - level) / 2), hi: quantileSorted(out, (1 + level) / 2) };
}

/** Two-sided permutation p of the slope: S̄_r shuffled across the replicas, seeded. */
export function slopePermutationP(
  pts: readonly DialPoint[],
  rng: Rng,
  count = RANDOM_PERMUTATIONS,
): number | null {
  const observed = slopeOf(pts);
  if (observed === null) return null;
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  const s = pts.map((p) => p.s);
  let hits = 0;
  for (let t = 0; t < count; t++) {
    rng.shuffle(s);
    const perm = slopeOf(pts.map((p, i) => ({ ...p, s: s[i] })));
    if (perm !== null && Math.abs(perm) >= Math.abs(observed) - tol) hits++;
  }
  return (1 + hits) / (1 + count);
}
