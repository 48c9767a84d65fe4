/**
 * CPU reference of the float GEMM (shaders/gemm*.wgsl): plain loops in float64, the executable spec.
 *
 *   out[r, m, n] = Σ_k opA(a[r])[m, k] · opB(b[r])[k, n]  (+ bias[r, n])
 *
 * opA(a) is M×K, stored [M, K] or [K, M] when transA; opB(b) is K×N, stored [K, N] or [N, K] when transB.
 * An operand whose replica count is 1 (Ra, Rb, Rbias) is shared by every replica.
 */

export interface GemmShape {
  R: number;
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
  /** Replicas stored in a, b and bias: R, or 1 to broadcast (default R). */
  Ra?: number;
  Rb?: number;
  Rbias?: number;
}

export function gemmRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  { R, M, N, K, transA = false, transB = false, Ra = R, Rb = R, Rbias = R }: GemmShape,
  bias?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(R * M * N);
  for (let r = 0; r < R; r++) {
    const ra = Ra === 1 ? 0 : r;
    const rb = Rb === 1 ? 0 : r;
    const rbias = Rbias === 1 ? 0 : r;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const x = transA ? a[(ra * K + k) * M + m] : a[(ra * M + m) * K + k];
          const y = transB ? b[(rb * N + n) * K + k] : b[(rb * K + k) * N + n];
          s += x * y;
        }
        if (bias) s += bias[rbias * N + n];
        out[(r * M + m) * N + n] = s;
      }
    }
  }
  return out;
}
