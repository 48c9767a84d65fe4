/**
 * Checks of the information-plane kernels against src/ref/info.ts: layer_minmax, layer_codes (every
 * mode; bin edges hit exactly, ±0, huge values, W = 1, 12, 13, 64, 65, 300, chunks at a row offset),
 * code_counts + count_of_counts (+ fill_u32 clearing between runs) — all exact —, and kde_pairwise +
 * kde_reduce within the tolerances stated below.
 */
import { kdeEstimate } from '../../info/kde.ts';
import type { LayerCoding } from '../../info/settings.ts';
import { type Comparison, compareArrays } from '../../ref/compare.ts';
import {
  type CodePlan,
  codeHistogramsRef,
  f32Up,
  flattenHistogram,
  kdePairwiseRef,
  kdeSumsRef,
  layerCodesRef,
  linspaceEdges,
  minMaxRef,
} from '../../ref/info.ts';
import type { Rng } from '../../util/rng.ts';
import type { Gpu } from '../device.ts';
import {
  countTableSizes,
  decodeCountOfCounts as decode,
  layerCodePlan,
  prepareCodeCounts,
  prepareCountOfCounts,
  prepareFillU32,
  prepareLayerCodes,
  prepareLayerMinMax,
} from '../kernels/info.ts';
import { kdePairwiseKernel, prepareKdePairwise, prepareKdeReduce } from '../kernels/kde.ts';
import { runOps } from '../run.ts';
import { createTensor, destroyTensors, readTensor, viewTensor } from '../tensor.ts';
import { caseOf, type KernelCheck } from './types.ts';

// ---------------------------------------------------------------------------------------------------
// layer_minmax

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

// ---------------------------------------------------------------------------------------------------
// layer_codes

const MODES = ['sign', 'fixed', 'width', 'adaptive'] as const;

function codingOf(mode: number, bins: number): LayerCoding {
  switch (MODES[mode]) {
    case 'sign':
      return { mode: 'sign' };
    case 'fixed':
      return { mode: 'fixed', bins, lo: -1, hi: 1 };
    case 'width':
      return { mode: 'width', width: 0.07 };
    default:
      return { mode: 'adaptive', bins };
  }
}

/** The f32 just below x (x a finite f32). */
function f32Down(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  if (x === 0) return -(2 ** -149);
  if (x > 0) u[0] -= 1;
  else u[0] += 1;
  return f[0];
}

/**
 * Activations for a codes check: coarse values (so codes repeat) with, when `special`, a sprinkling of
 * the awkward ones: bin edges exactly and one f32 either side, ±0, and huge magnitudes.
 */
function codeInputs(rng: Rng, plan: CodePlan, count: number, special: boolean): Float32Array {
  const x = new Float32Array(count);
  const { coding } = plan;
  for (let i = 0; i < count; i++) {
    const v = rng.range(-1.3, 1.3);
    // Half the values on a coarse grid: repeated codes; the rest continuous.
    x[i] = rng.uniform() < 0.5 ? Math.round(v * 4) / 4 : v;
  }
  if (!special) return x;
  const awkward: number[] = [0, -0, 1, -1, 2 ** -140, -(2 ** -140)]; // ±0, ±subnormal (count as 0)
  const huge = coding.mode === 'adaptive' ? [1e30, -1e30] : [3.4e38, -3.4e38, 1e30, -1e30];
  if (coding.mode === 'fixed') {
    for (const e of linspaceEdges(coding.lo, coding.hi, coding.bins)) {
      const up = f32Up(e);
      awkward.push(up, f32Down(up), Math.fround(e));
    }
  } else if (coding.mode === 'width') {
    for (let k = -20; k <= 20; k++) {
      const e = Math.fround(k * plan.width);
      awkward.push(e, f32Down(e), f32Up(e + 1e-12));
    }
    awkward.push(plan.tMax, f32Down(plan.tMax), -plan.tMax, 1e7, -1e7);
  } else if (coding.mode === 'adaptive') {
    // Exact multiples of (max − min)/B inside [−1.3, 1.3], plus the ends themselves.
    for (let k = 0; k <= coding.bins; k++) awkward.push(Math.fround(-1.3 + (2.6 * k) / coding.bins));
  }
  for (let i = 0; i < count; i += 3) x[i] = awkward[rng.int(0, awkward.length - 1)];
  for (let i = 1; i < count; i += 97) x[i] = huge[rng.int(0, huge.length - 1)];
  return x;
}

