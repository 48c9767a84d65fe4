/**
 * The KDE upper bound on a float layer's mutual information (Kolchinsky & Tracey 2017, as in Saxe et
 * al.'s kde.py; docs/METHOD.md §3): T is treated as t + Gaussian noise of variance σ². In nats, over N
 * samples of dimension d, with lse_i = ln Σ_j exp(−‖t_i − t_j‖²/(2σ²)):
 *
 *   H_up(T)   = d/2 + (d/2)·ln(2πσ²) − (1/N)·Σ_i (lse_i − ln N)
 *   H(T|X)    = (d/2)·(ln(2πσ²) + 1)
 *   I(X;T)    = H_up(T) − H(T|X)               = ln N − (1/N)·Σ_i lse_i
 *   I(T;Y)    = H_up(T) − Σ_y p(y)·H_up(T|Y=y) = [ln N − S/N] − Σ_y p(y)·[ln N_y − S_y/N_y]
 *
 * where S = Σ_i lse_i over all samples and S_y = Σ_{i in y} lse_i^(y) with the sums over j restricted to
 * class y. The d/2 terms cancel in both differences, so the short forms are used (no cancellation of
 * large terms); everything is float64 and reported in bits. The GPU supplies S and the S_y
 * (kde_pairwise + kde_reduce); this file is pure.
 */

export interface KdeEstimate {
  /** H_up(T) in bits (a differential entropy: may be negative). */
  hUpper: number;
  /** H(T|X) in bits. */
  hGivenX: number;
  /** Σ_y p(y)·H_up(T|Y=y) in bits. */
  hUpperGivenY: number;
  /** I(X;T) upper bound in bits (≤ log2 N). */
  ixt: number;
  /** I(T;Y) upper-bound estimate in bits. */
  ity: number;
}

export interface KdeSums {
  /** N */
  n: number;
  /** d: the layer's width. */
  dims: number;
  /** σ² */
  sigma2: number;
  /** S = Σ_i lse_all_i */
  sumAll: number;
  /** S_y per class y (Σ over the class's samples of lse_class_i); 0 for an empty class. */
  sumByClass: readonly number[];
  /** N_y per class. */
  labelCounts: readonly number[];
}

export function kdeEstimate(s: KdeSums): KdeEstimate {
  const { n, dims, sigma2 } = s;
  const base = dims / 2 + (dims / 2) * Math.log(2 * Math.PI * sigma2);
  const hGivenX = (dims / 2) * (Math.log(2 * Math.PI * sigma2) + 1);
  const ixtNats = Math.log(n) - s.sumAll / n;
  let condNats = 0; // Σ_y p(y)·(ln N_y − S_y/N_y)
  s.labelCounts.forEach((ny, y) => {
    if (ny > 0) condNats += (ny / n) * (Math.log(ny) - s.sumByClass[y] / ny);
  });
  const toBits = (x: number) => x / Math.LN2;
  return {
    hUpper: toBits(base + ixtNats),
    hGivenX: toBits(hGivenX),
    hUpperGivenY: toBits(base + condNats),
    ixt: toBits(ixtNats),
    ity: toBits(ixtNats - condNats),
  };
}
