/**
 * Checks of batchnorm_forward (training and evaluation, with the running-statistics update) and
 * batchnorm_backward against src/kernels/batchnorm/ref.ts (f32 on the GPU vs float64 on the CPU).
 *
 * Inputs look like a layer's pre-activations: each column has its own offset (|·| < 3) and spread
 * (0.5–2), so the mean does not vanish and invstd varies from ~0.9 to ~3.5 between columns.
 */

import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor, type Tensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { ROW_WIDTH, type RowsInputs, rowsDescribe, rowsWork } from '../bench-shapes.ts';
import { type Comparison, compareArrays, type Tolerance } from '../compare.ts';
import { type BenchKernel, caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import {
  batchnormBackwardKernel,
  batchnormForwardKernel,
  prepareBatchnormBackward,
  prepareBatchnormForward,
} from './kernel.ts';
import { BATCHNORM_EPS, BATCHNORM_MOMENTUM, batchnormBackwardRef, batchnormForwardRef } from './ref.ts';

// Tolerances (|gpu − ref| ≤ atol + rtol·|ref|), f32 on the GPU against float64; f32's unit roundoff is
// 2^-24 ≈ 6e-8; WGSL's + and × are correctly rounded (÷ 2.5 ULP, inverseSqrt 2 ULP), so errors come
// mostly from the sums' rounding. Largest errors measured on SwiftShader over these cases are in
// brackets; the bounds sit 2–10× above them, and well below what a wrong or missing term causes.
// - Batch mean and (two-pass, biased) variance are f32 sums of B ≤ 1024 terms along a chain of
//   B/WG_B + log2 WG_B additions: saved mean [4e-7], invstd [3e-7], running stats after 2 steps [3e-7]
//   with |values| up to 3.5: atol 1e-6 + rtol 2e-6.
// - y (training) = gamma·(x − mean)·invstd + beta carries the statistics' error times gamma·invstd
//   (≤ 1.5·3.5) [1.3e-6]: atol 5e-6 + rtol 5e-6. A wrong term in a statistic moves y by ~1e-3 or more.
// - y (evaluation): no reduction, a few roundings on |y| ≲ 6 [1.2e-6]: atol 2e-6 + rtol 2e-6.
// - dx = gamma·invstd/B·(B·dy − Σdy − x̂·Σdy·x̂): the sums' errors enter divided by B [1e-6]: 5e-6 + 5e-6.
// - dgamma, dbeta: sums of B terms of size ≤ 1.8 with random signs, whose rounding error grows like √B
//   (as in reduce_rows) [7e-6 at B = 1024]: atol 2·√B·2^-20 (6e-5 at B = 1024), far below one term.
const STATS_TOL: Tolerance = { atol: 1e-6, rtol: 2e-6 };
const Y_TRAIN_TOL: Tolerance = { atol: 5e-6, rtol: 5e-6 };
const Y_EVAL_TOL: Tolerance = { atol: 2e-6, rtol: 2e-6 };
const DX_TOL: Tolerance = { atol: 5e-6, rtol: 5e-6 };
const sumTol = (B: number): Tolerance => ({ atol: 2 * Math.sqrt(Math.max(1, B)) * 2 ** -20, rtol: 0 });

/** Pre-activation-like x [R, B, N]: per column an offset in [−3, 3) and a spread in [0.5, 2). */
function preActivations(rng: Rng, R: number, B: number, N: number): Float32Array {
  const offset = rng.floats(R * N, -3, 3);
  const spread = rng.floats(R * N, 0.5, 2);
  const x = new Float32Array(R * B * N);
  for (let r = 0; r < R; r++) {
    for (let b = 0; b < B; b++) {
      for (let n = 0; n < N; n++) {
        x[(r * B + b) * N + n] = offset[r * N + n] + spread[r * N + n] * rng.range(-1, 1);
      }
    }
  }
  return x;
}

interface BnParams {
  gamma: Float32Array;
  beta: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
}

function bnParams(rng: Rng, R: number, N: number): BnParams {
  return {
    gamma: rng.floats(R * N, 0.5, 1.5),
    beta: rng.floats(R * N, -0.5, 0.5),
    runningMean: rng.floats(R * N, -1, 1),
    runningVar: rng.floats(R * N, 0.5, 2),
  };
}

/** A Comparison that passes when `fn` throws a ShapeError (a refusal the wrapper must make). */
async function expectRefusal(name: string, fn: () => Promise<unknown>): Promise<Comparison> {
  let summary = `${name}: was accepted, a ShapeError was expected`;
  let ok = false;
  try {
    await fn();
  } catch (e) {
    ok = e instanceof ShapeError;
    summary = `${name}: ${ok ? 'refused' : 'threw something else'}: ${(e as Error).message}`;
  }
  return { ok, name, count: 1, mismatches: ok ? 0 : 1, maxAbsError: 0, summary };
}

export const batchnormForwardCheck: KernelCheck = {
  kernel: 'batchnorm_forward',
  versions: Object.keys(batchnormForwardKernel.versions),
  exact: false,
  cases: [
    caseOf({ R: 2, B: 2, N: 1, train: 1 }, true),
    caseOf({ R: 2, B: 3, N: 10, train: 1 }, true),
    caseOf({ R: 3, B: 257, N: 300, train: 1 }),
    caseOf({ R: 2, B: 1024, N: 17, train: 1 }),
    caseOf({ R: 2, B: 1, N: 10, train: 0 }, true),
    caseOf({ R: 2, B: 5, N: 1, train: 0 }, true),
    caseOf({ R: 3, B: 257, N: 300, train: 0 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, B, N, train } }, rng: Rng) {
    const training = train === 1;
    const xs = preActivations(rng, R, B, N);
    const ps = bnParams(rng, R, N);
    const f = (shape: number[], label: string, data?: Float32Array) =>
      createTensor(gpu, 'f32', shape, label, data);
    const t = {
      x: f([R, B, N], 'x', xs),
      gamma: f([R, N], 'gamma', ps.gamma),
      beta: f([R, N], 'beta', ps.beta),
      runningMean: f([R, N], 'running mean', ps.runningMean),
      runningVar: f([R, N], 'running var', ps.runningVar),
      y: f([R, B, N], 'y'),
      mean: f([R, N], 'mean'),
      invstd: f([R, N], 'invstd'),
    };
    const all = Object.values(t) as Tensor[];
    const results: Comparison[] = [];
    if (B === 1) {
      results.push(
        await expectRefusal('training with B = 1', () =>
          prepareBatchnormForward(gpu, { ...t, training: true }, version),
        ),
      );
    }
    // Run twice: y must be bit-identical, and in training the running statistics move twice.
    const op = await prepareBatchnormForward(gpu, { ...t, training }, version);
    await runOps(gpu, 'batchnorm_forward check', [op]);
    const y1 = await readTensor(gpu, t.y);
    await runOps(gpu, 'batchnorm_forward check (again)', [op]);
    const [y2, mean, invstd, rm, rv] = await Promise.all(
      [t.y, t.mean, t.invstd, t.runningMean, t.runningVar].map((u) => readTensor(gpu, u)),
    );
    destroyTensors(...all);

    const opts = { training, eps: BATCHNORM_EPS, momentum: BATCHNORM_MOMENTUM };
    const ref1 = batchnormForwardRef(xs, ps.gamma, ps.beta, ps.runningMean, ps.runningVar, R, B, N, opts);
    const ref2 = batchnormForwardRef(xs, ps.gamma, ps.beta, ref1.runningMean, ref1.runningVar, R, B, N, opts);
    results.push(
      compareArrays('y', y1, ref1.y, training ? Y_TRAIN_TOL : Y_EVAL_TOL),
      compareArrays('y run twice (bit-identical)', y2, y1),
      compareArrays('saved mean', mean, ref1.mean, STATS_TOL),
      compareArrays('saved invstd', invstd, ref1.invstd, STATS_TOL),
    );
    if (training) {
      results.push(
        compareArrays('running mean after 2 steps', rm, ref2.runningMean, STATS_TOL),
        compareArrays('running var after 2 steps', rv, ref2.runningVar, STATS_TOL),
      );
    } else {
      results.push(
        compareArrays('running mean untouched', rm, ps.runningMean),
        compareArrays('running var untouched', rv, ps.runningVar),
      );
    }
    return results;
  },
};

export const batchnormBackwardCheck: KernelCheck = {
  kernel: 'batchnorm_backward',
  versions: Object.keys(batchnormBackwardKernel.versions),
  exact: false,
  cases: [
    caseOf({ R: 2, B: 2, N: 1 }, true),
    caseOf({ R: 2, B: 3, N: 10 }, true),
    caseOf({ R: 3, B: 257, N: 300 }),
    caseOf({ R: 2, B: 1024, N: 17 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, B, N } }, rng: Rng) {
    const xs = preActivations(rng, R, B, N);
    const ps = bnParams(rng, R, N);
    const dys = rng.floats(R * B * N);
    // The saved statistics as the forward leaves them (f32), the same values for GPU and reference, so
    // this checks the backward alone.
    const fwd = batchnormForwardRef(xs, ps.gamma, ps.beta, ps.runningMean, ps.runningVar, R, B, N, {
      training: true,
    });
    const means = Float32Array.from(fwd.mean);
    const invstds = Float32Array.from(fwd.invstd);
    const f = (shape: number[], label: string, data?: Float32Array) =>
      createTensor(gpu, 'f32', shape, label, data);
    const t = {
      dy: f([R, B, N], 'dy', dys),
      x: f([R, B, N], 'x', xs),
      gamma: f([R, N], 'gamma', ps.gamma),
      mean: f([R, N], 'mean', means),
      invstd: f([R, N], 'invstd', invstds),
      dx: f([R, B, N], 'dx'),
      dgamma: f([R, N], 'dgamma'),
      dbeta: f([R, N], 'dbeta'),
    };
    const op = await prepareBatchnormBackward(gpu, t, version);
    await runOps(gpu, 'batchnorm_backward check', [op]);
    const dx1 = await readTensor(gpu, t.dx);
    await runOps(gpu, 'batchnorm_backward check (again)', [op]);
    const [dx2, dgamma, dbeta] = await Promise.all([t.dx, t.dgamma, t.dbeta].map((u) => readTensor(gpu, u)));
    destroyTensors(...(Object.values(t) as Tensor[]));

    const ref = batchnormBackwardRef(dys, xs, ps.gamma, means, invstds, R, B, N);
    return [
      compareArrays('dx', dx1, ref.dx, DX_TOL),
      compareArrays('dx run twice (bit-identical)', dx2, dx1),
      compareArrays('dgamma', dgamma, ref.dgamma, sumTol(B)),
      compareArrays('dbeta', dbeta, ref.dbeta, sumTol(B)),
    ];
  },
};

interface BatchnormInputs extends RowsInputs {
  gamma: Float32Array;
  beta: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
}

/** Batch normalization in evaluation mode (inference): y = gamma·(x − mean)·invstd + beta per column. */
const batchnormForwardBench: BenchKernel<BatchnormInputs> = {
  name: batchnormForwardKernel.name,
  versions: Object.keys(batchnormForwardKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: (s) => `eval, ${rowsDescribe(s)}`,
  work: rowsWork,
  // The check's inputs: one replica, a batch of `size` rows of a layer ROW_WIDTH wide.
  inputs: (size, rng) => ({
    N: size,
    x: preActivations(rng, 1, size, ROW_WIDTH),
    ...bnParams(rng, 1, ROW_WIDTH),
  }),
  async prepare(gpu, version, inp) {
    const W = ROW_WIDTH;
    const t = (name: string, data: Float32Array) => createTensor(gpu, 'f32', [1, W], name, data);
    const x = createTensor(gpu, 'f32', [1, inp.N, W], 'x', inp.x);
    const y = createTensor(gpu, 'f32', [1, inp.N, W], 'y');
    const params: Tensor<'f32'>[] = [
      t('gamma', inp.gamma),
      t('beta', inp.beta),
      t('running mean', inp.runningMean),
      t('running var', inp.runningVar),
    ];
    const mean = createTensor(gpu, 'f32', [1, W], 'mean');
    const invstd = createTensor(gpu, 'f32', [1, W], 'invstd');
    const [gamma, beta, runningMean, runningVar] = params;
    const op = await prepareBatchnormForward(
      gpu,
      { x, gamma, beta, runningMean, runningVar, y, mean, invstd, training: false },
      version,
    );
    return {
      ops: [op],
      read: () => readTensor(gpu, y),
      dispose: () => destroyTensors(x, y, mean, invstd, ...params),
    };
  },
  reference: (inp) =>
    batchnormForwardRef(inp.x, inp.gamma, inp.beta, inp.runningMean, inp.runningVar, 1, inp.N, ROW_WIDTH, {
      training: false,
      eps: BATCHNORM_EPS,
    }).y,
  // The check's evaluation-mode tolerance (the header explains it).
  tolerance: () => Y_EVAL_TOL,
};

/** The batchnorm family: its wrappers, checks and benchmark rows. */
export const batchnormSpec: KernelSpec = {
  family: 'batchnorm',
  kernels: [batchnormForwardKernel, batchnormBackwardKernel],
  checks: [batchnormForwardCheck, batchnormBackwardCheck],
  bench: [batchnormForwardBench],
};
