/**
 * Check of layer_minmax against ./ref.ts (exact), and the family's spec.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays } from '../compare.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { layerMinMaxKernel, prepareLayerMinMax } from './kernel.ts';
import { minMaxRef } from './ref.ts';

export const layerMinMaxCheck: KernelCheck = {
  kernel: 'layer_minmax',
  versions: ['v1'],
  exact: true,
  cases: [
    caseOf({ R: 1, rows: 1, W: 1, chunks: 1 }, true),
    caseOf({ R: 3, rows: 37, W: 5, chunks: 3 }, true),
    caseOf({ R: 2, rows: 300, W: 65, chunks: 2 }),
    caseOf({ R: 3, rows: 20, W: 3, chunks: 2, subnormal: 1 }, true),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, rows, W, chunks, subnormal } }, rng: Rng) {
    const out = createTensor(gpu, 'f32', [R, 2], 'min/max');
    const xs: Float32Array[] = [];
    const ops = [];
    const tensors = [];
    for (let c = 0; c < chunks; c++) {
      // Each chunk on its own scale, so a later chunk moves the min or the max (or neither).
      const s = rng.range(0.1, 4);
      const x = rng.floats(R * rows * W, subnormal ? 0 : -s, s);
      if (subnormal) {
        // Subnormals count as 0: replica 0 gets min 0 from −2^-140 (not −2^-140), replica 1 is all subnormal.
        for (let i = 0; i < rows * W; i += 5) x[i] = -(2 ** -140);
        x.fill(2 ** -140, rows * W, 2 * rows * W);
      }
      xs.push(x);
      const t = createTensor(gpu, 'f32', [R, rows, W], `chunk ${c}`, x);
      tensors.push(t);
      ops.push(await prepareLayerMinMax(gpu, { x: t, out, accumulate: c > 0 }, version));
    }
    await runOps(gpu, 'layer_minmax check', ops);
    const got = await readTensor(gpu, out);
    destroyTensors(out, ...tensors);
    // The reference over the whole set: replica r's values of every chunk.
    const M = rows * W;
    const all = new Float32Array(R * chunks * M);
    for (let r = 0; r < R; r++) {
      for (let c = 0; c < chunks; c++) all.set(xs[c].subarray(r * M, (r + 1) * M), (r * chunks + c) * M);
    }
    return [compareArrays('min/max', got, minMaxRef(all, R, chunks * M))];
  },
};

/** The layer_minmax family: its wrappers, checks and benchmark rows. */
export const layerMinMaxSpec: KernelSpec = {
  family: 'layer_minmax',
  kernels: [layerMinMaxKernel],
  checks: [layerMinMaxCheck],
  bench: [],
};
