/**
 * Batch-norm calibration: running statistics set from the training set before the first estimate
 * (docs/METHOD.md §5). At initialisation the running mean is 0 and the variance 1 (PyTorch), so the
 * epoch-0 evaluation would normalise with statistics no data gave, and the step from epoch 0 to 1 would
 * show a jump that is the statistics, not learning. Calibration runs over the training set in evaluation
 * mode, one batch-norm layer at a time from the input up (a layer's inputs depend on the calibrated
 * statistics below it): its pre-normalisation values z over every training row are read back, and its
 * running mean and variance become their mean and unbiased variance per (replica, unit) (PyTorch's running
 * variance is unbiased too), summed in float64 in row order, then rounded to f32. Nothing else changes.
 */
import type { Gpu } from '../gpu/device.ts';
import type { LayerState, TensorPool } from './layer-buffers.ts';

/** Mean and unbiased variance of each column of z f32 [R, n, N], per replica: f32 [R, N] each. */
export function columnStatistics(
  z: Float32Array,
  R: number,
  n: number,
  N: number,
): { mean: Float32Array<ArrayBuffer>; variance: Float32Array<ArrayBuffer> } {
  if (z.length !== R * n * N) throw new Error(`z holds ${z.length} values, expected ${R}·${n}·${N}`);
  const mean = new Float32Array(R * N);
  const variance = new Float32Array(R * N);
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += z[(r * n + i) * N + j];
      const m = s / n;
      let q = 0;
      for (let i = 0; i < n; i++) {
        const d = z[(r * n + i) * N + j] - m;
        q += d * d;
      }
      mean[r * N + j] = m;
      variance[r * N + j] = q / Math.max(1, n - 1);
    }
  }
  return { mean, variance };
}

/**
 * Sets every batch-norm layer's running statistics from the training set. `readZ` reads every layer's
 * pre-normalisation values over the training set in evaluation mode (f32 [R, n, W] per layer), with the
 * statistics written so far. Returns how many layers were calibrated (0: no batch normalization).
 */
export async function calibrateBatchNorm(
  gpu: Gpu,
  pool: TensorPool,
  layers: readonly LayerState[],
  R: number,
  readZ: () => Promise<Float32Array[]>,
): Promise<number> {
  let calibrated = 0;
  for (const [i, s] of layers.entries()) {
    if (!s.runningMean || !s.runningVar) continue;
    const z = (await readZ())[i];
    const N = s.plan.width;
    const n = z.length / (R * N);
    const { mean, variance } = columnStatistics(z, R, n, N);
    gpu.device.queue.writeBuffer(pool.raw(s.runningMean), 0, mean);
    gpu.device.queue.writeBuffer(pool.raw(s.runningVar), 0, variance);
    calibrated++;
  }
  if (calibrated) await gpu.device.queue.onSubmittedWorkDone();
  return calibrated;
}
