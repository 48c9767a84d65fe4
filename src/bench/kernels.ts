/**
 * The benchmark registry: one entry per kernel, covering every version its wrapper has. An entry makes
 * seeded host inputs for a size, prepares the GPU work for a version, and gives the CPU reference on the
 * same inputs (in full, and for the GEMMs also at sampled outputs, for sizes where the full reference
 * takes too long in JavaScript). Adding a kernel to the benchmark = adding an entry to BENCH_KERNELS.
 *
 * Work is counted in `unit`s: the GEMMs count multiply-accumulates (M·N·K; for the binary GEMM one per
 * bit, so 32 per XOR-popcounted word); the elementwise kernels count input elements.
 */

import { gemmTolerance } from '../gpu/checks/gemm.ts';
import type { Gpu } from '../gpu/device.ts';
import type { PreparedOp } from '../gpu/kernel.ts';
import { activationForwardKernel, prepareActivationForward } from '../gpu/kernels/activation.ts';
import { batchnormForwardKernel, prepareBatchnormForward } from '../gpu/kernels/batchnorm.ts';
import { gemmKernel, prepareGemm } from '../gpu/kernels/gemm.ts';
import { packSignsKernel, preparePackSigns } from '../gpu/kernels/pack-signs.ts';
import { prepareXnorGemm, xnorGemmKernel } from '../gpu/kernels/xnor-gemm.ts';
import { createTensor, destroyTensors, readTensor, type Tensor } from '../gpu/tensor.ts';
import { activationForwardRef } from '../ref/activations.ts';
import { BATCHNORM_EPS, batchnormForwardRef } from '../ref/batchnorm.ts';
import { packSignsRef, popcount32, wordsPerRow, xnorGemmRef } from '../ref/binary.ts';
import { EXACT, type Tolerance } from '../ref/compare.ts';
import { gemmRef } from '../ref/gemm.ts';
import type { Rng } from '../util/rng.ts';
import { codeCountsBench, layerCodesBench } from './info-kernels.ts';

/** The GPU side of one kernel version at one size, ready to be recorded any number of times. */
export interface BenchCase {
  /** One iteration: these ops in order. */
  ops: readonly PreparedOp[];
  /** The output(s) after a run, concatenated in the order of the reference. */
  read(): Promise<ArrayLike<number>>;
  dispose(): void;
}

export interface BenchKernel<I = unknown> {
  /** The kernel's name (the WGSL file stem). */
  name: string;
  versions: readonly string[];
  /** 'gemm': size = M = N = K; 'rows': size = rows N of a layer ROW_WIDTH wide. */
  domain: 'gemm' | 'rows';
  unit: 'MAC' | 'element';
  /** e.g. "M=N=K=512" */
  describe(size: number): string;
  /** Units of work of one iteration. */
  work(size: number): number;
  inputs(size: number, rng: Rng): I;
  prepare(gpu: Gpu, version: string, inputs: I): Promise<BenchCase>;
  /** The full CPU reference of what `read` returns (src/ref/, float64 where the reference is). */
  reference(inputs: I): ArrayLike<number>;
  /**
   * The reference at `count` random outputs only, for sizes where the full reference is too slow in
   * JavaScript: the indices into what `read` returns, and the reference values there.
   */
  sample?(inputs: I, rng: Rng, count: number): { indices: number[]; values: number[] };
  tolerance(inputs: I): Tolerance;
  /** Another kernel of the run this one is compared with at the same size ('xnor_gemm' vs 'gemm'). */
  comparedWith?: string;
}

/** Width of the layer the 'rows' kernels run on: x is [1, N, ROW_WIDTH]. */
export const ROW_WIDTH = 256;

// ---------------------------------------------------------------------------------------------------
// Float GEMM: out [1, M, N] = a [1, M, K] · b [1, K, N], no transposes, no bias.

export interface GemmInputs {
  M: number;
  N: number;
  K: number;
  a: Float32Array;
  b: Float32Array;
}

export function gemmInputs(size: number, rng: Rng): GemmInputs {
  return { M: size, N: size, K: size, a: rng.floats(size * size), b: rng.floats(size * size) };
}

/** `count` distinct indices in [0, n), seeded, ascending. */
export function sampleIndices(rng: Rng, n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const set = new Set<number>();
  while (set.size < count) set.add(rng.int(0, n - 1));
  return [...set].sort((a, b) => a - b);
}

