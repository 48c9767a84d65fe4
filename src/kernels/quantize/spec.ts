/**
 * Checks of the k-bit and ternary quantizers against ./ref.ts, EXACT: the reference follows the shaders'
 * f32 operations one by one (its header says why that is bit-exact), so values, level indices and the
 * ternary zeros must all agree.
 *
 * Inputs: the activation family's (uniform in [−3, 3) with 0, −0, ±1, their f32 neighbours and huge
 * values sprinkled in) plus, for the uniform quantizer, the f32 values nearest each rounding tie
 * (t = j + ½) of the case's k, where round-half-up decides. Ternary weights are uniform in [−1.5, 1.5)
 * with exact zeros, in replicas of P weights, P below, at and past the workgroup size.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { activationInputs, HUGE } from '../activation/spec.ts';
import { compareArrays } from '../compare.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import {
  prepareQuantizeTernary,
  prepareQuantizeUniform,
  QUANTIZE_TUNING,
  quantizeTernaryKernel,
  quantizeUniformKernel,
} from './kernel.ts';
import { QUANT_BITS, quantizeTernaryRef, quantizeUniformRef } from './ref.ts';

/** x whose t = (x + 1)·s/2 lies at or next to the tie j + ½, for every j of k bits (at most 64 of them). */
export function tieInputs(bits: number): number[] {
  const s = 2 ** bits - 1;
  const out: number[] = [];
  for (let j = 0; j < s && out.length < 64 * 3; j += Math.max(1, Math.floor(s / 64))) {
    const x = Math.fround((2 * (j + 0.5)) / s - 1);
    out.push(x, Math.fround(x * (1 + 2 ** -23)), Math.fround(x * (1 - 2 ** -23)));
  }
  return out;
}

function uniformInputs(rng: Rng, n: number, bits: number): Float32Array {
  const x = activationInputs(rng, n, HUGE);
  const ties = tieInputs(bits);
  for (let i = 2, k = 0; i < n; i += 4, k++) x[i] = ties[k % ties.length];
  return x;
}

const UNIFORM_CASES = [
  ...QUANT_BITS.flatMap((bits) => [
    caseOf({ bits, R: 2, B: 37, N: 13, levels: 1 }, true),
    caseOf({ bits, R: 3, B: 67, N: 130, levels: 0 }),
  ]),
  caseOf({ bits: 4, R: 1, B: 1, N: 1, levels: 1 }, true),
  // 4,204,418 elements: past 65,535 workgroups of 64, so the grid folds into y.
  caseOf({ bits: 8, R: 2, B: 1031, N: 2039, levels: 1 }),
];

export const quantizeUniformCheck: KernelCheck = {
  kernel: 'quantize_uniform',
  versions: Object.keys(quantizeUniformKernel.versions),
  exact: true,
  cases: UNIFORM_CASES,
  async run(gpu: Gpu, version: string, { dims: { bits, R, B, N, levels } }, rng: Rng) {
    const xs = uniformInputs(rng, R * B * N, bits);
    const x = createTensor(gpu, 'f32', [R, B, N], 'x', xs);
    const y = createTensor(gpu, 'f32', [R, B, N], 'y');
    const level = levels ? createTensor(gpu, 'u32', [R, B, N], 'level') : undefined;
    await runOps(gpu, 'quantize_uniform check', [
      await prepareQuantizeUniform(gpu, { x, y, level, bits }, version),
    ]);
    const got = await readTensor(gpu, y);
    const gotLevel = level ? await readTensor(gpu, level) : undefined;
    destroyTensors(x, y, ...(level ? [level] : []));
    const ref = quantizeUniformRef(xs, bits);
    const out = [compareArrays(`k=${bits} y`, got, ref.y)];
    if (gotLevel) out.push(compareArrays(`k=${bits} level`, gotLevel, ref.level));
    return out;
  },
};

function ternaryWeights(rng: Rng, n: number): Float32Array {
  const w = rng.floats(n, -1.5, 1.5);
  for (let i = 5; i < n; i += 13) w[i] = 0;
  return w;
}

export const quantizeTernaryCheck: KernelCheck = {
  kernel: 'quantize_ternary',
  versions: Object.keys(quantizeTernaryKernel.versions),
  exact: true,
  cases: [
    caseOf({ R: 1, P: 1 }, true),
    caseOf({ R: 2, P: 50 }, true),
    caseOf({ R: 3, P: 64 }, true),
    caseOf({ R: 4, P: 12 * 10 }, true),
    caseOf({ R: 5, P: 4097 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, P } }, rng: Rng) {
    const ws = ternaryWeights(rng, R * P);
    const w = createTensor(gpu, 'f32', [R, P], 'w', ws);
    const y = createTensor(gpu, 'f32', [R, P], 'y');
    await runOps(gpu, 'quantize_ternary check', [await prepareQuantizeTernary(gpu, { w, y }, version)]);
    const got = await readTensor(gpu, y);
    destroyTensors(w, y);
    const ref = quantizeTernaryRef(ws, R, P, QUANTIZE_TUNING.TERNARY_WG);
    return [compareArrays('y', got, ref.y)];
  },
};

/** The quantize family: its wrappers and checks (no benchmark row: it is elementwise like activation's). */
export const quantizeSpec: KernelSpec = {
  family: 'quantize',
  kernels: [quantizeUniformKernel, quantizeTernaryKernel],
  checks: [quantizeUniformCheck, quantizeTernaryCheck],
  bench: [],
};
