/**
 * CPU reference of shaders/flip_count.wgsl (exact: it counts bits).
 */
import { popcount32 } from '../xnor_gemm/ref.ts';

/** ratio[r] = popcount(cur XOR prev over replica r's W words) / total. */
export function flipRatioRef(
  cur: Uint32Array,
  prev: Uint32Array,
  R: number,
  W: number,
  total: number,
): Float32Array {
  const out = new Float32Array(R);
  for (let r = 0; r < R; r++) {
    let flips = 0;
    for (let w = 0; w < W; w++) flips += popcount32(cur[r * W + w] ^ prev[r * W + w]);
    out[r] = flips / Math.max(total, 1);
  }
  return out;
}
