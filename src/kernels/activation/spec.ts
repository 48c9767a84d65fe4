/**
 * Checks of the activation and quantizer kernels against ./ref.ts: every function forward and backward, on inputs spanning [−3, 3] with exact 0, −0, ±1, the f32 neighbours of ±1 on both sides,
 * and huge values up to f32's maximum sprinkled in (each must give a finite, correct result).
 *
 * Tolerances (|gpu − ref| ≤ atol + rtol·|ref|, the reference in float64):
 * - EXACT where the GPU does no rounding at all: every sign / heaviside output, relu, hardtanh, linear,
 *   and every piecewise-constant gradient (dy · 0 or dy · 1).
 * - approx_sign backward: dy·(2 − 2|x|) is two correctly rounded f32 operations (2|x| is exact), so the
 *   relative error is at most 2·2^−24: rtol 2^−22 leaves a factor 2 of room, atol 0.
 * - tanh, sigmoid, swish_sign (exp / tanh builtins): WGSL allows exp 3 + 2|x| ULP and tanh an absolute
 *   error that comes from computing it through exponentials. TRANSCENDENTAL below is atol 1e−6 (about
 *   8 ULP of 1, the cancellation of tanh near 0) + rtol 1e−5 (exp's bound for the clamped arguments).
 *   Seen on SwiftShader: max |err| 1.4e−7 (tanh), 1e−7 (sigmoid), 2e−6 (swish_sign's dx, |dx| up to 10).
 *
 * The benchmark row times activation_forward (tanh) over a layer ROW_WIDTH wide.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { ROW_WIDTH, type RowsInputs, rowsDescribe, rowsWork } from '../bench-shapes.ts';
import { compareArrays, EXACT, type Tolerance } from '../compare.ts';
import { type BenchKernel, type CheckCase, caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import {
  activationBackwardKernel,
  activationForwardKernel,
  prepareActivationBackward,
  prepareActivationForward,
} from './kernel.ts';
import {
  ACTIVATIONS,
  type Activation,
  type ActivationName,
  activationBackwardRef,
  activationForwardRef,
} from './ref.ts';

const F32_MAX = 3.4028234663852886e38;
const BELOW_ONE = 1 - 2 ** -24; // the f32 neighbours of 1
const ABOVE_ONE = 1 + 2 ** -23;

/** Values every function must get right; ±1 and their neighbours test the inclusive window |x| ≤ 1. */
const EDGES = [0, -0, 1, -1, BELOW_ONE, -BELOW_ONE, ABOVE_ONE, -ABOVE_ONE, 1e-30, -1e-30, 0.5, -0.5];
export const HUGE = [20, -20, 50, -50, 100, -100, 1e10, -1e10, 1e30, -1e30];

/**
 * n floats uniform in [−3, 3); every 4th is replaced in turn by an edge value or (with `huge`) a huge
 * one, so even the smallest case holds them all.
 */
export function activationInputs(rng: Rng, n: number, huge: readonly number[]): Float32Array {
  const x = rng.floats(n, -3, 3);
  const specials = [...EDGES, ...huge];
  for (let i = 0, k = 0; i < n; i += 4, k++) x[i] = specials[k % specials.length];
  return x;
}

const TRANSCENDENTAL: Tolerance = { atol: 1e-6, rtol: 1e-5 };

const FORWARD_TOL: Partial<Record<ActivationName, Tolerance>> = {
  tanh: TRANSCENDENTAL,
  sigmoid: TRANSCENDENTAL,
};
const BACKWARD_TOL: Partial<Record<ActivationName, Tolerance>> = {
  approx_sign: { atol: 0, rtol: 2 ** -22 },
  swish_sign: TRANSCENDENTAL,
  tanh: TRANSCENDENTAL,
  sigmoid: TRANSCENDENTAL,
};

/** Cases of one activation: dims carry its KIND id, the label its name. */
function activationCases(a: Activation, dims: Record<string, number>, quick = false): CheckCase {
  const c = caseOf(dims, quick);
  return { ...c, label: `${a.name} ${c.label}`, dims: { kind: a.id, ...dims } };
}

