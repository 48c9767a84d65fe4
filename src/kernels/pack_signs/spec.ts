/**
 * Check of pack_signs against ./ref.ts (exact), and its benchmark row.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { ROW_WIDTH, type RowsInputs, rowsDescribe, rowsWork } from '../bench-shapes.ts';
import { compareArrays, EXACT } from '../compare.ts';
import { type BenchKernel, caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { packSignsKernel, preparePackSigns } from './kernel.ts';
import { packSignsRef, wordsPerRow } from './ref.ts';

/** Floats in [−1, 1) with exact zeros sprinkled in (sign(0) must be +1). */
export function signedInputs(rng: Rng, n: number): Float32Array {
  const x = rng.floats(n);
  for (let i = 0; i < n; i += 7) x[i] = 0;
  return x;
}

export const packSignsCheck: KernelCheck = {
  kernel: 'pack_signs',
  versions: ['v1'],
  exact: true,
  cases: [
    caseOf({ R: 1, M: 1, K: 1 }, true),
    caseOf({ R: 2, M: 5, K: 31 }, true),
    caseOf({ R: 3, M: 7, K: 64 }),
    caseOf({ R: 2, M: 33, K: 100 }, true),
    caseOf({ R: 1, M: 300, K: 784 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, M, K } }, rng: Rng) {
    const xs = signedInputs(rng, R * M * K);
    const x = createTensor(gpu, 'f32', [R, M, K], 'x', xs);
    const out = createTensor(gpu, 'u32', [R, M, wordsPerRow(K)], 'packed');
    await runOps(gpu, 'pack_signs check', [await preparePackSigns(gpu, { x, out }, version)]);
    const got = await readTensor(gpu, out);
    destroyTensors(x, out);
    return [compareArrays('packed', got, packSignsRef(xs, R, M, K))];
  },
};

const packSignsBench: BenchKernel<RowsInputs> = {
  name: packSignsKernel.name,
  versions: Object.keys(packSignsKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: rowsDescribe,
  work: rowsWork,
  // The check's inputs (signs of floats with exact zeros), a layer ROW_WIDTH wide.
  inputs: (size, rng) => ({ N: size, x: signedInputs(rng, size * ROW_WIDTH) }),
  async prepare(gpu, version, { N, x: xs }) {
    const x = createTensor(gpu, 'f32', [1, N, ROW_WIDTH], 'x', xs);
    const out = createTensor(gpu, 'u32', [1, N, wordsPerRow(ROW_WIDTH)], 'packed');
    const op = await preparePackSigns(gpu, { x, out }, version);
    return { ops: [op], read: () => readTensor(gpu, out), dispose: () => destroyTensors(x, out) };
  },
  reference: ({ N, x }) => packSignsRef(x, 1, N, ROW_WIDTH),
  tolerance: () => EXACT,
};

/** The pack_signs family: its wrappers, checks and benchmark rows. */
export const packSignsSpec: KernelSpec = {
  family: 'pack_signs',
  kernels: [packSignsKernel],
  checks: [packSignsCheck],
  bench: [packSignsBench],
};
