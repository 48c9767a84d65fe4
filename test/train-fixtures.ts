/**
 * Seeded small training problems for the trainer tests: synthetic ±1 (or {0,1}) inputs with labels from a
 * fixed random linear rule, the plan and initial parameters of a configuration, and a replica's minibatch
 * as the CPU reference trainer takes it.
 */

import { type ConfigInput, parseConfig } from '../src/config/run-config.ts';
import type { TrainData } from '../src/nn/gpu-trainer.ts';
import { initParams } from '../src/nn/init.ts';
import { planNetwork } from '../src/nn/plan.ts';
import { Rng } from '../src/util/rng.ts';

export function synthetic(seed: number, n: number, D: number, C: number, pm1: boolean) {
  const rng = new Rng(seed);
  const w = rng.floats(D * C);
  const x = new Float32Array(n * D);
  const y = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let d = 0; d < D; d++) x[i * D + d] = rng.uniform() < 0.5 ? (pm1 ? -1 : 0) : 1;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += w[c * D + d] * x[i * D + d];
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    y[i] = best;
  }
  return { x, y };
}

export function setup(input: ConfigInput, D: number, C: number, pm1: boolean, nTrain: number, nTest: number) {
  const config = parseConfig(input);
  const train = synthetic(11, nTrain, D, C, pm1);
  const test = synthetic(12, nTest, D, C, pm1);
  const data: TrainData = { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y };
  const plan = planNetwork(config, D, C, pm1);
  const params = initParams(plan, config.replicas, config.network.init, config.seed);
  return { config, data, plan, params };
}

/** Replica r's minibatch (rows of the training set in its order), as [R, size, D] and [R, size]. */
export function batchOf(
  data: TrainData,
  order: Uint32Array,
  R: number,
  nTrain: number,
  D: number,
  start: number,
  size: number,
) {
  const x = new Float64Array(R * size * D);
  const y = new Float64Array(R * size);
  for (let r = 0; r < R; r++) {
    for (let b = 0; b < size; b++) {
      const i = order[r * nTrain + start + b];
      y[r * size + b] = data.yTrain[i];
      for (let d = 0; d < D; d++) x[(r * size + b) * D + d] = data.xTrain[i * D + d];
    }
  }
  return { x, y };
}
