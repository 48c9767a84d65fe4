/**
 * Wrapper of shaders/xnor_gemm*.wgsl: out f32[R,M,N] = K − 2·popcount(a[m] XOR b[n]) over packed rows.
 * a: u32[R or 1, M, KW], b: u32[R or 1, N, KW]; a leading 1 broadcasts that operand to every replica.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import v2 from '../../../shaders/xnor_gemm.v2.wgsl?raw';
import v3 from '../../../shaders/xnor_gemm.v3.wgsl?raw';
import v1 from '../../../shaders/xnor_gemm.wgsl?raw';
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
import { readU32, rwF32 } from '../layout.ts';

const Params = d.struct({
  R: d.u32,
  M: d.u32,
  N: d.u32,
  K: d.u32,
  KW: d.u32,
  strideA: d.u32,
  strideB: d.u32,
});

export const xnorGemmKernel = {
  name: 'xnor_gemm',
  versions: { v1, v2, v3 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: Params }, a: readU32, b: readU32, out: rwF32 }),
} satisfies KernelDef;

/** v2: a TILE_M × TILE_N output tile per workgroup of (TILE_N/4)·(TILE_M/4) invocations, TILE_KW words a step. */
const V2 = { TILE_M: 32, TILE_N: 32, TILE_KW: 8 };

/** Workgroup shape per version (WGSL `override`s, set from here only); tile = outputs [n, m] per workgroup. */
export const XNOR_GEMM_TUNING: Record<string, { constants: Record<string, number>; tile: [number, number] }> =
  {
    v1: { constants: { WG_X: 16, WG_Y: 16 }, tile: [16, 16] },
    v2: { constants: V2, tile: [V2.TILE_N, V2.TILE_M] },
    // v3: a 4 × 4 block of outputs per invocation, WG_X × WG_Y invocations.
    v3: { constants: { WG_X: 8, WG_Y: 8 }, tile: [32, 32] },
  };

export interface XnorGemmArgs {
  a: Tensor<'u32'>;
  b: Tensor<'u32'>;
  out: Tensor<'f32'>;
  /** The true inner dimension (bits), not the packed word count. */
  K: number;
}

export async function prepareXnorGemm(
  gpu: Gpu,
  { a, b, out, K }: XnorGemmArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = xnorGemmKernel.name;
  expectDtype(name, 'a', a, 'u32');
  expectDtype(name, 'b', b, 'u32');
  expectDtype(name, 'out', out, 'f32');
  if (a.shape.length !== 3 || b.shape.length !== 3) {
    throw new ShapeError(
      `${name}: a and b must be [R, rows, words], got a [${a.shape.join(', ')}], b [${b.shape.join(', ')}]`,
    );
  }
  const KW = ceilDiv(K, 32);
  const [Ra, M, KWa] = a.shape;
  const [Rb, N, KWb] = b.shape;
  if (KWa !== KW || KWb !== KW || (Ra !== Rb && Ra !== 1 && Rb !== 1)) {
    throw new ShapeError(
      `${name}: a [${a.shape.join(', ')}] and b [${b.shape.join(', ')}] do not fit K = ${K} (${KW} words per row)`,
    );
  }
  const R = Math.max(Ra, Rb);
  expectShape(name, 'out', out, [R, M, N]);
  const base = XNOR_GEMM_TUNING[version];
  if (!base) throw new ShapeError(`${name}: no version ${version}`);
  // v1: one invocation per output; narrow outputs get a narrow, tall workgroup of the same size.
  const [wx, wy] = narrowWorkgroup(N, base.tile[0] * base.tile[1], base.tile[0]);
  const tuning = version === 'v1' ? { constants: { WG_X: wx, WG_Y: wy }, tile: [wx, wy] } : base;
  const pipeline = await kernelPipeline(gpu, xnorGemmKernel, version, tuning.constants);
  const params = createUniform(
    gpu,
    Params,
    { R, M, N, K, KW, strideA: Ra === 1 ? 0 : M * KW, strideB: Rb === 1 ? 0 : N * KW },
    `${name} params`,
  );
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(xnorGemmKernel.layout, { params, a: a.buffer, b: b.buffer, out: out.buffer }),
  );
  const [tn, tm] = tuning.tile;
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [ceilDiv(N, tn), ceilDiv(M, tm), R]);
}
