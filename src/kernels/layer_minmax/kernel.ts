/**
 * Wrapper of shaders/layer_minmax.wgsl (spec: ./ref.ts): per replica [min, max] of a layer over the
 * estimation set, chunk by chunk (the adaptive binning). src/info/estimator.ts strings the
 * information-plane kernels together for a whole network; these are the single dispatches.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import minmaxV1 from '../../../shaders/layer_minmax.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { checkWorkgroupSize } from '../../gpu/limits.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32 } from '../layout.ts';

/** `x` must be [R, rows, W]; returns the sizes or throws a ShapeError naming the shape. */
export function expectChunk(name: string, x: Tensor): [number, number, number] {
  if (x.shape.length !== 3) {
    throw new ShapeError(`${name}: x must be [R, rows, W], got [${x.shape.join(', ')}]`);
  }
  const [R, rows, W] = x.shape;
  if (R < 1 || rows < 1 || W < 1) {
    throw new ShapeError(`${name}: x [${x.shape.join(', ')}] is empty; every size must be ≥ 1`);
  }
  return [R, rows, W];
}

const MinMaxParams = d.struct({ R: d.u32, M: d.u32 });

export const layerMinMaxKernel = {
  name: 'layer_minmax',
  versions: { v1: minmaxV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: MinMaxParams }, x: readF32, out: rwF32 }),
} satisfies KernelDef;

export const LAYER_MINMAX_TUNING = { WG: 64 };

export interface LayerMinMaxArgs {
  /** f32 [R, rows, W]: one chunk of one layer's activations */
  x: Tensor<'f32'>;
  /** f32 [R, 2]: [min, max] per replica */
  out: Tensor<'f32'>;
  /** Fold into out (every chunk but the first) instead of overwriting it. */
  accumulate: boolean;
}

export async function prepareLayerMinMax(
  gpu: Gpu,
  { x, out, accumulate }: LayerMinMaxArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = layerMinMaxKernel.name;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'out', out, 'f32');
  const [R, rows, W] = expectChunk(name, x);
  expectShape(name, 'out', out, [R, 2]);
  const { WG } = LAYER_MINMAX_TUNING;
  checkWorkgroupSize(gpu, name, [WG, 1, 1]);
  const pipeline = await kernelPipeline(gpu, layerMinMaxKernel, version, {
    WG,
    ACCUMULATE: Number(accumulate),
  });
  const params = createUniform(gpu, MinMaxParams, { R, M: rows * W }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(layerMinMaxKernel.layout, { params, x: x.buffer, out: out.buffer }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [1, 1, R]);
}
