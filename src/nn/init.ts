/**
 * Initial parameters for R replicas, each from its own stream of the run's seed:
 *   rng(seed).derive('init').derive('replica r').derive('layer l').
 * Weights are [N, K] (output unit × input) per replica, rounded to f32.
 *
 *   idnn   — truncated normal, std 1/sqrt(fan_in), redrawn beyond 2 std; zero bias (IDNNs)
 *   saxe   — normal, std 1/sqrt(fan_out) (Saxe et al. 2018)
 *   glorot — uniform ±sqrt(6/(fan_in + fan_out)) (BinaryNet)
 * Biases start at 0, batch-norm γ at 1 and β at 0, running mean 0 and variance 1 (PyTorch).
 */
import type { RunConfig } from '../config/run-config.ts';
import { Rng } from '../util/rng.ts';
import type { NetworkPlan } from './plan.ts';

export interface LayerParams {
  /** f32 [R, N, K] */
  weights: Float32Array;
  /** f32 [R, N], when the layer has a bias */
  bias?: Float32Array;
  /** f32 [R, N] each, when the layer has batch normalization */
  gamma?: Float32Array;
  beta?: Float32Array;
  runningMean?: Float32Array;
  runningVar?: Float32Array;
}

function drawWeight(init: RunConfig['network']['init'], rng: Rng, fanIn: number, fanOut: number): number {
  switch (init) {
    case 'idnn': {
      const std = 1 / Math.sqrt(fanIn);
      for (;;) {
        const z = rng.normal();
        if (Math.abs(z) <= 2) return z * std;
      }
    }
    case 'saxe':
      return rng.normal() / Math.sqrt(fanOut);
    case 'glorot': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return rng.range(-limit, limit);
    }
  }
}

export function initParams(
  plan: NetworkPlan,
  replicas: number,
  init: RunConfig['network']['init'],
  seed: number,
): LayerParams[] {
  const root = new Rng(seed).derive('init');
  return plan.layers.map((l) => {
    const { width: N, fanIn: K } = l;
    const weights = new Float32Array(replicas * N * K);
    for (let r = 0; r < replicas; r++) {
      const rng = root.derive(`replica ${r}`).derive(`layer ${l.index}`);
      for (let i = 0; i < N * K; i++) weights[r * N * K + i] = drawWeight(init, rng, K, N);
    }
    const p: LayerParams = { weights };
    if (l.bias) p.bias = new Float32Array(replicas * N);
    if (l.batchNorm) {
      p.gamma = new Float32Array(replicas * N).fill(1);
      p.beta = new Float32Array(replicas * N);
      p.runningMean = new Float32Array(replicas * N);
      p.runningVar = new Float32Array(replicas * N).fill(1);
    }
    return p;
  });
}
