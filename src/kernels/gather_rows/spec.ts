/**
 * Check of gather_rows against ./ref.ts (exact: it moves bits).
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays } from '../compare.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { gatherRowsKernel, prepareGatherRows } from './kernel.ts';
import { gatherRowsRef } from './ref.ts';

export const gatherRowsCheck: KernelCheck = {
  kernel: 'gather_rows',
  versions: ['v1'],
  exact: true,
  cases: [
    caseOf({ R: 1, B: 1, D: 1, n: 1, offset: 0, stride: 1 }, true),
    caseOf({ R: 3, B: 5, D: 12, n: 40, offset: 7, stride: 40 }, true),
    caseOf({ R: 2, B: 65, D: 70, n: 300, offset: 200, stride: 0 }),
    caseOf({ R: 4, B: 17, D: 3, n: 20, offset: 2, stride: 20, bad: 1 }),
  ],
  async run(gpu: Gpu, version: string, { dims }, rng: Rng) {
    const { R, B, D, n, offset, stride } = dims;
    const src = rng.floats(n * D);
    const labels = Uint32Array.from({ length: n }, () => rng.int(0, 9));
    const idxLen = stride === 0 ? offset + B : R * stride;
    const idx = Uint32Array.from({ length: idxLen }, () => rng.int(0, n - 1));
    if (dims.bad) idx[offset + 3] = n + 5; // out of range: zero row, label 0xFFFFFFFF
    const tSrc = createTensor(gpu, 'f32', [n, D], 'src', src);
    const tLabels = createTensor(gpu, 'u32', [n], 'labels', labels);
    const tIdx = createTensor(gpu, 'u32', [idxLen], 'idx', idx);
    const out = createTensor(gpu, 'f32', [R, B, D], 'out');
    const outLabels = createTensor(gpu, 'u32', [R, B], 'out labels');
    const op = await prepareGatherRows(
      gpu,
      { src: tSrc, srcLabels: tLabels, idx: tIdx, out, outLabels, offset, idxStride: stride },
      version,
    );
    await runOps(gpu, 'gather_rows check', [op]);
    const ref = gatherRowsRef(src, labels, idx, { R, B, D, offset, idxStride: stride });
    const result = [
      compareArrays('rows', await readTensor(gpu, out), ref.out),
      compareArrays('labels', await readTensor(gpu, outLabels), ref.labels),
    ];
    destroyTensors(tSrc, tLabels, tIdx, out, outLabels);
    return result;
  },
};

/** The gather_rows family: its wrappers, checks and benchmark rows. */
export const gatherRowsSpec: KernelSpec = {
  family: 'gather_rows',
  kernels: [gatherRowsKernel],
  checks: [gatherRowsCheck],
  bench: [],
};
