/**
 * Check of layer_codes against ./ref.ts (exact): every mode; bin edges hit exactly, ±0, huge values,
 * W = 1, 12, 13, 64, 65, 300, chunks at a row offset. Its benchmark row bins N samples of a layer
 * INFO_WIDTH wide (sizes: the paper's 4,096 up to MNIST's 70,000).
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { LayerCoding } from '../../info/settings.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays, EXACT } from '../compare.ts';
import { minMaxRef } from '../layer_minmax/ref.ts';
import type { BenchKernel, KernelSpec } from '../types.ts';
import { caseOf, type KernelCheck } from '../types.ts';
import { layerCodePlan, layerCodesKernel, prepareLayerCodes } from './kernel.ts';
import { type CodePlan, f32Up, layerCodesRef, linspaceEdges } from './ref.ts';

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

/** Width of the layer being binned: x is [1, N, INFO_WIDTH]. */
export const INFO_WIDTH = 32;
/** The paper's binning: 30 equal bins over tanh's range. */
const CODING: LayerCoding = { mode: 'fixed', bins: 30, lo: -1, hi: 1 };

interface BinInputs {
  N: number;
  x: Float32Array;
}

/** layer_codes: each sample's INFO_WIDTH activations → 30 bins each → one 64-bit code (hashed). */
export const layerCodesBench: BenchKernel<BinInputs> = {
  name: layerCodesKernel.name,
  versions: Object.keys(layerCodesKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: (s) => `30 bins, N=${s}×${INFO_WIDTH}`,
  work: (s) => s * INFO_WIDTH,
  // The check's activations (half on a coarse grid, so codes repeat), without the awkward values.
  inputs: (size, rng) => ({
    N: size,
    x: codeInputs(rng, layerCodePlan(CODING, INFO_WIDTH), size * INFO_WIDTH, false),
  }),
  async prepare(gpu, version, { N, x: xs }) {
    const plan = layerCodePlan(CODING, INFO_WIDTH);
    const x = createTensor(gpu, 'f32', [1, N, INFO_WIDTH], 'x', xs);
    const codes = createTensor(gpu, 'u32', [1, N, 2], 'codes');
    const edges = createTensor(gpu, 'f32', [Math.max(1, plan.edges.length)], 'edges', plan.edges);
    const minmax = createTensor(gpu, 'f32', [1, 2], 'min/max (unused)');
    const op = await prepareLayerCodes(gpu, { x, codes, rowOffset: 0, plan, edges, minmax }, version);
    return {
      ops: [op],
      read: () => readTensor(gpu, codes),
      dispose: () => destroyTensors(x, codes, edges, minmax),
    };
  },
  reference: ({ N, x }) =>
    layerCodesRef(x, 1, N, INFO_WIDTH, layerCodePlan(CODING, INFO_WIDTH), new Uint32Array(N * 2), N, 0),
  tolerance: () => EXACT,
};

/** The layer_codes family: its wrappers, checks and benchmark rows. */
export const layerCodesSpec: KernelSpec = {
  family: 'layer_codes',
  kernels: [layerCodesKernel],
  checks: [layerCodesCheck],
  bench: [layerCodesBench],
};
