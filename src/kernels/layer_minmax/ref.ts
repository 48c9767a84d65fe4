/**
 * CPU reference of shaders/layer_minmax.wgsl: plain loops, the executable spec (exact).
 */
import { ftz } from '../layer_codes/ref.ts';
export function minMaxRef(x: ArrayLike<number>, R: number, M: number): Float32Array {
  const out = new Float32Array(2 * R);
  for (let r = 0; r < R; r++) {
    let mn = Number.POSITIVE_INFINITY;
    let mx = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < M; i++) {
      const v = ftz(x[r * M + i]);
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    out[2 * r] = mn;
    out[2 * r + 1] = mx;
  }
  return out;
}