export const layerCodesCheck: KernelCheck = {
  kernel: 'layer_codes',
  versions: ['v1'],
  exact: true,
  cases: [
    // mode: 0 sign, 1 fixed, 2 width, 3 adaptive; chunk rows at rowOffset of n; special: awkward values.
    caseOf({ mode: 0, R: 1, n: 1, rows: 1, rowOffset: 0, W: 1, bins: 30, special: 0 }, true),
    caseOf({ mode: 0, R: 2, n: 50, rows: 20, rowOffset: 17, W: 64, bins: 30, special: 1 }, true),
    caseOf({ mode: 0, R: 3, n: 64, rows: 40, rowOffset: 24, W: 65, bins: 30, special: 1 }),
    caseOf({ mode: 0, R: 2, n: 30, rows: 30, rowOffset: 0, W: 300, bins: 30, special: 1 }),
    caseOf({ mode: 1, R: 2, n: 40, rows: 25, rowOffset: 10, W: 12, bins: 30, special: 1 }, true),
    caseOf({ mode: 1, R: 3, n: 60, rows: 60, rowOffset: 0, W: 13, bins: 30, special: 1 }),
    caseOf({ mode: 1, R: 2, n: 50, rows: 33, rowOffset: 17, W: 1, bins: 30, special: 1 }),
    caseOf({ mode: 1, R: 2, n: 30, rows: 30, rowOffset: 0, W: 300, bins: 7, special: 1 }),
    caseOf({ mode: 2, R: 2, n: 60, rows: 60, rowOffset: 0, W: 2, bins: 30, special: 1 }, true),
    caseOf({ mode: 2, R: 3, n: 50, rows: 21, rowOffset: 29, W: 10, bins: 30, special: 1 }),
    caseOf({ mode: 2, R: 2, n: 30, rows: 30, rowOffset: 0, W: 65, bins: 30, special: 1 }),
    caseOf({ mode: 3, R: 2, n: 40, rows: 40, rowOffset: 0, W: 12, bins: 30, special: 1 }, true),
    caseOf({ mode: 3, R: 3, n: 50, rows: 20, rowOffset: 5, W: 64, bins: 16, special: 1 }),
    caseOf({ mode: 3, R: 2, n: 20, rows: 20, rowOffset: 0, W: 7, bins: 30, constant: 1 }),
  ],
  async run(gpu: Gpu, version: string, { dims }, rng: Rng) {
    const { mode, R, n, rows, rowOffset, W, bins } = dims;
    const plan = layerCodePlan(codingOf(mode, bins), W);
    const xs = dims.constant
      ? new Float32Array(R * rows * W).fill(0.25)
      : codeInputs(rng, plan, R * rows * W, !!dims.special);
    const range = minMaxRef(xs, R, rows * W);
    const before = rng.words(R * n * 2); // rows outside the chunk must be left alone
    const x = createTensor(gpu, 'f32', [R, rows, W], 'x', xs);
    const codes = createTensor(gpu, 'u32', [R, n, 2], 'codes', before);
    const edges = createTensor(
      gpu,
      'f32',
      [Math.max(1, plan.edges.length)],
      'edges',
      plan.edges.length ? plan.edges : [0],
    );
    const minmax = createTensor(gpu, 'f32', [R, 2], 'min/max', range);
    const op = await prepareLayerCodes(gpu, { x, codes, rowOffset, plan, edges, minmax }, version);
    await runOps(gpu, 'layer_codes check', [op]);
    const got = await readTensor(gpu, codes);
    destroyTensors(x, codes, edges, minmax);
    const ref = layerCodesRef(xs, R, rows, W, plan, Uint32Array.from(before), n, rowOffset, range);
    return [compareArrays(`codes (${plan.exact ? 'exact' : 'hashed'}, ${plan.nWords} words)`, got, ref)];
  },
};

// ---------------------------------------------------------------------------------------------------
// code_counts + count_of_counts (+ fill_u32)

