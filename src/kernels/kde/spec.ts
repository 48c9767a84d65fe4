/**
 * Check of kde_pairwise + kde_reduce against ./ref.ts within the tolerances stated below.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import { kdeEstimate } from '../../info/kde.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays } from '../compare.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { kdePairwiseKernel, kdeReduceKernel, prepareKdePairwise, prepareKdeReduce } from './kernel.ts';
import { kdePairwiseRef, kdeSumsRef } from './ref.ts';

/**
 * Tolerances. Each lse_i = ln S_i with S_i = Σ_j e_j ≥ 1 (the j = i term is 1). In f32, a distance
 * d² = Σ_k (Δ_k)² carries a relative error ≤ (W + 1)·u (u = 2^-24), so the exponent x = −d²/(2σ²) an
 * absolute error ≤ |x|·(W + 1)·u, and WGSL's exp adds (3 + 2|x|) ulp: a term's absolute error is
 * ≤ e^{−|x|}·(|x|·(W + 3) + 3)·u ≤ (0.37·(W + 3) + 3)·u, at most n of them, plus the f32 sum (≤ n·u·S)
 * and log (≤ 2^-21 absolute). Divided by S ≥ 1 this bounds the lse error by
 *   atol = (n·(0.37·(W + 3) + 3) + n + 8)·u,
 * a worst case (errors of random sign mostly cancel: measured errors are far smaller). The per-class
 * sums add an f32 summation over ≤ n terms of size ≤ ln n: ≤ n·(atol + n·ln(n)·u) overall, and the final
 * I(X;T), I(T;Y) (means over samples, in bits) then move by ≤ 2·(atol + n·ln(n)·u)/ln 2.
 */
function kdeTolerances(n: number, W: number): { lse: number; sum: number; bits: number } {
  const u = 2 ** -24;
  const lse = (n * (0.37 * (W + 3) + 3) + n + 8) * u;
  const sumTerm = n * Math.log(Math.max(2, n)) * u;
  return { lse, sum: n * (lse + sumTerm), bits: (2 * (lse + sumTerm)) / Math.LN2 };
}

/**
 * Clustered activations: class centres plus noise of about σ·√(8/3) in distance whatever W (±2σ/√W per
 * unit), so most kernel terms within a cluster are e^{-1}-ish and count, as do their f32 errors.
 */
function kdeInputs(rng: Rng, R: number, n: number, W: number, C: number, sigma: number, labels: Uint32Array) {
  const x = new Float32Array(R * n * W);
  for (let r = 0; r < R; r++) {
    const centres = rng.floats(C * W, -0.5, 0.5);
    for (let i = 0; i < n; i++) {
      // Half the samples near their class centre, half near any class's: I(T;Y) strictly inside.
      const c = rng.uniform() < 0.5 ? labels[i] : rng.int(0, C - 1);
      for (let k = 0; k < W; k++) {
        x[(r * n + i) * W + k] = centres[c * W + k] + (rng.range(-2, 2) * sigma) / Math.sqrt(W);
      }
    }
  }
  return x;
}

export const kdePairwiseCheck: KernelCheck = {
  kernel: 'kde_pairwise',
  versions: Object.keys(kdePairwiseKernel.versions),
  exact: false,
  cases: [
    caseOf({ R: 1, n: 1, W: 1, C: 1, sigma2: 1e-3 }, true),
    caseOf({ R: 2, n: 70, W: 3, C: 2, sigma2: 1e-3 }, true),
    caseOf({ R: 2, n: 200, W: 10, C: 3, sigma2: 1e-3 }),
    caseOf({ R: 3, n: 130, W: 65, C: 10, sigma2: 0.05 }),
    caseOf({ R: 2, n: 150, W: 300, C: 2, sigma2: 1e-3 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, n, W, C, sigma2 } }, rng: Rng) {
    const labelsHost = Uint32Array.from({ length: n }, () => rng.int(0, C - 1));
    const xs = kdeInputs(rng, R, n, W, C, Math.sqrt(sigma2), labelsHost);
    const acts = createTensor(gpu, 'f32', [R, n, W], 'acts', xs);
    const labels = createTensor(gpu, 'u32', [n], 'labels', labelsHost);
    const lse = createTensor(gpu, 'f32', [R, n, 2], 'lse');
    const sums = createTensor(gpu, 'f32', [R, C + 1], 'sums');
    await runOps(gpu, 'kde check', [
      await prepareKdePairwise(gpu, { acts, labels, out: lse, sigma2 }, version),
      await prepareKdeReduce(gpu, { lse, labels, sums, classes: C }),
    ]);
    const gotLse = await readTensor(gpu, lse);
    const gotSums = await readTensor(gpu, sums);
    destroyTensors(acts, labels, lse, sums);
    const tol = kdeTolerances(n, W);
    const refLse = kdePairwiseRef(xs, labelsHost, R, n, W, sigma2);
    const refSums = kdeSumsRef(refLse, labelsHost, R, n, C);
    // The reduction alone: the GPU's sums against float64 sums of the GPU's own lse.
    const ownSums = kdeSumsRef(gotLse, labelsHost, R, n, C);
    const sumTol = n * Math.log(Math.max(2, n)) * 2 ** -24 * n;
    const labelCounts = new Array<number>(C).fill(0);
    for (const y of labelsHost) labelCounts[y]++;
    const bits = (s: ArrayLike<number>) =>
      Array.from({ length: R }, (_, r) => {
        const e = kdeEstimate({
          n,
          dims: W,
          sigma2,
          sumAll: s[r * (C + 1) + C],
          sumByClass: Array.from({ length: C }, (_, y) => s[r * (C + 1) + y]),
          labelCounts,
        });
        return [e.ixt, e.ity];
      }).flat();
    return [
      compareArrays('lse (all, class)', gotLse, refLse, { atol: tol.lse, rtol: 0 }),
      compareArrays('kde_reduce sums vs float64 sums of the same lse', gotSums, ownSums, {
        atol: sumTol,
        rtol: 0,
      }),
      compareArrays('sums', gotSums, refSums, { atol: tol.sum, rtol: 0 }),
      compareArrays('I(X;T), I(T;Y) in bits', bits(gotSums), bits(refSums), { atol: tol.bits, rtol: 0 }),
    ];
  },
};

/** The kde family: its wrappers, checks and benchmark rows. */
export const kdeSpec: KernelSpec = {
  family: 'kde',
  kernels: [kdePairwiseKernel, kdeReduceKernel],
  checks: [kdePairwiseCheck],
  bench: [],
};
