/**
 * Entropies of a layer's codes from their **count of counts** (docs/METHOD.md §3), in bits, float64.
 *
 * Over N samples, a code that occurs c times has p = c/N, so
 *
 *   H(T) = −Σ_codes (c/N)·log2(c/N) = log2 N − (1/N)·Σ_codes c·log2 c
 *
 * and only the multiset of counts matters: with m_k codes occurring exactly k times,
 * H(T) = log2 N − (1/N)·Σ_k m_k·k·log2 k. Likewise H(T | Y = y) over the n_y samples of class y from the
 * counts of the (code, y) pairs, and
 *
 *   H(T|Y) = Σ_y (n_y/N)·H(T|Y=y),   I(X;T) = H(T),   I(T;Y) = H(T) − H(T|Y)
 *
 * Ceilings: I(X;T) ≤ log2 N, I(T;Y) ≤ H(Y). Miller–Madow: H + (m − 1)/(2N ln 2) with m the occupied
 * codes (for H(T|Y=y): the occupied codes of class y, N = n_y).
 *
 * Determinism: the GPU's hash tables list the (k, m_k) pairs in an order that depends on thread timing;
 * every sum here runs over the pairs sorted by k, so the result depends only on the counts.
 */

/** m codes occur exactly k times. */
export interface CountOfCount {
  k: number;
  m: number;
}

/** What the counting pass yields for one layer of one replica. */
export interface CodeHistogram {
  /** Samples in the estimation set (N). */
  n: number;
  /** Count of counts of the codes over all samples. */
  all: readonly CountOfCount[];
  /** Per label y (0..C−1): count of counts of the codes among the samples of class y. */
  perLabel: readonly (readonly CountOfCount[])[];
}

export interface Entropies {
  /** H(T) */
  hT: number;
  /** H(T|Y) */
  hTgivenY: number;
  /** I(X;T) = H(T) */
  ixt: number;
  /** I(T;Y) = H(T) − H(T|Y) */
  ity: number;
}

export interface InfoEstimate extends Entropies {
  /** N */
  n: number;
  /** Occupied codes m (distinct codes). */
  occupied: number;
  /** H(Y) of the labels, the ceiling of I(T;Y). */
  hY: number;
  /** log2 N, the ceiling of I(X;T). */
  log2N: number;
  /** log2 N − H(T) (plug-in): the mean over samples of log2 (samples sharing the sample's code). */
  gapBits: number;
  /** The plug-in estimate sits at its ceiling and says nothing (see SATURATION_GAP_BITS). */
  saturated: boolean;
  /** Whether hT…ity below are Miller–Madow corrected (else plug-in). */
  millerMadow: boolean;
  plugIn: Entropies;
  corrected: Entropies;
}

/**
 * Reliability (Nothnagel & Geiger: the plug-in estimate of a layer saturates at log2 N once its code
 * space dwarfs N, and its trajectory then says nothing). A layer is flagged when log2 N − H(T) <
 * SATURATION_GAP_BITS. Why this measure and 0.1: the gap equals (1/N)·Σ_samples log2 c(sample), the mean
 * log2 of the number of samples sharing each sample's code; a sample in a shared code contributes ≥ 1
 * bit, so a gap below 0.1 bit means more than 90% of the samples have a code of their own. The binning
 * then separates (almost) every input, I(X;T) is pinned within 0.1 bit of log2 N and I(T;Y) near H(Y),
 * whatever the layer does: neither fitting nor compression can show. The test is on the data alone, so
 * it applies alike to sign patterns (2^D codes) and to fine bins.
 */
export const SATURATION_GAP_BITS = 0.1;

/** Σ m_k · k · log2 k over the pairs sorted by k (float64, a fixed order). */
function sumKLog2K(list: readonly CountOfCount[]): number {
  const sorted = [...list].sort((a, b) => a.k - b.k);
  let s = 0;
  for (const { k, m } of sorted) if (k > 1) s += m * k * Math.log2(k);
  return s;
}

function totals(list: readonly CountOfCount[]): { samples: number; codes: number } {
  let samples = 0;
  let codes = 0;
  for (const { k, m } of list) {
    samples += k * m;
    codes += m;
  }
  return { samples, codes };
}

/** H in bits of N samples whose code counts have the count of counts `list`; 0 for N = 0. */
export function entropyOfCounts(list: readonly CountOfCount[], N: number): number {
  if (N === 0) return 0;
  return Math.log2(N) - sumKLog2K(list) / N;
}

/** The Miller–Madow term (m − 1)/(2N ln 2) in bits; 0 for N = 0. */
export function millerMadowTerm(occupied: number, N: number): number {
  return N === 0 || occupied === 0 ? 0 : (occupied - 1) / (2 * N * Math.LN2);
}

/** H(Y) in bits of a label histogram. */
export function labelEntropy(labelCounts: readonly number[]): number {
  const N = labelCounts.reduce((a, b) => a + b, 0);
  let h = 0;
  for (const c of labelCounts) if (c > 0) h -= (c / N) * Math.log2(c / N);
  return h;
}

/** The count of counts of a list of counts (codes → how often each occurs), sorted by k. */
export function countOfCounts(counts: Iterable<number>): CountOfCount[] {
  const m = new Map<number, number>();
  for (const c of counts) if (c > 0) m.set(c, (m.get(c) ?? 0) + 1);
  return [...m.entries()].map(([k, mk]) => ({ k, m: mk })).sort((a, b) => a.k - b.k);
}

/**
 * Every quantity of docs/METHOD.md §3 from one layer's count of counts. Throws when the lists are
 * inconsistent (Σ k·m ≠ N): a GPU table that lost or duplicated a sample is never turned into numbers.
 */
export function estimateFromHistogram(
  h: CodeHistogram,
  options: { millerMadow?: boolean } = {},
): InfoEstimate {
  const { n } = h;
  const all = totals(h.all);
  if (all.samples !== n) {
    throw new Error(`count of counts covers ${all.samples} samples, the estimation set has ${n}`);
  }
  const labelCounts = h.perLabel.map((l) => totals(l).samples);
  const labelled = labelCounts.reduce((a, b) => a + b, 0);
  if (labelled !== n) {
    throw new Error(`per-label count of counts cover ${labelled} samples, the estimation set has ${n}`);
  }
  const hT = entropyOfCounts(h.all, n);
  const hTmm = hT + millerMadowTerm(all.codes, n);
  let hTgivenY = 0;
  let hTgivenYmm = 0;
  h.perLabel.forEach((list, y) => {
    const ny = labelCounts[y];
    if (ny === 0) return;
    const hy = entropyOfCounts(list, ny);
    hTgivenY += (ny / n) * hy;
    hTgivenYmm += (ny / n) * (hy + millerMadowTerm(totals(list).codes, ny));
  });
  const plugIn: Entropies = { hT, hTgivenY, ixt: hT, ity: hT - hTgivenY };
  const corrected: Entropies = { hT: hTmm, hTgivenY: hTgivenYmm, ixt: hTmm, ity: hTmm - hTgivenYmm };
  const log2N = n > 0 ? Math.log2(n) : 0;
  const gapBits = log2N - hT;
  const millerMadow = options.millerMadow ?? false;
  return {
    ...(millerMadow ? corrected : plugIn),
    n,
    occupied: all.codes,
    hY: labelEntropy(labelCounts),
    log2N,
    gapBits,
    saturated: n > 1 && gapBits < SATURATION_GAP_BITS,
    millerMadow,
    plugIn,
    corrected,
  };
}
