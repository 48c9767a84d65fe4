/**
 * Wrapper of shaders/flip_count.wgsl: the flip ratio of binary weights between two steps.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import flipV1 from '../../../shaders/flip_count.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ceilDiv, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readU32, rwF32, rwU32 } from '../layout.ts';

const FlipParams = d.struct({ R: d.u32, W: d.u32, total: d.u32 });

export const flipCountKernel = {
  name: 'flip_count',
  versions: { v1: flipV1 },
  layout: tgpu.bindGroupLayout({ params: { uniform: FlipParams }, cur: readU32, prev: rwU32, ratio: rwF32 }),
} satisfies KernelDef;

export const FLIP_TUNING = { WG: 64 };

export interface FlipCountArgs {
  /** u32 [R, N, KW]: the packed signs now */
  cur: Tensor<'u32'>;
  /** u32 [R, N, KW]: the packed signs at the last call (overwritten with cur) */
  prev: Tensor<'u32'>;
  /** f32 [R] */
  ratio: Tensor<'f32'>;
  /** weights per replica (N·K) */
  total: number;
}

export async function prepareFlipCount(
  gpu: Gpu,
  { cur, prev, ratio, total }: FlipCountArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = flipCountKernel.name;
  expectDtype(name, 'cur', cur, 'u32');
  expectShape(name, 'prev', prev, cur.shape);
  const R = cur.shape[0];
  expectShape(name, 'ratio', ratio, [R]);
  const W = cur.size / R;
  const pipeline = await kernelPipeline(gpu, flipCountKernel, version, FLIP_TUNING);
  const params = createUniform(gpu, FlipParams, { R, W, total }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(flipCountKernel.layout, {
      params,
      cur: cur.buffer,
      prev: prev.buffer,
      ratio: ratio.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [ceilDiv(R, FLIP_TUNING.WG), 1, 1]);
}
