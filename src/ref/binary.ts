/**
 * CPU references of the binary kernels: sign packing and the XNOR-popcount GEMM. Plain loops; the
 * executable spec the WGSL is tested against (exactly: these are integer kernels).
 */

/** sign(x) = +1 if x ≥ 0 else −1 (never 0), docs/METHOD.md §2. */
export const sign = (x: number): number => (x >= 0 ? 1 : -1);

export const wordsPerRow = (K: number): number => Math.ceil(K / 32);

/** shaders/pack_signs.wgsl: x f32[R,M,K] → u32[R,M,ceil(K/32)], bit j = 1 for a negative input, padding 0. */
export function packSignsRef(x: ArrayLike<number>, R: number, M: number, K: number): Uint32Array {
  const KW = wordsPerRow(K);
  const out = new Uint32Array(R * M * KW);
  for (let rm = 0; rm < R * M; rm++) {
    for (let k = 0; k < K; k++) {
      if (x[rm * K + k] < 0) out[rm * KW + (k >> 5)] |= 1 << (k & 31);
    }
  }
  return out;
}

export function popcount32(v: number): number {
  let x = v >>> 0;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * shaders/xnor_gemm*.wgsl: out[r,m,n] = K − 2·Σ_w popcount(a[r,m,w] XOR b[r,n,w]).
 * strideA/strideB are the words between replicas (0 broadcasts).
 */
export function xnorGemmRef(
  a: Uint32Array,
  b: Uint32Array,
  R: number,
  M: number,
  N: number,
  K: number,
  strideA = M * wordsPerRow(K),
  strideB = N * wordsPerRow(K),
): Float32Array {
  const KW = wordsPerRow(K);
  const out = new Float32Array(R * M * N);
  for (let r = 0; r < R; r++) {
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let diff = 0;
        for (let w = 0; w < KW; w++)
          diff += popcount32(a[r * strideA + m * KW + w] ^ b[r * strideB + n * KW + w]);
        out[(r * M + m) * N + n] = K - 2 * diff;
      }
    }
  }
  return out;
}

/** The ±1 dot product the XNOR GEMM must equal: Σ_k sign(a[m,k])·sign(b[n,k]) on unpacked floats. */
export function signDotRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  R: number,
  M: number,
  N: number,
  K: number,
): Float32Array {
  const out = new Float32Array(R * M * N);
  for (let r = 0; r < R; r++) {
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += sign(a[(r * M + m) * K + k]) * sign(b[(r * N + n) * K + k]);
        out[(r * M + m) * N + n] = s;
      }
    }
  }
  return out;
}
