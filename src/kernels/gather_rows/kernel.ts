/**
 * Wrapper of shaders/gather_rows.wgsl: minibatches gathered by index.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import gatherV1 from '../../../shaders/gather_rows.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, readU32, rwF32, rwU32 } from '../layout.ts';

export const GatherParams = d.struct({
  R: d.u32,
  B: d.u32,
  D: d.u32,
  offset: d.u32,
  idxStride: d.u32,
  nSource: d.u32,
});

export const gatherRowsKernel = {
  name: 'gather_rows',
  versions: { v1: gatherV1 },
  layout: tgpu.bindGroupLayout({
    params: { uniform: GatherParams },
    src: readF32,
    srcLabels: readU32,
    idx: readU32,
    out: rwF32,
    outLabels: rwU32,
  }),
} satisfies KernelDef;

export const GATHER_TUNING = { WG: 64 };

export interface GatherRowsArgs {
  /** f32 [nSource, D] */
  src: Tensor<'f32'>;
  /** u32 [nSource] */
  srcLabels: Tensor<'u32'>;
  /** u32 [R, idxStride] (or any length when idxStride = 0) */
  idx: Tensor<'u32'>;
  /** f32 [R, B, D] */
  out: Tensor<'f32'>;
  /** u32 [R, B] */
  outLabels: Tensor<'u32'>;
  /** Position of the first row of this batch in each replica's index list. */
  offset: number;
  /** Indices per replica in idx (0: every replica reads the same indices). */
  idxStride: number;
}

export type GatherParamsValue = d.Infer<typeof GatherParams>;

/** The op, and its params uniform so a trainer can overwrite `offset` per step by a buffer copy. */
export async function prepareGatherRows(
  gpu: Gpu,
  args: GatherRowsArgs,
  version = 'v1',
): Promise<PreparedOp & { params: GPUBuffer; value: GatherParamsValue }> {
  const name = gatherRowsKernel.name;
  const { src, srcLabels, idx, out, outLabels, offset, idxStride } = args;
  expectDtype(name, 'src', src, 'f32');
  expectDtype(name, 'srcLabels', srcLabels, 'u32');
  expectDtype(name, 'idx', idx, 'u32');
  if (src.shape.length !== 2 || out.shape.length !== 3) {
    throw new ShapeError(
      `${name}: src must be [n, D] and out [R, B, D], got src [${src.shape.join(', ')}], out [${out.shape.join(', ')}]`,
    );
  }
  const [nSource, D] = src.shape;
  const [R, B, Dout] = out.shape;
  if (Dout !== D)
    throw new ShapeError(
      `${name}: src [${src.shape.join(', ')}] and out [${out.shape.join(', ')}] differ in D`,
    );
  expectShape(name, 'srcLabels', srcLabels, [nSource]);
  expectShape(name, 'outLabels', outLabels, [R, B]);
  const needed = idxStride === 0 ? offset + B : (R - 1) * idxStride + offset + B;
  if (idx.size < needed) {
    throw new ShapeError(
      `${name}: idx [${idx.shape.join(', ')}] is too short for R=${R}, B=${B}, offset ${offset}, stride ${idxStride}`,
    );
  }
  const pipeline = await kernelPipeline(gpu, gatherRowsKernel, version, GATHER_TUNING);
  const value = { R, B, D, offset, idxStride, nSource };
  const params = createUniform(gpu, GatherParams, value, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(gatherRowsKernel.layout, {
      params,
      src: src.buffer,
      srcLabels: srcLabels.buffer,
      idx: idx.buffer,
      out: out.buffer,
      outLabels: outLabels.buffer,
    }),
  );
  const op = preparedOp(
    gpu,
    `${name} ${version}`,
    pipeline,
    bindGroup,
    flatGrid(gpu, R * B * D, GATHER_TUNING.WG),
  );
  return { ...op, params: gpu.root.unwrap(params), value };
}
