/**
 * Wrapper of shaders/fill_u32.wgsl: clears the counting tables inside a compute pass.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import fillV1 from '../../../shaders/fill_u32.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { rwU32 } from '../layout.ts';

const FillParams = d.struct({ offset: d.u32, count: d.u32, value: d.u32 });

export const fillU32Kernel = {
  name: 'fill_u32',
  versions: { v1: fillV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: FillParams }, out: rwU32 }),
} satisfies KernelDef;

export const FILL_TUNING = { WG: 64 };

/** out[offset … offset + count − 1] = value. */
export async function prepareFillU32(
  gpu: Gpu,
  {
    out,
    offset = 0,
    count = out.size,
    value = 0,
  }: { out: Tensor<'u32'>; offset?: number; count?: number; value?: number },
  version = 'v1',
): Promise<PreparedOp> {
  const name = fillU32Kernel.name;
  expectDtype(name, 'out', out, 'u32');
  if (offset < 0 || count < 0 || offset + count > out.size) {
    throw new ShapeError(
      `${name}: [${offset}, ${offset + count}) is outside ${out.label} [${out.shape.join(', ')}]`,
    );
  }
  const pipeline = await kernelPipeline(gpu, fillU32Kernel, version, FILL_TUNING);
  const params = createUniform(gpu, FillParams, { offset, count, value: value >>> 0 }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(fillU32Kernel.layout, { params, out: out.buffer }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, flatGrid(gpu, count, FILL_TUNING.WG));
}
