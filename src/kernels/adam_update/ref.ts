/**
 * CPU reference of shaders/adam_update.wgsl. Plain loops in float64 over flat arrays (every replica's
 * parameters); it updates the state arrays in place, like the kernel.
 */
import { clipTo } from '../sgd_update/ref.ts';

export interface AdamRefHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** The step, counted from 1. */
  t: number;
  clip?: number;
}

/**
 * Keras Adam, one step:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  α_t = lr·sqrt(1−β2^t)/(1−β1^t);
 *   w ← clip(w − α_t·m/(sqrt(v) + ε)).
 */
export function adamUpdateRef(
  w: Float64Array,
  m: Float64Array,
  v: Float64Array,
  g: ArrayLike<number>,
  { lr, beta1, beta2, eps, t, clip }: AdamRefHyper,
): void {
  const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
  for (let i = 0; i < w.length; i++) {
    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    w[i] = clipTo(w[i] - (alpha * m[i]) / (Math.sqrt(v[i]) + eps), clip);
  }
}