/**
 * Codes u32[R, n, 2] drawn from a pool of `distinct` codes with a skewed frequency (index = P·u³), so
 * counts range from 1 to many; distinct = 0 gives every sample its own code. The pool includes (0, 0)
 * and codes that differ in one word only.
 */
function countInputs(rng: Rng, R: number, n: number, distinct: number): Uint32Array {
  const codes = new Uint32Array(R * n * 2);
  for (let r = 0; r < R; r++) {
    const P = distinct === 0 ? n : distinct;
    const pool = rng.words(2 * P);
    pool[0] = 0;
    pool[1] = 0;
    for (let p = 2; p + 1 < 2 * P; p += 6) pool[p] = pool[0]; // same lo as code 0, different hi
    for (let i = 0; i < n; i++) {
      const p = distinct === 0 ? i : Math.min(P - 1, Math.floor(P * rng.uniform() ** 3));
      codes[(r * n + i) * 2] = pool[2 * p];
      codes[(r * n + i) * 2 + 1] = pool[2 * p + 1];
    }
  }
  return codes;
}

export const codeCountsCheck: KernelCheck = {
  kernel: 'code_counts',
  versions: ['v1'],
  exact: true,
  cases: [
    caseOf({ R: 1, n: 1, C: 1, distinct: 1 }, true),
    caseOf({ R: 2, n: 100, C: 2, distinct: 10 }, true),
    caseOf({ R: 3, n: 777, C: 3, distinct: 1 }),
    caseOf({ R: 2, n: 500, C: 2, distinct: 0 }, true),
    caseOf({ R: 3, n: 1000, C: 10, distinct: 700 }),
    caseOf({ R: 2, n: 4096, C: 2, distinct: 3000 }),
    // Tables for G replicas at a time, reused group after group (3 = 2 + 1).
    caseOf({ R: 3, n: 300, C: 4, distinct: 50, G: 2 }, true),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, n, C, distinct, G = R } }, rng: Rng) {
    const codesHost = countInputs(rng, R, n, distinct);
    const labelsHost = Uint32Array.from({ length: n }, () => rng.int(0, C - 1));
    const { S, S2 } = countTableSizes(n, C);
    const codes = createTensor(gpu, 'u32', [R, n, 2], 'codes', codesHost);
    const labels = createTensor(gpu, 'u32', [n], 'labels', labelsHost);
    const table = createTensor(gpu, 'u32', [G, 2, S, 2], 'table');
    const coc = createTensor(gpu, 'u32', [R, S2, 2], 'count of counts');
    const status = createTensor(gpu, 'u32', [2], 'status');
    const ops = [
      await prepareFillU32(gpu, { out: coc }),
      await prepareFillU32(gpu, { out: status, offset: 1, count: 1 }),
    ];
    for (let r0 = 0; r0 < R; r0 += G) {
      const t = viewTensor(table, [Math.min(G, R - r0), 2, S, 2]);
      ops.push(
        await prepareFillU32(gpu, { out: t }),
        await prepareCodeCounts(gpu, { codes, labels, table: t, status, statusIndex: 1, r0 }, version),
        await prepareCountOfCounts(
          gpu,
          { labels, table: t, coc, status, statusIndex: 1, classes: C, r0 },
          version,
        ),
      );
    }
    const results: Comparison[] = [];
    const ref = codeHistogramsRef(codesHost, labelsHost, R, n, C);
    // Twice: the second run starts from the first one's tables, which the fills must clear.
    for (const run of ['', ' (again)']) {
      await runOps(gpu, 'code_counts check', ops);
      const got = await readTensor(gpu, coc);
      const st = await readTensor(gpu, status);
      results.push(compareArrays(`status${run}`, st.subarray(1), [0]));
      for (let r = 0; r < R; r++) {
        const h = { n, ...decode(got, r, S2, C) };
        results.push(
          compareArrays(`replica ${r} (label, k, m)${run}`, flattenHistogram(h), flattenHistogram(ref[r])),
        );
      }
    }
    destroyTensors(codes, labels, table, coc, status);
    return results;
  },
};

// ---------------------------------------------------------------------------------------------------
// kde_pairwise + kde_reduce

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