/** float64 dot products at `count` random outputs (index m·N + n). */
export function gemmSample({ M, N, K, a, b }: GemmInputs, rng: Rng, count: number) {
  const indices = sampleIndices(rng, M * N, count);
  const values = indices.map((i) => {
    const m = Math.floor(i / N);
    const n = i % N;
    let s = 0;
    for (let k = 0; k < K; k++) s += a[m * K + k] * b[k * N + n];
    return s;
  });
  return { indices, values };
}

const gemmBench: BenchKernel<GemmInputs> = {
  name: gemmKernel.name,
  versions: Object.keys(gemmKernel.versions),
  domain: 'gemm',
  unit: 'MAC',
  describe: (s) => `M=N=K=${s}`,
  work: (s) => s * s * s,
  inputs: gemmInputs,
  async prepare(gpu, version, { M, N, K, a: xa, b: xb }) {
    const a = createTensor(gpu, 'f32', [1, M, K], 'a', xa);
    const b = createTensor(gpu, 'f32', [1, K, N], 'b', xb);
    const out = createTensor(gpu, 'f32', [1, M, N], 'out');
    const op = await prepareGemm(gpu, { a, b, out }, version);
    return { ops: [op], read: () => readTensor(gpu, out), dispose: () => destroyTensors(a, b, out) };
  },
  reference: ({ M, N, K, a, b }) => gemmRef(a, b, { R: 1, M, N, K }),
  sample: gemmSample,
  // The check's tolerance (src/gpu/checks/gemm.ts explains it): 16·u·K·max|a|·max|b| + 1e-5·|ref|.
  tolerance: ({ K, a, b }) => gemmTolerance(K, a, b),
};

// ---------------------------------------------------------------------------------------------------
// XNOR GEMM: out [1, M, N] from packed a [1, M, KW], b [1, N, KW]; M·N·K multiply-accumulates of ±1.

interface XnorInputs {
  M: number;
  N: number;
  K: number;
  a: Uint32Array;
  b: Uint32Array;
}

/** Random packed rows with the padding bits past K zero, as pack_signs leaves them. */
function packedRows(rng: Rng, rows: number, K: number): Uint32Array {
  const KW = wordsPerRow(K);
  const words = rng.words(rows * KW);
  const tail = K % 32;
  if (tail) for (let r = 0; r < rows; r++) words[r * KW + KW - 1] &= (1 << tail) - 1;
  return words;
}

const xnorGemmBench: BenchKernel<XnorInputs> = {
  name: xnorGemmKernel.name,
  versions: Object.keys(xnorGemmKernel.versions),
  domain: 'gemm',
  unit: 'MAC',
  describe: (s) => `M=N=K=${s}`,
  work: (s) => s * s * s,
  inputs: (size, rng) => ({
    M: size,
    N: size,
    K: size,
    a: packedRows(rng, size, size),
    b: packedRows(rng, size, size),
  }),
  async prepare(gpu, version, { M, N, K, a: xa, b: xb }) {
    const KW = wordsPerRow(K);
    const a = createTensor(gpu, 'u32', [1, M, KW], 'a', xa);
    const b = createTensor(gpu, 'u32', [1, N, KW], 'b', xb);
    const out = createTensor(gpu, 'f32', [1, M, N], 'out');
    const op = await prepareXnorGemm(gpu, { a, b, out, K }, version);
    return { ops: [op], read: () => readTensor(gpu, out), dispose: () => destroyTensors(a, b, out) };
  },
  reference: ({ M, N, K, a, b }) => xnorGemmRef(a, b, 1, M, N, K),
  sample: ({ M, N, K, a, b }, rng, count) => {
    const KW = wordsPerRow(K);
    const indices = sampleIndices(rng, M * N, count);
    const values = indices.map((i) => {
      const m = Math.floor(i / N);
      const n = i % N;
      let diff = 0;
      for (let w = 0; w < KW; w++) diff += popcount32(a[m * KW + w] ^ b[n * KW + w]);
      return K - 2 * diff;
    });
    return { indices, values };
  },
  tolerance: () => EXACT,
  comparedWith: 'gemm',
};

// ---------------------------------------------------------------------------------------------------
// Elementwise kernels over a layer x [1, N, ROW_WIDTH].

const rowsDescribe = (s: number) => `N=${s}×${ROW_WIDTH}`;
const rowsWork = (s: number) => s * ROW_WIDTH;

interface RowsInputs {
  N: number;
  x: Float32Array;
}

const rowsInputs = (size: number, rng: Rng): RowsInputs => ({
  N: size,
  x: rng.floats(size * ROW_WIDTH, -3, 3),
});

