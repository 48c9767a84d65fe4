/**
 * CPU references of shaders/kde_pairwise.wgsl and kde_reduce.wgsl in float64: the pairwise log-sums
 * of the KDE upper bound and their per-(replica, class) sums (the GPU's f32 is compared within a
 * tolerance).
 */
/**
 * shaders/kde_pairwise.wgsl in float64: per replica and sample i, over every j (and over the j of i's
 * class) lse_i = ln Σ_j exp(−‖t_i − t_j‖²/(2σ²)). Returns lse f64[R, n, 2] (all, class).
 */
export function kdePairwiseRef(
  acts: ArrayLike<number>,
  labels: ArrayLike<number>,
  R: number,
  n: number,
  W: number,
  sigma2: number,
): Float64Array {
  const out = new Float64Array(R * n * 2);
  const scale = 1 / (2 * sigma2);
  for (let r = 0; r < R; r++) {
    const base = r * n * W;
    for (let i = 0; i < n; i++) {
      let sAll = 0;
      let sCls = 0;
      for (let j = 0; j < n; j++) {
        let d2 = 0;
        for (let k = 0; k < W; k++) {
          const d = acts[base + i * W + k] - acts[base + j * W + k];
          d2 += d * d;
        }
        const e = Math.exp(-d2 * scale);
        sAll += e;
        if (labels[j] === labels[i]) sCls += e;
      }
      out[(r * n + i) * 2] = Math.log(sAll);
      out[(r * n + i) * 2 + 1] = Math.log(sCls);
    }
  }
  return out;
}

/**
 * shaders/kde_reduce.wgsl in float64: sums[r, y] = Σ_{i: label i = y} lse_class[r, i] (y < C), and
 * sums[r, C] = Σ_i lse_all[r, i]. lse [R, n, 2] as kdePairwiseRef returns.
 */
export function kdeSumsRef(
  lse: ArrayLike<number>,
  labels: ArrayLike<number>,
  R: number,
  n: number,
  C: number,
): Float64Array {
  const out = new Float64Array(R * (C + 1));
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) {
      out[r * (C + 1) + labels[i]] += lse[(r * n + i) * 2 + 1];
      out[r * (C + 1) + C] += lse[(r * n + i) * 2];
    }
  }
  return out;
}
