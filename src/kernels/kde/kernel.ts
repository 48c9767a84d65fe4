/**
 * Wrappers of shaders/kde_pairwise.wgsl (v1, v2) and shaders/kde_reduce.wgsl: the pairwise log-sums of
 * the KDE upper bound and their fixed-order per-(replica, class) sums; the bound itself is computed in
 * float64 by src/info/kde.ts. O(n²·W) per replica: the caller caps n.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import pairwiseV2 from '../../../shaders/kde_pairwise.v2.wgsl?raw';
import pairwiseV1 from '../../../shaders/kde_pairwise.wgsl?raw';
import reduceV1 from '../../../shaders/kde_reduce.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import {
  ceilDiv,
  flatGrid,
  type KernelDef,
  kernelPipeline,
  type PreparedOp,
  preparedOp,
} from '../../gpu/kernel.ts';
import { checkWorkgroupSize } from '../../gpu/limits.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, readU32, rwF32 } from '../layout.ts';

const PairwiseParams = d.struct({ R: d.u32, n: d.u32, W: d.u32, scale: d.f32 });

export const kdePairwiseKernel = {
  name: 'kde_pairwise',
  versions: { v1: pairwiseV1, v2: pairwiseV2 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: PairwiseParams },
    acts: readF32,
    labels: readU32,
    out: rwF32,
  }),
} satisfies KernelDef;

/**
 * v2 stages TILE floats (and LABEL_TILE labels) of t_j rows per step: 12 KiB of workgroup memory on a
 * GPU. Software adapters get small tiles: SwiftShader's pipeline compile time grows with the workgroup
 * arrays (measured: 13 s at 2048 + 1024, 3 s at 512 + 128), and tiles buy nothing on a CPU.
 */
export const KDE_PAIRWISE_TUNING = { WG: 64, TILE: 2048, LABEL_TILE: 1024 };
export const KDE_PAIRWISE_SOFTWARE_TILES = { TILE: 512, LABEL_TILE: 128 };

function kdeTiles(gpu: Gpu): { TILE: number; LABEL_TILE: number } {
  return gpu.adapter.software ? KDE_PAIRWISE_SOFTWARE_TILES : KDE_PAIRWISE_TUNING;
}

/** The version for a layer of W units: the tiled v2 when a row fits its tile. */
export const kdePairwiseVersion = (gpu: Gpu, W: number): string => (W <= kdeTiles(gpu).TILE ? 'v2' : 'v1');

export interface KdePairwiseArgs {
  /** f32 [R, n, W]: one layer's activations over the whole (capped) estimation set */
  acts: Tensor<'f32'>;
  /** u32 [n] */
  labels: Tensor<'u32'>;
  /** f32 [R, n, 2]: (lse_all, lse_class) */
  out: Tensor<'f32'>;
  /** The noise variance σ² (> 0). */
  sigma2: number;
}

export async function prepareKdePairwise(
  gpu: Gpu,
  { acts, labels, out, sigma2 }: KdePairwiseArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = kdePairwiseKernel.name;
  expectDtype(name, 'acts', acts, 'f32');
  expectDtype(name, 'labels', labels, 'u32');
  expectDtype(name, 'out', out, 'f32');
  if (acts.shape.length !== 3 || acts.shape.some((s) => s < 1)) {
    throw new ShapeError(`${name}: acts must be a non-empty [R, n, W], got [${acts.shape.join(', ')}]`);
  }
  const [R, n, W] = acts.shape;
  expectShape(name, 'labels', labels, [n]);
  expectShape(name, 'out', out, [R, n, 2]);
  if (!(sigma2 > 0) || !Number.isFinite(sigma2))
    throw new ShapeError(`${name}: σ² must be > 0, got ${sigma2}`);
  const { WG } = KDE_PAIRWISE_TUNING;
  const { TILE, LABEL_TILE } = kdeTiles(gpu);
  if (version === 'v2' && W > TILE) {
    throw new ShapeError(`${name} v2: W = ${W} exceeds its tile of ${TILE} floats; use v1`);
  }
  checkWorkgroupSize(gpu, name, [WG, 1, 1]);
  const constants: Record<string, number> = version === 'v2' ? { WG, TILE, LABEL_TILE } : { WG };
  const pipeline = await kernelPipeline(gpu, kdePairwiseKernel, version, constants);
  const scale = 1 / (2 * sigma2);
  const params = createUniform(gpu, PairwiseParams, { R, n, W, scale }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(kdePairwiseKernel.layout, {
      params,
      acts: acts.buffer,
      labels: labels.buffer,
      out: out.buffer,
    }),
  );
  const groups: [number, number, number] =
    version === 'v2' ? [ceilDiv(n, WG), R, 1] : flatGrid(gpu, R * n, WG);
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, groups);
}

const ReduceParams = d.struct({ R: d.u32, n: d.u32, C: d.u32 });

export const kdeReduceKernel = {
  name: 'kde_reduce',
  versions: { v1: reduceV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: ReduceParams },
    lse: readF32,
    labels: readU32,
    sums: rwF32,
  }),
} satisfies KernelDef;

export const KDE_REDUCE_TUNING = { WG: 64 };

export interface KdeReduceArgs {
  /** f32 [R, n, 2] from kde_pairwise */
  lse: Tensor<'f32'>;
  /** u32 [n], every label < classes */
  labels: Tensor<'u32'>;
  /** f32 [R, classes + 1]: per class y the sum of lse_class over its samples; [C] the sum of lse_all */
  sums: Tensor<'f32'>;
  classes: number;
}

export async function prepareKdeReduce(
  gpu: Gpu,
  { lse, labels, sums, classes }: KdeReduceArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = kdeReduceKernel.name;
  expectDtype(name, 'lse', lse, 'f32');
  expectDtype(name, 'labels', labels, 'u32');
  expectDtype(name, 'sums', sums, 'f32');
  if (lse.shape.length !== 3 || lse.shape[2] !== 2) {
    throw new ShapeError(`${name}: lse must be [R, n, 2], got [${lse.shape.join(', ')}]`);
  }
  const [R, n] = lse.shape;
  if (!Number.isInteger(classes) || classes < 1)
    throw new ShapeError(`${name}: classes must be ≥ 1, got ${classes}`);
  expectShape(name, 'labels', labels, [n]);
  expectShape(name, 'sums', sums, [R, classes + 1]);
  const pipeline = await kernelPipeline(gpu, kdeReduceKernel, version, KDE_REDUCE_TUNING);
  const params = createUniform(gpu, ReduceParams, { R, n, C: classes }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(kdeReduceKernel.layout, {
      params,
      lse: lse.buffer,
      labels: labels.buffer,
      sums: sums.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [classes + 1, R, 1]);
}