const packSignsBench: BenchKernel<RowsInputs> = {
  name: packSignsKernel.name,
  versions: Object.keys(packSignsKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: rowsDescribe,
  work: rowsWork,
  inputs: rowsInputs,
  async prepare(gpu, version, { N, x: xs }) {
    const x = createTensor(gpu, 'f32', [1, N, ROW_WIDTH], 'x', xs);
    const out = createTensor(gpu, 'u32', [1, N, wordsPerRow(ROW_WIDTH)], 'packed');
    const op = await preparePackSigns(gpu, { x, out }, version);
    return { ops: [op], read: () => readTensor(gpu, out), dispose: () => destroyTensors(x, out) };
  },
  reference: ({ N, x }) => packSignsRef(x, 1, N, ROW_WIDTH),
  tolerance: () => EXACT,
};

const activationForwardBench: BenchKernel<RowsInputs> = {
  name: activationForwardKernel.name,
  versions: Object.keys(activationForwardKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: (s) => `tanh, ${rowsDescribe(s)}`,
  work: rowsWork,
  inputs: rowsInputs,
  async prepare(gpu, version, { N, x: xs }) {
    const x = createTensor(gpu, 'f32', [1, N, ROW_WIDTH], 'x', xs);
    const y = createTensor(gpu, 'f32', [1, N, ROW_WIDTH], 'y');
    const op = await prepareActivationForward(gpu, { x, y, kind: 'tanh' }, version);
    return { ops: [op], read: () => readTensor(gpu, y), dispose: () => destroyTensors(x, y) };
  },
  reference: ({ x }) => activationForwardRef('tanh', x),
  // The check's TRANSCENDENTAL tolerance (src/gpu/checks/activation.ts explains it).
  tolerance: () => ({ atol: 1e-6, rtol: 1e-5 }),
};

interface BatchnormInputs extends RowsInputs {
  gamma: Float32Array;
  beta: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
}

/** Batch normalization in evaluation mode (inference): y = gamma·(x − mean)·invstd + beta per column. */
const batchnormForwardBench: BenchKernel<BatchnormInputs> = {
  name: batchnormForwardKernel.name,
  versions: Object.keys(batchnormForwardKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: (s) => `eval, ${rowsDescribe(s)}`,
  work: rowsWork,
  inputs: (size, rng) => ({
    ...rowsInputs(size, rng),
    gamma: rng.floats(ROW_WIDTH, 0.5, 1.5),
    beta: rng.floats(ROW_WIDTH, -0.5, 0.5),
    runningMean: rng.floats(ROW_WIDTH, -1, 1),
    runningVar: rng.floats(ROW_WIDTH, 0.5, 2),
  }),
  async prepare(gpu, version, inp) {
    const W = ROW_WIDTH;
    const t = (name: string, data: Float32Array) => createTensor(gpu, 'f32', [1, W], name, data);
    const x = createTensor(gpu, 'f32', [1, inp.N, W], 'x', inp.x);
    const y = createTensor(gpu, 'f32', [1, inp.N, W], 'y');
    const params: Tensor<'f32'>[] = [
      t('gamma', inp.gamma),
      t('beta', inp.beta),
      t('running mean', inp.runningMean),
      t('running var', inp.runningVar),
    ];
    const mean = createTensor(gpu, 'f32', [1, W], 'mean');
    const invstd = createTensor(gpu, 'f32', [1, W], 'invstd');
    const [gamma, beta, runningMean, runningVar] = params;
    const op = await prepareBatchnormForward(
      gpu,
      { x, gamma, beta, runningMean, runningVar, y, mean, invstd, training: false },
      version,
    );
    return {
      ops: [op],
      read: () => readTensor(gpu, y),
      dispose: () => destroyTensors(x, y, mean, invstd, ...params),
    };
  },
  reference: (inp) =>
    batchnormForwardRef(inp.x, inp.gamma, inp.beta, inp.runningMean, inp.runningVar, 1, inp.N, ROW_WIDTH, {
      training: false,
      eps: BATCHNORM_EPS,
    }).y,
  // The check's evaluation-mode tolerance (src/gpu/checks/batchnorm.ts explains it).
  tolerance: () => ({ atol: 2e-6, rtol: 2e-6 }),
};

/** A registry entry of any input type (each entry's methods only ever see its own inputs). */
// biome-ignore lint/suspicious/noExplicitAny: an existential over the entries' input types
export type AnyBenchKernel = BenchKernel<any>;

/** Every benchmarked kernel, in table order. */
export const BENCH_KERNELS: readonly AnyBenchKernel[] = [
  gemmBench,
  xnorGemmBench,
  packSignsBench,
  activationForwardBench,
  batchnormForwardBench,
  layerCodesBench,
  codeCountsBench,
];
