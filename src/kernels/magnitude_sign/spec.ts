/**
 * Checks of magnitude_sign_forward and magnitude_sign_backward against ./ref.ts, on the activation
 * check's inputs. Tolerance: α sums B non-negative f32 terms in order (relative error ≤ (B − 1)·2^−24),
 * divides by B (one more rounding), and y = ±α, dx = dy·α (one more): rtol (B + 2)·2^−24, atol 0.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { activationInputs, HUGE } from '../activation/spec.ts';
import { compareArrays, type Tolerance } from '../compare.ts';
import { type CheckCase, caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import {
  magnitudeSignBackwardKernel,
  magnitudeSignForwardKernel,
  prepareMagnitudeSignBackward,
  prepareMagnitudeSignForward,
} from './kernel.ts';
import { magnitudeSignBackwardRef, magnitudeSignForwardRef } from './ref.ts';

const MAGNITUDE_CASES: readonly CheckCase[] = [
  caseOf({ R: 1, B: 1, N: 1 }, true),
  caseOf({ R: 2, B: 37, N: 13 }, true),
  caseOf({ R: 3, B: 101, N: 70 }),
  caseOf({ R: 2, B: 7, N: 300 }),
  caseOf({ R: 2, B: 0, N: 5 }, true), // an empty batch: α = 0
];

/** (B + 2) roundings of 2^−24 each, relative (see the header). */
const magnitudeTol = (B: number): Tolerance => ({ atol: 0, rtol: (B + 2) * 2 ** -24 });

/**
 * Inputs of the magnitude-aware checks, x [R, B, N]: edge values everywhere, huge ones (up to 1e30: B of
 * them must sum finitely) in replica 0 only, so that the other replicas' α stay of ordinary size.
 */
function magnitudeInputs(rng: Rng, R: number, B: number, N: number): Float32Array {
  const x = activationInputs(rng, R * B * N, []);
  for (let i = 1, k = 0; i < B * N; i += 9, k++) x[i] = HUGE[k % HUGE.length];
  return x;
}

export const magnitudeSignForwardCheck: KernelCheck = {
  kernel: 'magnitude_sign_forward',
  versions: Object.keys(magnitudeSignForwardKernel.versions),
  exact: false,
  cases: MAGNITUDE_CASES,
  async run(gpu: Gpu, version: string, { dims: { R, B, N } }, rng: Rng) {
    const xs = magnitudeInputs(rng, R, B, N);
    const x = createTensor(gpu, 'f32', [R, B, N], 'x', xs);
    const y = createTensor(gpu, 'f32', [R, B, N], 'y');
    const alpha = createTensor(gpu, 'f32', [R, N], 'alpha');
    await runOps(gpu, 'magnitude_sign_forward check', [
      await prepareMagnitudeSignForward(gpu, { x, y, alpha }, version),
    ]);
    const [gotY, gotAlpha] = [await readTensor(gpu, y), await readTensor(gpu, alpha)];
    destroyTensors(x, y, alpha);
    const ref = magnitudeSignForwardRef(xs, R, B, N);
    return [
      compareArrays('alpha', gotAlpha, ref.alpha, magnitudeTol(B)),
      compareArrays('y', gotY, ref.y, magnitudeTol(B)),
    ];
  },
};

export const magnitudeSignBackwardCheck: KernelCheck = {
  kernel: 'magnitude_sign_backward',
  versions: Object.keys(magnitudeSignBackwardKernel.versions),
  exact: false,
  cases: MAGNITUDE_CASES,
  async run(gpu: Gpu, version: string, { dims: { R, B, N } }, rng: Rng) {
    // α from the GPU forward (itself checked above), dx against the float64 α of the reference.
    const xs = magnitudeInputs(rng, R, B, N);
    const dys = rng.floats(R * B * N, -2, 2);
    const x = createTensor(gpu, 'f32', [R, B, N], 'x', xs);
    const y = createTensor(gpu, 'f32', [R, B, N], 'y');
    const alpha = createTensor(gpu, 'f32', [R, N], 'alpha');
    const dy = createTensor(gpu, 'f32', [R, B, N], 'dy', dys);
    const dx = createTensor(gpu, 'f32', [R, B, N], 'dx');
    await runOps(gpu, 'magnitude_sign_backward check', [
      await prepareMagnitudeSignForward(gpu, { x, y, alpha }),
      await prepareMagnitudeSignBackward(gpu, { x, alpha, dy, dx }, version),
    ]);
    const got = await readTensor(gpu, dx);
    destroyTensors(x, y, alpha, dy, dx);
    const { alpha: alphaRef } = magnitudeSignForwardRef(xs, R, B, N);
    const ref = magnitudeSignBackwardRef(xs, alphaRef, dys, R, B, N);
    return [compareArrays('dx', got, ref, magnitudeTol(B + 1))];
  },
};

/** The magnitude_sign family: its wrappers, checks and benchmark rows. */
export const magnitudeSignSpec: KernelSpec = {
  family: 'magnitude_sign',
  kernels: [magnitudeSignForwardKernel, magnitudeSignBackwardKernel],
  checks: [magnitudeSignForwardCheck, magnitudeSignBackwardCheck],
  bench: [],
};
