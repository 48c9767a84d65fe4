/**
 * Check of xnor_gemm against ./ref.ts (exact), and its benchmark row (compared with the float GEMM).
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { sampleIndices } from '../bench-shapes.ts';
import { compareArrays, EXACT } from '../compare.ts';
import { preparePackSigns } from '../pack_signs/kernel.ts';
import { packSignsRef, wordsPerRow } from '../pack_signs/ref.ts';
import { signedInputs } from '../pack_signs/spec.ts';
import { type BenchKernel, caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { prepareXnorGemm, xnorGemmKernel } from './kernel.ts';
import { popcount32, signDotRef, xnorGemmRef } from './ref.ts';

export const xnorGemmCheck: KernelCheck = {
  kernel: 'xnor_gemm',
  versions: Object.keys(xnorGemmKernel.versions),
  exact: true,
  cases: [
    caseOf({ R: 1, M: 1, N: 1, K: 1 }, true),
    caseOf({ R: 1, M: 1, N: 1, K: 32 }),
    caseOf({ R: 2, M: 33, N: 17, K: 70 }, true),
    caseOf({ R: 3, M: 64, N: 64, K: 256 }),
    caseOf({ R: 1, M: 65, N: 129, K: 1000 }),
    caseOf({ R: 4, M: 12, N: 10, K: 12 }, true),
    // Several word tiles of v2 and a partial one (KW = 10); a broadcast operand (Ra or Rb = 1).
    caseOf({ R: 2, M: 40, N: 36, K: 300 }, true),
    caseOf({ R: 3, M: 20, N: 24, K: 300, Rb: 1 }, true),
    caseOf({ R: 2, M: 5, N: 70, K: 33, Ra: 1 }),
  ],
  async run(gpu: Gpu, version: string, { dims }, rng: Rng) {
    const { R, M, N, K } = dims;
    const Ra = dims.Ra ?? R;
    const Rb = dims.Rb ?? R;
    // Pack on the GPU (itself checked above), then compare with both the packed reference and the
    // ±1 dot product of the unpacked inputs.
    const xa = signedInputs(rng, Ra * M * K);
    const xb = signedInputs(rng, Rb * N * K);
    const KW = wordsPerRow(K);
    const fa = createTensor(gpu, 'f32', [Ra, M, K], 'a (float)', xa);
    const fb = createTensor(gpu, 'f32', [Rb, N, K], 'b (float)', xb);
    const a = createTensor(gpu, 'u32', [Ra, M, KW], 'a');
    const b = createTensor(gpu, 'u32', [Rb, N, KW], 'b');
    const out = createTensor(gpu, 'f32', [R, M, N], 'out');
    await runOps(gpu, 'xnor_gemm check', [
      await preparePackSigns(gpu, { x: fa, out: a }),
      await preparePackSigns(gpu, { x: fb, out: b }),
      await prepareXnorGemm(gpu, { a, b, out, K }, version),
    ]);
    const got = await readTensor(gpu, out);
    destroyTensors(fa, fb, a, b, out);
    const strideA = Ra === 1 ? 0 : M * KW;
    const strideB = Rb === 1 ? 0 : N * KW;
    const ref = xnorGemmRef(
      packSignsRef(xa, Ra, M, K),
      packSignsRef(xb, Rb, N, K),
      R,
      M,
      N,
      K,
      strideA,
      strideB,
    );
    // signDotRef has no broadcast: give it R copies of a shared operand.
    const replicate = (x: Float32Array, Rx: number) =>
      Rx === R ? x : Float32Array.from({ length: R * x.length }, (_, i) => x[i % x.length]);
    return [
      compareArrays('out vs packed ref', got, ref),
      compareArrays('out vs ±1 dot', got, signDotRef(replicate(xa, Ra), replicate(xb, Rb), R, M, N, K)),
    ];
  },
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

/** The xnor_gemm family: its wrappers, checks and benchmark rows. */
export const xnorGemmSpec: KernelSpec = {
  family: 'xnor_gemm',
  kernels: [xnorGemmKernel],
  checks: [xnorGemmCheck],
  bench: [xnorGemmBench],
};
