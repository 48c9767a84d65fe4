/**
 * CPU reference of batch normalization over the batch (shaders/batchnorm_forward.wgsl and
 * shaders/batchnorm_backward.wgsl): plain loops in float64, the executable spec. docs/METHOD.md §2.
 *
 * Layout: x, y, dy, dx are [R, B, N] (replica, sample, unit); gamma, beta, the running statistics and the
 * saved mean / invstd are [R, N]. Each (r, n) column is normalised over its B samples.
 *
 * Training (PyTorch's BatchNorm1d in train mode):
 *   mean = Σ_b x / B,  var = Σ_b (x − mean)² / B (biased, used to normalise),  invstd = 1/√(var + eps)
 *   x̂ = (x − mean)·invstd,  y = gamma·x̂ + beta
 *   running_mean ← (1 − momentum)·running_mean + momentum·mean
 *   running_var  ← (1 − momentum)·running_var  + momentum·var·B/(B − 1)   (unbiased)
 * B = 1 is refused (the unbiased variance is 0/0; PyTorch refuses it too).
 * Evaluation: mean and var are the running statistics, which are left as they are; the saved mean /
 * invstd are the running mean and 1/√(running_var + eps).
 */

export const BATCHNORM_EPS = 1e-5;
export const BATCHNORM_MOMENTUM = 0.1;

export interface BatchnormOptions {
  training: boolean;
  eps?: number;
  momentum?: number;
}

export interface BatchnormForwardResult {
  /** [R, B, N] */
  y: Float64Array;
  /** [R, N]: the statistics y was normalised with (batch in training, running in evaluation). */
  mean: Float64Array;
  invstd: Float64Array;
  /** [R, N]: the running statistics after the step (a copy of the inputs in evaluation). */
  runningMean: Float64Array;
  runningVar: Float64Array;
}

export function batchnormForwardRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  runningMean: ArrayLike<number>,
  runningVar: ArrayLike<number>,
  R: number,
  B: number,
  N: number,
  { training, eps = BATCHNORM_EPS, momentum = BATCHNORM_MOMENTUM }: BatchnormOptions,
): BatchnormForwardResult {
  if (training && B < 2) throw new Error(`batchnorm: training needs a batch of at least 2, got B = ${B}`);
  const y = new Float64Array(R * B * N);
  const mean = new Float64Array(R * N);
  const invstd = new Float64Array(R * N);
  const rm = Float64Array.from(runningMean);
  const rv = Float64Array.from(runningVar);
  for (let r = 0; r < R; r++) {
    for (let n = 0; n < N; n++) {
      const c = r * N + n;
      const at = (b: number) => (r * B + b) * N + n;
      let mu: number;
      let v: number;
      if (training) {
        let s = 0;
        for (let b = 0; b < B; b++) s += x[at(b)];
        mu = s / B;
        let q = 0;
        for (let b = 0; b < B; b++) q += (x[at(b)] - mu) ** 2;
        v = q / B;
        rm[c] = (1 - momentum) * rm[c] + momentum * mu;
        rv[c] = (1 - momentum) * rv[c] + (momentum * (v * B)) / (B - 1);
      } else {
        mu = rm[c];
        v = rv[c];
      }
      const is = 1 / Math.sqrt(v + eps);
      mean[c] = mu;
      invstd[c] = is;
      for (let b = 0; b < B; b++) y[at(b)] = gamma[c] * ((x[at(b)] - mu) * is) + beta[c];
    }
  }
  return { y, mean, invstd, runningMean: rm, runningVar: rv };
}

export interface BatchnormBackwardResult {
  /** [R, B, N] */
  dx: Float64Array;
  /** [R, N] */
  dgamma: Float64Array;
  dbeta: Float64Array;
}

/**
 * Training-mode backward, with x̂ = (x − mean)·invstd from the saved statistics:
 *   dgamma = Σ_b dy·x̂,  dbeta = Σ_b dy,  dx = gamma·invstd/B · (B·dy − dbeta − x̂·dgamma)
 */
export function batchnormBackwardRef(
  dy: ArrayLike<number>,
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  mean: ArrayLike<number>,
  invstd: ArrayLike<number>,
  R: number,
  B: number,
  N: number,
): BatchnormBackwardResult {
  const dx = new Float64Array(R * B * N);
  const dgamma = new Float64Array(R * N);
  const dbeta = new Float64Array(R * N);
  for (let r = 0; r < R; r++) {
    for (let n = 0; n < N; n++) {
      const c = r * N + n;
      const at = (b: number) => (r * B + b) * N + n;
      const xhat = (b: number) => (x[at(b)] - mean[c]) * invstd[c];
      let sdy = 0;
      let sdyx = 0;
      for (let b = 0; b < B; b++) {
        sdy += dy[at(b)];
        sdyx += dy[at(b)] * xhat(b);
      }
      dbeta[c] = sdy;
      dgamma[c] = sdyx;
      const k = (gamma[c] * invstd[c]) / B;
      for (let b = 0; b < B; b++) dx[at(b)] = k * (B * dy[at(b)] - sdy - xhat(b) * sdyx);
    }
  }
  return { dx, dgamma, dbeta };
}
