/**
 * Wrapper of shaders/gemm*.wgsl: out f32[R,M,N] = opA(a) · opB(b) (+ bias[r, n]).
 * a: f32[R or 1, M, K] ([R or 1, K, M] with transA); b: f32[R or 1, K, N] ([R or 1, N, K] with transB);
 * bias: f32[R or 1, N]. A leading 1 broadcasts that operand to every replica.
 *
 * A dense layer with weights W [R, N, K] and input X [R, B, K]:
 *   forward  Y  = X · Wᵀ + b   prepareGemm(gpu, { a: X, b: W, bias, out: Y, transB: true })
 *   backward dX = dY · W       prepareGemm(gpu, { a: dY, b: W, out: dX })
 *   backward dW = dYᵀ · X      prepareGemm(gpu, { a: dY, b: X, out: dW, transA: true })
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import v2 from '../../../shaders/gemm.v2.wgsl?raw';
import v3 from '../../../shaders/gemm.v3.wgsl?raw';
import v1 from '../../../shaders/gemm.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import {
  ceilDiv,
  type KernelDef,
  kernelPipeline,
  narrowWorkgroup,
  type PreparedOp,
  preparedOp,
} from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32 } from '../layout.ts';

const Params = d.struct({
  R: d.u32,
  M: d.u32,
  N: d.u32,
  K: d.u32,
  strideA: d.u32,
  strideB: d.u32,
  strideBias: d.u32,
});

export const gemmKernel = {
  name: 'gemm',
  versions: { v1, v2, v3 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: Params },
    a: readF32,
    b: readF32,
    bias: readF32,
    out: rwF32,
  }),
} satisfies KernelDef;

/**
 * Output tile per workgroup for each version (WGSL `override`s, set from here only). v1 runs one
 * invocation per output, so its workgroup is TILE_N × TILE_M; v2 runs (TILE_N/4) × (TILE_M/4) invocations
 * with 4×4 register blocks and steps k by TILE_K through workgroup memory (TILE_M, TILE_N multiples of 4);
 * v3 runs (TILE_N/8) × (TILE_M/8) invocations with 8×8 register blocks and vec4 loads (multiples of 8).
 */
export const GEMM_TUNING: Record<string, { TILE_M: number; TILE_N: number } & Record<string, number>> = {
  v1: { TILE_M: 16, TILE_N: 16 },
  v2: { TILE_M: 32, TILE_N: 32, TILE_K: 16 },
  v3: { TILE_M: 64, TILE_N: 64, TILE_K: 16 },
};

export interface GemmArgs {
  a: Tensor<'f32'>;
  b: Tensor<'f32'>;
  out: Tensor<'f32'>;
  bias?: Tensor<'f32'>;
  /** a is stored [R, K, M] and read transposed. */
  transA?: boolean;
  /** b is stored [R, N, K] and read transposed. */
  transB?: boolean;
}

const shapeOf = (t: Tensor): string => `[${t.shape.join(', ')}]`;

export async function prepareGemm(
  gpu: Gpu,
  { a, b, out, bias, transA = false, transB = false }: GemmArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = gemmKernel.name;
  expectDtype(name, 'a', a, 'f32');
  expectDtype(name, 'b', b, 'f32');
  expectDtype(name, 'out', out, 'f32');
  if (bias) expectDtype(name, 'bias', bias, 'f32');
  if (a.shape.length !== 3 || b.shape.length !== 3) {
    throw new ShapeError(`${name}: a and b must be [R, rows, cols], got a ${shapeOf(a)}, b ${shapeOf(b)}`);
  }
  const [Ra, a1, a2] = a.shape;
  const [Rb, b1, b2] = b.shape;
  const [M, Ka] = transA ? [a2, a1] : [a1, a2];
  const [Kb, N] = transB ? [b2, b1] : [b1, b2];
  const ops = `a${transA ? 'ᵀ' : ''} ${shapeOf(a)} · b${transB ? 'ᵀ' : ''} ${shapeOf(b)}`;
  if (Ka !== Kb) {
    throw new ShapeError(`${name}: inner dimensions differ (${Ka} vs ${Kb}) in ${ops}`);
  }
  if (Ra !== Rb && Ra !== 1 && Rb !== 1) {
    throw new ShapeError(`${name}: replica counts differ (${Ra} vs ${Rb}, neither 1) in ${ops}`);
  }
  const K = Ka;
  let R = Math.max(Ra, Rb);
  if (bias) {
    const [Rbias, Nbias] = bias.shape;
    if (bias.shape.length !== 2 || Nbias !== N || (Rbias !== R && Rbias !== 1 && R !== 1)) {
      throw new ShapeError(
        `${name}: bias ${shapeOf(bias)} does not fit ${ops} (bias must be [R or 1, ${N}])`,
      );
    }
    R = Math.max(R, Rbias);
  }
  expectShape(name, 'out', out, [R, M, N]);
  const base = GEMM_TUNING[version];
  if (!base) throw new ShapeError(`${name}: no version ${version}`);
  // v1: one invocation per output; narrow outputs get a narrow, tall workgroup of the same size.
  const [tn, tm] = narrowWorkgroup(N, base.TILE_N * base.TILE_M, base.TILE_N);
  const tuning = version === 'v1' ? { ...base, TILE_N: tn, TILE_M: tm } : base;
  const pipeline = await kernelPipeline(gpu, gemmKernel, version, {
    ...tuning,
    TRANS_A: Number(transA),
    TRANS_B: Number(transB),
    HAS_BIAS: Number(bias !== undefined),
    // v3 loads whole vec4s where the stored operand's rows are a multiple of 4 long (aligned to 16 bytes).
    ...(version === 'v3'
      ? { VEC_A: Number((transA ? M : K) % 4 === 0), VEC_B: Number((transB ? K : N) % 4 === 0) }
      : {}),
  });
  const params = createUniform(
    gpu,
    Params,
    {
      R,
      M,
      N,
      K,
      strideA: Ra === 1 ? 0 : M * K,
      strideB: Rb === 1 ? 0 : K * N,
      strideBias: bias && bias.shape[0] !== 1 ? N : 0,
    },
    `${name} params`,
  );
  // Without a bias the shader never reads its binding (HAS_BIAS = false); a stands in, read-only.
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(gemmKernel.layout, {
      params,
      a: a.buffer,
      b: b.buffer,
      bias: (bias ?? a).buffer,
      out: out.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [
    ceilDiv(N, tuning.TILE_N),
    ceilDiv(M, tuning.TILE_M),
    R,
  ]);
}
