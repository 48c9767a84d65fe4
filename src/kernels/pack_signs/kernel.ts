/** Wrapper of shaders/pack_signs.wgsl: signs of x f32[R,M,K] → u32[R,M,ceil(K/32)]. */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import v1 from '../../../shaders/pack_signs.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import {
  ceilDiv,
  flatGrid,
  type KernelDef,
  kernelPipeline,
  type PreparedOp,
  preparedOp,
} from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwU32 } from '../layout.ts';

const Params = d.struct({ R: d.u32, M: d.u32, K: d.u32, KW: d.u32 });

export const packSignsKernel = {
  name: 'pack_signs',
  versions: { v1 },
  layout: tgpu.bindGroupLayout({ params: { uniform: Params }, x: readF32, out: rwU32 }),
} satisfies KernelDef;

export const PACK_SIGNS_TUNING = { WG: 64 };

export interface PackSignsArgs {
  /** f32 [R, M, K] */
  x: Tensor<'f32'>;
  /** u32 [R, M, ceil(K/32)] */
  out: Tensor<'u32'>;
}

export async function preparePackSigns(
  gpu: Gpu,
  { x, out }: PackSignsArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = packSignsKernel.name;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'out', out, 'u32');
  if (x.shape.length !== 3) throw new Error(`${name}: x must be [R, M, K], got [${x.shape.join(', ')}]`);
  const [R, M, K] = x.shape;
  const KW = ceilDiv(K, 32);
  expectShape(name, 'out', out, [R, M, KW]);
  const tuning = PACK_SIGNS_TUNING;
  const pipeline = await kernelPipeline(gpu, packSignsKernel, version, tuning);
  const params = createUniform(gpu, Params, { R, M, K, KW }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(packSignsKernel.layout, { params, x: x.buffer, out: out.buffer }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, flatGrid(gpu, R * M * KW, tuning.WG));
}
