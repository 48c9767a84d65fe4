/**
 * CPU reference of shaders/magnitude_sign_forward.wgsl and magnitude_sign_backward.wgsl (the
 * magnitude-aware sign of Bi-Real Net: y = sign(x)·α with α the mean |x| per column): float64 loops,
 * the executable spec.
 */
import { ste } from '../activation/ref.ts';
import { sign } from '../pack_signs/ref.ts';

/**
 * shaders/magnitude_sign_forward.wgsl, Larq's `magnitude_aware_sign` over x [R, B, N]:
 *   α[r, n] = mean_b |x[r, b, n]|   (Larq: the mean over every axis but the last; an empty batch gives 0)
 *   y[r, b, n] = α[r, n] · sign(x[r, b, n])
 */
export function magnitudeSignForwardRef(
  x: ArrayLike<number>,
  R: number,
  B: number,
  N: number,
): { y: Float64Array; alpha: Float64Array } {
  const y = new Float64Array(R * B * N);
  const alpha = new Float64Array(R * N);
  for (let r = 0; r < R; r++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += Math.abs(x[(r * B + b) * N + n]);
      const a = s / Math.max(B, 1);
      alpha[r * N + n] = a;
      for (let b = 0; b < B; b++) y[(r * B + b) * N + n] = a * sign(x[(r * B + b) * N + n]);
    }
  }
  return { y, alpha };
}

/**
 * shaders/magnitude_sign_backward.wgsl: dx[r, b, n] = dy[r, b, n] · α[r, n] · 1{|x[r, b, n]| ≤ 1}.
 * Larq computes stop_gradient(α) · ste_sign(x): α is a constant in the chain rule (no gradient flows
 * through the mean), so the gradient is ste_sign's, scaled by α ("as ste_sign", docs/METHOD.md §2).
 */
export function magnitudeSignBackwardRef(
  x: ArrayLike<number>,
  alpha: ArrayLike<number>,
  dy: ArrayLike<number>,
  R: number,
  B: number,
  N: number,
): Float64Array {
  const dx = new Float64Array(R * B * N);
  for (let r = 0; r < R; r++) {
    for (let b = 0; b < B; b++) {
      for (let n = 0; n < N; n++) {
        const i = (r * B + b) * N + n;
        dx[i] = dy[i] * alpha[r * N + n] * ste(x[i]);
      }
    }
  }
  return dx;
}
