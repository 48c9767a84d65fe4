/**
 * Check of flip_count against ./ref.ts (exact: it counts bits).
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays } from '../compare.ts';
import { packSignsRef, wordsPerRow } from '../pack_signs/ref.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { flipCountKernel, prepareFlipCount } from './kernel.ts';
import { flipRatioRef } from './ref.ts';

export const flipCountCheck: KernelCheck = {
  kernel: 'flip_count',
  versions: ['v1'],
  exact: true,
  cases: [
    caseOf({ R: 1, N: 1, K: 1 }, true),
    caseOf({ R: 3, N: 10, K: 12 }, true),
    caseOf({ R: 2, N: 33, K: 100 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, N, K } }, rng: Rng) {
    const KW = wordsPerRow(K);
    const before = packSignsRef(rng.floats(R * N * K), R * N, 1, K);
    const after = packSignsRef(rng.floats(R * N * K), R * N, 1, K);
    const cur = createTensor(gpu, 'u32', [R, N, KW], 'cur', after);
    const prev = createTensor(gpu, 'u32', [R, N, KW], 'prev', before);
    const ratio = createTensor(gpu, 'f32', [R], 'ratio');
    await runOps(gpu, 'flip_count check', [
      await prepareFlipCount(gpu, { cur, prev, ratio, total: N * K }, version),
    ]);
    const result = [
      compareArrays('ratio', await readTensor(gpu, ratio), flipRatioRef(after, before, R, N * KW, N * K)),
      compareArrays('prev ← cur', await readTensor(gpu, prev), after),
    ];
    destroyTensors(cur, prev, ratio);
    return result;
  },
};

/** The flip_count family: its wrappers, checks and benchmark rows. */
export const flipCountSpec: KernelSpec = {
  family: 'flip_count',
  kernels: [flipCountKernel],
  checks: [flipCountCheck],
  bench: [],
};
