/**
 * Wrapper of shaders/layer_codes.wgsl (spec: ./ref.ts): each sample's layer vector → a 64-bit code,
 * into codes u32[R, n, 2] at rowOffset.
 */

import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import codesV1 from '../../../shaders/layer_codes.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { validateLayerCoding } from '../../info/settings.ts';
import { expectChunk } from '../layer_minmax/kernel.ts';
import { readF32, rwU32 } from '../layout.ts';
import { type CodePlan, codePlan } from './ref.ts';

const CodesParams = d.struct({
  R: d.u32,
  rows: d.u32,
  W: d.u32,
  n: d.u32,
  rowOffset: d.u32,
  bits: d.u32,
  per: d.u32,
  nWords: d.u32,
  B: d.u32,
  threshold: d.f32,
  width: d.f32,
  invWidth: d.f32,
  tMax: d.f32,
});

export const layerCodesKernel = {
  name: 'layer_codes',
  versions: { v1: codesV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: CodesParams },
    x: readF32,
    edges: readF32,
    minmax: readF32,
    codes: rwU32,
  }),
} satisfies KernelDef;

export const LAYER_CODES_TUNING = { WG: 64 };

export interface LayerCodesArgs {
  /** f32 [R, rows, W]: one chunk of one layer's activations, rows rowOffset… of the estimation set */
  x: Tensor<'f32'>;
  /** u32 [R, n, 2]: the layer's codes over the whole estimation set */
  codes: Tensor<'u32'>;
  rowOffset: number;
  /** The plan (codePlan(coding, W)); its W must be x's. */
  plan: CodePlan;
  /** f32 [≥ B]: plan.edges uploaded (fixed mode); any f32 tensor otherwise. */
  edges: Tensor<'f32'>;
  /** f32 [R, 2]: [min, max] per replica from layer_minmax (adaptive mode); any f32 tensor otherwise. */
  minmax: Tensor<'f32'>;
}

/** The plan of a layer of W units under `coding`, validated (an EstimatorSettingsError names the field). */
export function layerCodePlan(coding: Parameters<typeof codePlan>[0], W: number): CodePlan {
  validateLayerCoding(coding);
  if (!Number.isInteger(W) || W < 1) throw new ShapeError(`layer_codes: W must be an integer ≥ 1, got ${W}`);
  return codePlan(coding, W);
}

export async function prepareLayerCodes(gpu: Gpu, args: LayerCodesArgs, version = 'v1'): Promise<PreparedOp> {
  const name = layerCodesKernel.name;
  const { x, codes, rowOffset, plan, edges, minmax } = args;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'codes', codes, 'u32');
  expectDtype(name, 'edges', edges, 'f32');
  expectDtype(name, 'minmax', minmax, 'f32');
  const [R, rows, W] = expectChunk(name, x);
  if (codes.shape.length !== 3 || codes.shape[0] !== R || codes.shape[2] !== 2) {
    throw new ShapeError(
      `${name}: codes [${codes.shape.join(', ')}] must be [R, n, 2] for x [${x.shape.join(', ')}]`,
    );
  }
  const n = codes.shape[1];
  if (!Number.isInteger(rowOffset) || rowOffset < 0 || rowOffset + rows > n) {
    throw new ShapeError(
      `${name}: rows ${rowOffset}…${rowOffset + rows - 1} of x [${x.shape.join(', ')}] do not fit codes [${codes.shape.join(', ')}]`,
    );
  }
  if (plan.W !== W) throw new ShapeError(`${name}: the plan is for W = ${plan.W}, x [${x.shape.join(', ')}]`);
  if (plan.coding.mode === 'fixed' && edges.size < plan.B) {
    throw new ShapeError(`${name}: edges [${edges.shape.join(', ')}] holds fewer than the ${plan.B} edges`);
  }
  if (plan.coding.mode === 'adaptive') expectShape(name, 'minmax', minmax, [R, 2]);
  const tuning = { ...LAYER_CODES_TUNING, MODE: plan.mode };
  const pipeline = await kernelPipeline(gpu, layerCodesKernel, version, tuning);
  const params = createUniform(
    gpu,
    CodesParams,
    {
      R,
      rows,
      W,
      n,
      rowOffset,
      bits: plan.bits,
      per: plan.per,
      nWords: plan.nWords,
      B: plan.B,
      threshold: plan.threshold,
      width: plan.width,
      invWidth: plan.invWidth,
      tMax: plan.tMax,
    },
    `${name} params`,
  );
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(layerCodesKernel.layout, {
      params,
      x: x.buffer,
      edges: edges.buffer,
      minmax: minmax.buffer,
      codes: codes.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, flatGrid(gpu, R * rows, tuning.WG));
}
