/**
 * Check of sgd_update against ./ref.ts (float64), several steps in sequence; the helpers here
 * (inputs, step count, clip bound) serve adam_update's check too.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor, type Tensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays } from '../compare.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { prepareSgdUpdate, sgdUpdateKernel } from './kernel.ts';
import { sgdUpdateRef } from './ref.ts';

/** f32 unit roundoff, 2^-24 (half an ULP of 1). */
export const U = 2 ** -24;
export const f32 = Math.fround;

/**
 * Steps encoded back to back in one submit (one prepared op each, as a training epoch does); one more
 * step then goes through the first op's set() in a second submit.
 */
export const STEPS = 5;
/** Latent-weight clip bound when a case clips (Larq's default for binary layers). */
export const CLIP = 1;

/** Gradients in [−1, 1) with exact zeros sprinkled in. */
export function gradients(rng: Rng, n: number): Float32Array {
  const g = rng.floats(n);
  for (let i = 3; i < n; i += 11) g[i] = 0;
  return g;
}

/** Latent weights in [−1.5, 1.5): some start outside the clip bound, many cross it. */
export const weights = (rng: Rng, n: number): Float32Array => rng.floats(n, -1.5, 1.5);

export function write(gpu: Gpu, t: Tensor<'f32'>, data: Float32Array): void {
  gpu.device.queue.writeBuffer(gpu.root.unwrap(t.buffer), 0, data.buffer, data.byteOffset, data.byteLength);
}

export const maxAbs = (xs: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]));
  return m;
};

// Sizes: 1 element; not multiples of the workgroup (64); R ≥ 2. A case with `wg: 1` runs a workgroup
// of one, so its 2·32800 = 65600 elements need more than 65535 workgroups (the WebGPU default of
// maxComputeWorkgroupsPerDimension) and the 2-D grid (gid.y > 0) is used without a 4M-element tensor.
export const tuningOf = (wg: number | undefined) => (wg ? { WG: wg } : undefined);

export const sgdUpdateCheck: KernelCheck = {
  kernel: 'sgd_update',
  versions: Object.keys(sgdUpdateKernel.versions),
  exact: false,
  cases: [
    caseOf({ R: 1, P: 1, clip: 0 }, true),
    caseOf({ R: 2, P: 1000, clip: 1 }, true),
    caseOf({ R: 3, P: 4097, clip: 0 }, true),
    caseOf({ R: 2, P: 32800, clip: 1, wg: 1 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, P, clip, wg } }, rng: Rng) {
    const n = R * P;
    const lr = f32(0.1);
    const c = clip ? CLIP : undefined;
    const w0 = weights(rng, n);
    const gs = Array.from({ length: STEPS }, () => gradients(rng, n));
    const w = createTensor(gpu, 'f32', [R, P], 'w', w0);
    const g = gs.map((x, s) => createTensor(gpu, 'f32', [R, P], `g step ${s + 1}`, x));
    const ops = await Promise.all(
      g.map((gt) => prepareSgdUpdate(gpu, { w, g: gt, lr, clip: c }, version, tuningOf(wg))),
    );
    await runOps(gpu, 'sgd_update check', ops);
    // One more step through set(): a new lr in the uniform, a new gradient in step 1's buffer.
    const lr2 = f32(0.03);
    const gLast = gradients(rng, n);
    ops[0].set({ lr: lr2 });
    write(gpu, g[0], gLast);
    await runOps(gpu, 'sgd_update check (set)', [ops[0]]);
    const got = await readTensor(gpu, w);
    destroyTensors(w, ...g);

    const ref = Float64Array.from(w0);
    let wMax = maxAbs(ref);
    for (const x of gs) {
      sgdUpdateRef(ref, x, lr, c);
      wMax = Math.max(wMax, maxAbs(ref));
    }
    sgdUpdateRef(ref, gLast, lr2, c);
    // Per step, lr·g and w − lr·g are rounded once each (≤ u·lr·|g| + u·|w|; clamp is exact), and
    // the errors add up over the T = STEPS + 1 steps. |g| < 1. Doubled for headroom.
    const T = STEPS + 1;
    return [compareArrays('w', got, ref, { atol: 2 * T * U * (lr + wMax), rtol: 0 })];
  },
};

/** The sgd_update family: its wrappers, checks and benchmark rows. */
export const sgdUpdateSpec: KernelSpec = {
  family: 'sgd_update',
  kernels: [sgdUpdateKernel],
  checks: [sgdUpdateCheck],
  bench: [],
};
