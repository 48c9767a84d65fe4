/** Check of reduce_rows against src/kernels/reduce_rows/ref.ts (f32 sums vs float64). */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays } from '../compare.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { prepareReduceRows, reduceRowsKernel } from './kernel.ts';
import { reduceRowsRef } from './ref.ts';

/**
 * Tolerance: WGSL's + is correctly rounded, so the only error is the f32 rounding along each sum's chain
 * (B/WG_B additions in one lane, then log2 WG_B up the tree). For terms uniform in [−1, 1) the rounding
 * errors have random signs and grow like √B: we allow |scale|·√B·2^-20 (3e-5 for B = 1000, a sum whose
 * largest error measured on SwiftShader is 8e-6), far below a missing or repeated term (~0.5).
 */
const sumTol = (B: number, scale: number) => ({
  atol: Math.abs(scale) * Math.sqrt(Math.max(1, B)) * 2 ** -20,
  rtol: 0,
});

export const reduceRowsCheck: KernelCheck = {
  kernel: 'reduce_rows',
  versions: Object.keys(reduceRowsKernel.versions),
  exact: false,
  cases: [
    caseOf({ R: 2, B: 1, N: 1, mean: 0 }, true),
    caseOf({ R: 2, B: 0, N: 5, mean: 0 }, true),
    caseOf({ R: 2, B: 3, N: 10, mean: 1 }, true),
    caseOf({ R: 3, B: 257, N: 300, mean: 0 }),
    caseOf({ R: 2, B: 1024, N: 1, mean: 1 }, true),
    caseOf({ R: 2, B: 1000, N: 33, mean: 0 }),
    caseOf({ R: 3, B: 37, N: 1, mean: 1, accumulate: 1 }, true),
    caseOf({ R: 2, B: 300, N: 20, mean: 0, accumulate: 1 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, B, N, mean, accumulate } }, rng: Rng) {
    const scale = mean ? 1 / B : 1;
    const xs = rng.floats(R * B * N);
    const x = createTensor(gpu, 'f32', [R, B, N], 'x', xs);
    const out = createTensor(gpu, 'f32', [R, N], 'out');
    if (accumulate) {
      // Accumulating twice onto zeros gives twice the sum: checks both the add and the order.
      const op = await prepareReduceRows(gpu, { x, out, scale, accumulate: true }, version);
      await runOps(gpu, 'reduce_rows accumulate check', [op, op]);
      const got = await readTensor(gpu, out);
      destroyTensors(x, out);
      const once = reduceRowsRef(xs, R, B, N, scale);
      return [
        compareArrays(
          'out (accumulated twice)',
          got,
          reduceRowsRef(xs, R, B, N, scale, once),
          sumTol(2 * B, scale),
        ),
      ];
    }
    const op = await prepareReduceRows(gpu, { x, out, scale }, version);
    await runOps(gpu, 'reduce_rows check', [op]);
    const first = await readTensor(gpu, out);
    await runOps(gpu, 'reduce_rows check (again)', [op]);
    const second = await readTensor(gpu, out);
    destroyTensors(x, out);
    return [
      compareArrays('out', first, reduceRowsRef(xs, R, B, N, scale), sumTol(B, scale)),
      compareArrays('out run twice (bit-identical)', second, first),
    ];
  },
};

/** The reduce_rows family: its wrappers, checks and benchmark rows. */
export const reduceRowsSpec: KernelSpec = {
  family: 'reduce_rows',
  kernels: [reduceRowsKernel],
  checks: [reduceRowsCheck],
  bench: [],
};
