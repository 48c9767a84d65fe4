/**
 * Check of the float GEMM against src/kernels/gemm/ref.ts (float64) within a stated tolerance; every
 * transpose combination, with and without bias, broadcast operands, awkward shapes, R ≥ 2.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { sampleIndices } from '../bench-shapes.ts';
import { compareArrays } from '../compare.ts';
import { type BenchKernel, caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { gemmKernel, prepareGemm } from './kernel.ts';
import { gemmRef } from './ref.ts';

/** f32 unit roundoff, 2^-24. */
const U = 2 ** -24;

/**
 * Tolerance of an f32 GEMM against the float64 reference: atol = 16·u·(K·max|a|·max|b| + max|bias|),
 * rtol = 1e-5.
 *
 * Summing K products in f32 (ascending k, as v1 and v2 both do) has the rigorous bound
 * |err| ≤ γ_K·Σ_k|a_k·b_k| ≈ K·u·Σ_k|a_k·b_k| ≤ K²·u·max|a|·max|b|, too loose to catch small bugs at
 * large K. With independent zero-mean inputs the roundings are a random walk: the partial sums have
 * size ~√k·σ (σ = std of a·b = 1/3 for inputs uniform in [−1, 1]), so the typical error is
 * ~u·σ·K/√2 ≈ K·u/4, and the largest of a few thousand entries (4σ) about K·u — measured: 0.9·K·u at
 * K = 300 over 8385 outputs. 16·u·K leaves a 16× margin over that, yet a real bug (a term dropped,
 * doubled or taken from the wrong row or replica) moves an entry by about |a·b| ~ 0.1–1, far above
 * 16·u·K ≈ 1e-6·K for any K ≤ 10^4. rtol 1e-5 (≈ 170·u) covers the rounding of the bias addition.
 */
export function gemmTolerance(K: number, a: Float32Array, b: Float32Array, bias?: Float32Array) {
  const maxAbs = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scale = K * maxAbs(a) * maxAbs(b) + (bias ? maxAbs(bias) : 0);
  return { atol: 16 * U * scale, rtol: 1e-5 };
}

interface GemmOptions {
  tA?: 0 | 1;
  tB?: 0 | 1;
  bias?: 0 | 1;
  /** Replicas stored in a, b, bias: R by default, 1 to broadcast. */
  Ra?: number;
  Rb?: number;
  Rbias?: number;
}

function gemmCase(R: number, M: number, N: number, K: number, o: GemmOptions = {}, quick = false) {
  return caseOf({ R, M, N, K, tA: 0, tB: 0, bias: 0, ...o }, quick);
}

/** All four transpose combinations, with and without bias. */
const allTransposes = (R: number, M: number, N: number, K: number, quick = false) =>
  ([0, 1] as const).flatMap((tA) =>
    ([0, 1] as const).flatMap((tB) =>
      ([0, 1] as const).map((bias) => gemmCase(R, M, N, K, { tA, tB, bias }, quick && tA === tB)),
    ),
  );

export const gemmCheck: KernelCheck = {
  kernel: 'gemm',
  versions: Object.keys(gemmKernel.versions),
  exact: false,
  cases: [
    gemmCase(1, 1, 1, 1, {}, true),
    gemmCase(1, 1, 1, 1, { tA: 1, tB: 1, bias: 1 }, true),
    ...allTransposes(2, 33, 17, 70, true),
    gemmCase(2, 64, 64, 64, { tB: 1, bias: 1 }),
    gemmCase(1, 65, 129, 300),
    gemmCase(1, 65, 129, 300, { tA: 1, tB: 1 }),
    gemmCase(3, 7, 5, 3, { tA: 1 }, true),
    // A dense layer of the 12-bit task, batch 16, 4 replicas: forward, dX, dW.
    gemmCase(4, 16, 10, 12, { tB: 1, bias: 1 }, true),
    gemmCase(4, 16, 12, 10),
    gemmCase(4, 10, 12, 16, { tA: 1 }),
    // Broadcast: shared input (a), shared weights and bias (b, bias), a replicated bias only.
    gemmCase(3, 20, 24, 40, { tB: 1, bias: 1, Ra: 1 }, true),
    gemmCase(3, 20, 24, 40, { tB: 1, bias: 1, Rb: 1, Rbias: 1 }),
    gemmCase(3, 37, 9, 50, { tA: 1, Ra: 1, Rb: 1, bias: 1 }),
  ],
  async run(gpu: Gpu, version: string, { dims }, rng: Rng) {
    const { R, M, N, K } = dims;
    const transA = dims.tA === 1;
    const transB = dims.tB === 1;
    const Ra = dims.Ra ?? R;
    const Rb = dims.Rb ?? R;
    const Rbias = dims.Rbias ?? R;
    const xa = rng.floats(Ra * M * K);
    const xb = rng.floats(Rb * K * N);
    const xbias = dims.bias === 1 ? rng.floats(Rbias * N) : undefined;
    const a = createTensor(gpu, 'f32', transA ? [Ra, K, M] : [Ra, M, K], 'a', xa);
    const b = createTensor(gpu, 'f32', transB ? [Rb, N, K] : [Rb, K, N], 'b', xb);
    const bias = xbias && createTensor(gpu, 'f32', [Rbias, N], 'bias', xbias);
    const out = createTensor(gpu, 'f32', [R, M, N], 'out');
    await runOps(gpu, 'gemm check', [await prepareGemm(gpu, { a, b, out, bias, transA, transB }, version)]);
    const got = await readTensor(gpu, out);
    destroyTensors(a, b, out, ...(bias ? [bias] : []));
    const ref = gemmRef(xa, xb, { R, M, N, K, transA, transB, Ra, Rb, Rbias }, xbias);
    return [compareArrays('out', got, ref, gemmTolerance(K, xa, xb, xbias))];
  },
};

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
  // The check's tolerance (gemmTolerance above explains it): 16·u·K·max|a|·max|b| + 1e-5·|ref|.
  tolerance: ({ K, a, b }) => gemmTolerance(K, a, b),
};

/** The gemm family: its wrappers, checks and benchmark rows. */
export const gemmSpec: KernelSpec = {
  family: 'gemm',
  kernels: [gemmKernel],
  checks: [gemmCheck],
  bench: [gemmBench],
};
