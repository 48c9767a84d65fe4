/**
 * Train/test splits as row indices.
 *
 *   shuffled    a seeded Fisher–Yates shuffle (Rng.shuffle) of all rows; the first rint(N·f) are train.
 *   first-rows  IDNNs' split (Shwartz-Ziv & Tishby's code, data_shuffle with shuffle_data=False): the
 *               first rint(N·f) rows are train, the rest test, unshuffled. Flagged `biased`: on the 12-bit
 *               task at f = 0.8 the test set (the last 819 rows, which have many ones) is 84 % ones against
 *               52 % overall. (For f > 0.8 IDNNs' test set is always the last 20 % and overlaps train; ours
 *               stays disjoint.)
 *
 * Both sets are returned in ascending row order (a split is a pair of sets; batching shuffles later).
 */
import type { Rng } from '../util/rng.ts';

export type SplitMode = 'shuffled' | 'first-rows';
export const SPLIT_MODES: readonly SplitMode[] = ['shuffled', 'first-rows'];

export interface SplitOptions {
  /** In (0, 1); both sets must come out non-empty. */
  trainFraction: number;
  mode: SplitMode;
}

export interface Split {
  train: Uint32Array;
  test: Uint32Array;
  /** True for the unshuffled first-rows split, whose test set is not a sample of the data. */
  biased: boolean;
}

/** numpy's rint: round half to even (IDNNs computes the split point with np.rint). */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function splitIndices(N: number, options: SplitOptions, rng: Rng): Split {
  const { trainFraction: f, mode } = options;
  if (!Number.isInteger(N) || N < 2) throw new Error(`split: N must be an integer ≥ 2, got ${N}`);
  if (!(f > 0 && f < 1)) throw new Error(`split: trainFraction must be in (0, 1), got ${f}`);
  if (!SPLIT_MODES.includes(mode))
    throw new Error(`split: mode must be one of ${SPLIT_MODES.join(', ')}, got ${String(mode)}`);
  const nTrain = rint(N * f);
  if (nTrain < 1 || nTrain > N - 1)
    throw new Error(`split: trainFraction ${f} of ${N} rows leaves an empty train or test set`);

  const order = Array.from({ length: N }, (_, i) => i);
  if (mode === 'shuffled') rng.shuffle(order);
  const train = Uint32Array.from(order.slice(0, nTrain)).sort();
  const test = Uint32Array.from(order.slice(nTrain)).sort();
  return { train, test, biased: mode === 'first-rows' };
}

export interface ClassBalance {
  /** Rows of each class among `idx`. */
  counts: number[];
  /** counts / idx.length. */
  fractions: number[];
}

/** How the classes are spread over the rows `idx` (all rows when omitted). */
export function classBalance(labels: Uint32Array, idx?: Uint32Array, classes?: number): ClassBalance {
  const rows = idx ?? Uint32Array.from({ length: labels.length }, (_, i) => i);
  let c = classes ?? 0;
  if (classes === undefined) for (const r of rows) c = Math.max(c, labels[r] + 1);
  const counts = new Array<number>(c).fill(0);
  for (const r of rows) {
    if (r >= labels.length) throw new Error(`classBalance: row ${r} is beyond the ${labels.length} labels`);
    if (labels[r] >= c) throw new Error(`classBalance: label ${labels[r]} of row ${r} is not below ${c}`);
    counts[labels[r]]++;
  }
  return { counts, fractions: counts.map((k) => (rows.length ? k / rows.length : 0)) };
}
