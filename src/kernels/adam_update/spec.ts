/**
 * Check of adam_update against ./ref.ts (float64), several steps in sequence.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays } from '../compare.ts';
import { CLIP, f32, gradients, maxAbs, STEPS, tuningOf, U, weights, write } from '../sgd_update/spec.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { adamUpdateKernel, KERAS_ADAM, prepareAdamUpdate } from './kernel.ts';
import { adamUpdateRef } from './ref.ts';

export const adamUpdateCheck: KernelCheck = {
  kernel: 'adam_update',
  versions: Object.keys(adamUpdateKernel.versions),
  exact: false,
  // t0: the first step's t; for t0 > 1 the moments start from a random state (as mid-training).
  cases: [
    caseOf({ R: 1, P: 1, clip: 0, t0: 1 }, true),
    caseOf({ R: 2, P: 1000, clip: 1, t0: 1 }, true),
    caseOf({ R: 3, P: 4097, clip: 0, t0: 1 }, true),
    caseOf({ R: 2, P: 333, clip: 1, t0: 1000 }, true),
    caseOf({ R: 4, P: 65, clip: 0, t0: 100000 }),
    caseOf({ R: 2, P: 32800, clip: 1, t0: 1, wg: 1 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, P, clip, t0, wg } }, rng: Rng) {
    const n = R * P;
    // The GPU holds hyper-parameters in f32; the reference gets the same f32 values, so the comparison
    // measures the arithmetic only (1 − fround(0.9) differs from 0.1 by 2.4e-7 relative, 4u).
    const hyper = {
      lr: f32(0.05),
      beta1: f32(KERAS_ADAM.beta1),
      beta2: f32(KERAS_ADAM.beta2),
      eps: f32(KERAS_ADAM.eps),
    };
    const c = clip ? CLIP : undefined;
    const w0 = weights(rng, n);
    // A consistent mid-training state: |m| ≤ sqrt(v), as Adam's own moments satisfy (up to a constant).
    const m0 = t0 > 1 ? rng.floats(n) : new Float32Array(n);
    const v0 = t0 > 1 ? m0.map((x) => x * x + rng.uniform()) : new Float32Array(n);
    const gs = Array.from({ length: STEPS }, () => gradients(rng, n));
    const w = createTensor(gpu, 'f32', [R, P], 'w', w0);
    const m = createTensor(gpu, 'f32', [R, P], 'm', m0);
    const v = createTensor(gpu, 'f32', [R, P], 'v', v0);
    const g = gs.map((x, s) => createTensor(gpu, 'f32', [R, P], `g step ${s + 1}`, x));
    const ops = await Promise.all(
      g.map((gt, s) =>
        prepareAdamUpdate(gpu, { w, g: gt, m, v, ...hyper, t: t0 + s, clip: c }, version, tuningOf(wg)),
      ),
    );
    await runOps(gpu, 'adam_update check', ops);
    // One more step through set(): the next t and a new lr, a new gradient in step 1's buffer.
    const lr2 = f32(0.02);
    const gLast = gradients(rng, n);
    ops[0].set({ t: t0 + STEPS, lr: lr2 });
    write(gpu, g[0], gLast);
    await runOps(gpu, 'adam_update check (set)', [ops[0]]);
    const got = { w: await readTensor(gpu, w), m: await readTensor(gpu, m), v: await readTensor(gpu, v) };
    destroyTensors(w, m, v, ...g);

    const ref = { w: Float64Array.from(w0), m: Float64Array.from(m0), v: Float64Array.from(v0) };
    let wMax = maxAbs(ref.w);
    gs.forEach((x, s) => {
      adamUpdateRef(ref.w, ref.m, ref.v, x, { ...hyper, t: t0 + s, clip: c });
      wMax = Math.max(wMax, maxAbs(ref.w));
    });
    adamUpdateRef(ref.w, ref.m, ref.v, gLast, { ...hyper, lr: lr2, t: t0 + STEPS, clip: c });

    // Error bounds after T steps from an exact f32 state (u = 2^-24, |g| < 1, |m0| < 1):
    // m: each step rounds β1·m, (1−β1)·g and their sum (≤ 1.5u·(|β1 m| + |(1−β1) g|) ≤ 1.5u), the old
    //    error decays by β1: ≤ 1.5·T·u absolute (1 − β1 is exact in f32: Sterbenz).
    // v: all terms ≥ 0, so ≤ 1.5u relative per step: ≤ 1.5·T·u relative.
    // w: Adam keeps |m| ≤ 7.3·sqrt(v) (Cauchy–Schwarz over the moment sums, β1²/β2 < 1; the random
    //    start state has |m| ≤ sqrt(v)), so the step α·m/(sqrt(v) + ε) with α ≤ lr is off by
    //    ≤ α·(δm/sqrt(v) + 7.3·(δv/2v + sqrt's 4.5 ULP + division's 2.5 ULP + α's rounding))
    //    ≤ lr·(11k + 7.3·(0.75k + 15))u ≈ lr·(17k + 110)u at the k-th step, summed over k = 1..T;
    //    plus u·|w| for w's own rounding each step. Doubled for headroom. Measured on SwiftShader: errors
    //    are 10–30× below these bounds, and ε inside the sqrt, t + 1 in the bias correction or a
    //    skipped clip each fail some case.
    const T = STEPS + 1;
    let stepErr = 0;
    for (let k = 1; k <= T; k++) stepErr += 17 * k + 110;
    return [
      compareArrays('w', got.w, ref.w, { atol: 2 * U * (hyper.lr * stepErr + T * wMax), rtol: 0 }),
      compareArrays('m', got.m, ref.m, { atol: 2 * 1.5 * T * U, rtol: 0 }),
      compareArrays('v', got.v, ref.v, { atol: 0, rtol: 2 * 1.5 * T * U }),
    ];
  },
};

/** The adam_update family: its wrappers, checks and benchmark rows. */
export const adamUpdateSpec: KernelSpec = {
  family: 'adam_update',
  kernels: [adamUpdateKernel],
  checks: [adamUpdateCheck],
  bench: [],
};
