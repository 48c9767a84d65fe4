/** Checks of pack_signs and xnor_gemm against src/ref/binary.ts (exact). */
import { packSignsRef, signDotRef, wordsPerRow, xnorGemmRef } from '../../ref/binary.ts';
import { compareArrays } from '../../ref/compare.ts';
import type { Rng } from '../../util/rng.ts';
import type { Gpu } from '../device.ts';
import { preparePackSigns } from '../kernels/pack-signs.ts';
import { prepareXnorGemm, xnorGemmKernel } from '../kernels/xnor-gemm.ts';
import { runOps } from '../run.ts';
import { createTensor, destroyTensors, readTensor } from '../tensor.ts';
import { caseOf, type KernelCheck } from './types.ts';

/** Floats in [−1, 1) with exact zeros sprinkled in (sign(0) must be +1). */
function signedInputs(rng: Rng, n: number): Float32Array {
  const x = rng.floats(n);
  for (let i = 0; i < n; i += 7) x[i] = 0;
  return x;
}

export const packSignsCheck: KernelCheck = {
  kernel: 'pack_signs',
  versions: ['v1'],
  exact: true,
  cases: [
    caseOf({ R: 1, M: 1, K: 1 }, true),
    caseOf({ R: 2, M: 5, K: 31 }, true),
    caseOf({ R: 3, M: 7, K: 64 }),
    caseOf({ R: 2, M: 33, K: 100 }, true),
    caseOf({ R: 1, M: 300, K: 784 }),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, M, K } }, rng: Rng) {
    const xs = signedInputs(rng, R * M * K);
    const x = createTensor(gpu, 'f32', [R, M, K], 'x', xs);
    const out = createTensor(gpu, 'u32', [R, M, wordsPerRow(K)], 'packed');
    await runOps(gpu, 'pack_signs check', [await preparePackSigns(gpu, { x, out }, version)]);
    const got = await readTensor(gpu, out);
    destroyTensors(x, out);
    return [compareArrays('packed', got, packSignsRef(xs, R, M, K))];
  },
};

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
