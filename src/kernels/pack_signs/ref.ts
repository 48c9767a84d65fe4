/**
 * CPU reference of shaders/pack_signs.wgsl: sign packing, plain loops; the executable spec the WGSL is
 * tested against (exactly: an integer kernel).
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
