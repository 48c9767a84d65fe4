/**
 * Check of bop_update against ./ref.ts (float64), several steps in sequence, the last through set().
 *
 * m: each step rounds γ·g, (1 − γ)·m and their sum once each (or fuses them into an FMA, which WGSL
 * allows): ≤ 3u·(|m| + γ|g|) per step with u = 2^−24, |g| < 1, |m| ≤ 1; the errors add up over the
 * steps, doubled for headroom. w: exact, except where the reference's |m| came within that bound of τ
 * at some step (there the GPU may decide either way); such elements are left out of the comparison and
 * must be fewer than 1 in 1000 (with these inputs there are usually none).
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { type Comparison, compareArrays } from '../compare.ts';
import { f32, gradients, STEPS, U, write } from '../sgd_update/spec.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { bopUpdateKernel, prepareBopUpdate } from './kernel.ts';
import { bopUpdateRef } from './ref.ts';

/** Binary weights ±1, with a few −0 and 0 (sign +1 by §2's convention) sprinkled in. */
function binaryWeights(rng: Rng, n: number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = rng.uniform() < 0.5 ? -1 : 1;
  for (let i = 7; i < n; i += 97) w[i] = i % 2 ? -0 : 0;
  return w;
}

export const bopUpdateCheck: KernelCheck = {
  kernel: 'bop_update',
  versions: Object.keys(bopUpdateKernel.versions),
  exact: false,
  cases: [
    caseOf({ R: 1, P: 1 }, true),
    caseOf({ R: 2, P: 1000 }, true),
    caseOf({ R: 3, P: 4097 }, true),
    caseOf({ R: 2, P: 70000 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, P } }, rng: Rng) {
    const n = R * P;
    // γ large enough that m crosses τ within the few steps, in both directions.
    const hyper = { gamma: f32(0.2), tau: f32(0.05) };
    const w0 = binaryWeights(rng, n);
    const m0 = rng.floats(n, -0.1, 0.1);
    const gs = Array.from({ length: STEPS }, () => gradients(rng, n));
    const w = createTensor(gpu, 'f32', [R, P], 'w', w0);
    const m = createTensor(gpu, 'f32', [R, P], 'm', m0);
    const g = gs.map((x, s) => createTensor(gpu, 'f32', [R, P], `g step ${s + 1}`, x));
    const ops = await Promise.all(g.map((gt) => prepareBopUpdate(gpu, { w, m, g: gt, ...hyper }, version)));
    await runOps(gpu, 'bop_update check', ops);
    const last = { gamma: f32(0.05), tau: f32(0.02) };
    const gLast = gradients(rng, n);
    ops[0].set(last);
    write(gpu, g[0], gLast);
    await runOps(gpu, 'bop_update check (set)', [ops[0]]);
    const gotW = await readTensor(gpu, w);
    const gotM = await readTensor(gpu, m);
    destroyTensors(w, m, ...g);

    const refW = Float64Array.from(w0);
    const refM = Float64Array.from(m0);
    const T = STEPS + 1;
    const mTol = 2 * T * 3 * U * 2;
    const near = new Uint8Array(n);
    const step = (x: ArrayLike<number>, h: { gamma: number; tau: number }) => {
      bopUpdateRef(refW, refM, x, h.gamma, h.tau, f32(1 - h.gamma));
      for (let i = 0; i < n; i++) if (Math.abs(Math.abs(refM[i]) - h.tau) <= mTol) near[i] = 1;
    };
    for (const x of gs) step(x, hyper);
    step(gLast, last);
    const keep = (xs: ArrayLike<number>) => Array.from(xs).filter((_, i) => !near[i]);
    const left = near.reduce((a, b) => a + b, 0);
    const out: Comparison[] = [
      compareArrays('m', gotM, refM, { atol: mTol, rtol: 0 }),
      compareArrays(`w (${left} near τ left out)`, keep(gotW), keep(refW)),
    ];
    if (left * 1000 > n) {
      out.push({ ...out[1], ok: false, summary: `w: ${left} of ${n} elements came within ${mTol} of τ` });
    }
    return out;
  },
};

/** The bop_update family: its wrapper and check. */
export const bopUpdateSpec: KernelSpec = {
  family: 'bop_update',
  kernels: [bopUpdateKernel],
  checks: [bopUpdateCheck],
  bench: [],
};
