/**
 * CPU reference of shaders/sgd_update.wgsl. Plain loops in float64 over flat arrays (every replica's
 * parameters); it updates the weights in place, like the kernel.
 */

/** Larq's weight_clip: keep latent weights in [−clip, clip]. Undefined = no clipping. */
export function clipTo(x: number, clip: number | undefined): number {
  return clip === undefined ? x : Math.min(Math.max(x, -clip), clip);
}

/** w ← clip(w − lr·g). */
export function sgdUpdateRef(w: Float64Array, g: ArrayLike<number>, lr: number, clip?: number): void {
  for (let i = 0; i < w.length; i++) w[i] = clipTo(w[i] - lr * g[i], clip);
}