const ACTIVATION_CASES: readonly CheckCase[] = [
  ...ACTIVATIONS.flatMap((a) => [
    activationCases(a, { R: 2, B: 37, N: 13 }, true),
    activationCases(a, { R: 3, B: 67, N: 130 }),
  ]),
  activationCases(ACTIVATIONS[0], { R: 1, B: 1, N: 1 }, true),
  // 4,204,418 elements: past 65,535 workgroups of 64, so the grid folds into y.
  activationCases(ACTIVATIONS[0], { R: 2, B: 1031, N: 2039 }),
];

function activationOf(id: number): Activation & { name: ActivationName } {
  const a = ACTIVATIONS.find((e) => e.id === id);
  if (!a) throw new Error(`no activation with id ${id}`);
  return a;
}

export const activationForwardCheck: KernelCheck = {
  kernel: 'activation_forward',
  versions: Object.keys(activationForwardKernel.versions),
  exact: false,
  cases: ACTIVATION_CASES,
  async run(gpu: Gpu, version: string, { dims: { kind, R, B, N } }, rng: Rng) {
    const a = activationOf(kind);
    const xs = activationInputs(rng, R * B * N, [...HUGE, F32_MAX, -F32_MAX]);
    const x = createTensor(gpu, 'f32', [R, B, N], 'x', xs);
    const y = createTensor(gpu, 'f32', [R, B, N], 'y');
    await runOps(gpu, 'activation_forward check', [
      await prepareActivationForward(gpu, { x, y, kind: a.name }, version),
    ]);
    const got = await readTensor(gpu, y);
    destroyTensors(x, y);
    return [
      compareArrays(`${a.name} y`, got, activationForwardRef(a.name, xs), FORWARD_TOL[a.name] ?? EXACT),
    ];
  },
};

export const activationBackwardCheck: KernelCheck = {
  kernel: 'activation_backward',
  versions: Object.keys(activationBackwardKernel.versions),
  exact: false,
  cases: ACTIVATION_CASES,
  async run(gpu: Gpu, version: string, { dims: { kind, R, B, N } }, rng: Rng) {
    const a = activationOf(kind);
    const xs = activationInputs(rng, R * B * N, [...HUGE, F32_MAX, -F32_MAX]);
    const dys = rng.floats(R * B * N, -2, 2);
    const x = createTensor(gpu, 'f32', [R, B, N], 'x', xs);
    const dy = createTensor(gpu, 'f32', [R, B, N], 'dy', dys);
    const dx = createTensor(gpu, 'f32', [R, B, N], 'dx');
    await runOps(gpu, 'activation_backward check', [
      await prepareActivationBackward(gpu, { x, dy, dx, kind: a.name }, version),
    ]);
    const got = await readTensor(gpu, dx);
    destroyTensors(x, dy, dx);
    const ref = activationBackwardRef(a.name, xs, dys);
    return [compareArrays(`${a.name} dx`, got, ref, BACKWARD_TOL[a.name] ?? EXACT)];
  },
};

const activationForwardBench: BenchKernel<RowsInputs> = {
  name: activationForwardKernel.name,
  versions: Object.keys(activationForwardKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: (s) => `tanh, ${rowsDescribe(s)}`,
  work: rowsWork,
  // The check's inputs (edge and huge values sprinkled in), a layer ROW_WIDTH wide.
  inputs: (size, rng) => ({ N: size, x: activationInputs(rng, size * ROW_WIDTH, HUGE) }),
  async prepare(gpu, version, { N, x: xs }) {
    const x = createTensor(gpu, 'f32', [1, N, ROW_WIDTH], 'x', xs);
    const y = createTensor(gpu, 'f32', [1, N, ROW_WIDTH], 'y');
    const op = await prepareActivationForward(gpu, { x, y, kind: 'tanh' }, version);
    return { ops: [op], read: () => readTensor(gpu, y), dispose: () => destroyTensors(x, y) };
  },
  reference: ({ x }) => activationForwardRef('tanh', x),
  // The check's tolerance for tanh (the header explains it).
  tolerance: () => FORWARD_TOL.tanh ?? EXACT,
};

/** The activation family: its wrappers, checks and benchmark rows. */
export const activationSpec: KernelSpec = {
  family: 'activation',
  kernels: [activationForwardKernel, activationBackwardKernel],
  checks: [activationForwardCheck, activationBackwardCheck],
  bench: [activationForwardBench],
};
