/**
 * CPU reference of shaders/reduce_rows.wgsl: a scaled sum over the batch, in float64.
 *
 *   out[r, n] = scale · Σ_b x[r, b, n]      x: [R, B, N], out: [R, N]
 *
 * scale = 1 sums (bias gradients), scale = 1/B averages (the mean of per-sample losses).
 */
export function reduceRowsRef(
  x: ArrayLike<number>,
  R: number,
  B: number,
  N: number,
  scale = 1,
  /** shaders/reduce_rows.wgsl with ACCUMULATE: the sums are added to these values. */
  accumulateInto?: ArrayLike<number>,
): Float64Array {
  const out = accumulateInto ? Float64Array.from(accumulateInto) : new Float64Array(R * N);
  for (let r = 0; r < R; r++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += x[(r * B + b) * N + n];
      out[r * N + n] += scale * s;
    }
  }
  return out;
}
