/**
 * Wrapper of shaders/reduce_rows.wgsl: out f32[R,N] = scale · Σ_b x[R,B,N], in a fixed order.
 * scale = 1 sums (bias gradients); scale = 1/B averages (the mean of per-sample losses, N = 1).
 *
 * Also home of `columnReduceShape`, the workgroup shape of every kernel that reduces [R,B,N] over B per
 * column (reduce_rows, batchnorm_forward, batchnorm_backward).
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import v1 from '../../../shaders/reduce_rows.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { ceilDiv, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { checkWorkgroupSize } from '../../gpu/limits.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32 } from '../layout.ts';

/**
 * Column reductions: a workgroup of THREADS invocations (a power of two) covers WG_N adjacent columns ×
 * WG_B batch lanes, WG_N = min(MAX_WG_N, the power of two ≥ N), WG_B = THREADS / WG_N. A narrow layer
 * (N = 1: a loss) thus gets all THREADS lanes on its one column, a wide one coalesced rows of MAX_WG_N.
 * The sum order depends only on (WG_N, WG_B), hence only on N: results are bit-identical run to run.
 */
export const COLUMN_REDUCE_TUNING = { THREADS: 64, MAX_WG_N: 16 };

/** The override constants (WG_N, WG_B) and grid of a column reduction over [R, B, N]. */
export function columnReduceShape(
  gpu: Gpu,
  name: string,
  R: number,
  N: number,
): { constants: { WG_N: number; WG_B: number }; groups: [number, number, number] } {
  const { THREADS, MAX_WG_N } = COLUMN_REDUCE_TUNING;
  let WG_N = 1;
  while (WG_N < N && WG_N < MAX_WG_N) WG_N *= 2;
  const WG_B = THREADS / WG_N;
  checkWorkgroupSize(gpu, name, [WG_N, WG_B, 1]);
  return { constants: { WG_N, WG_B }, groups: [ceilDiv(N, WG_N), 1, R] };
}

/** `x` must be [R, B, N]; returns the three sizes or throws a ShapeError naming the shape. */
export function expectRBN(name: string, what: string, x: Tensor): [number, number, number] {
  if (x.shape.length !== 3) {
    throw new ShapeError(`${name}: ${what} must be [R, B, N], got [${x.shape.join(', ')}]`);
  }
  const [R, B, N] = x.shape;
  return [R, B, N];
}

const Params = d.struct({ R: d.u32, B: d.u32, N: d.u32, scale: d.f32 });

export const reduceRowsKernel = {
  name: 'reduce_rows',
  versions: { v1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: Params }, x: readF32, out: rwF32 }),
} satisfies KernelDef;

export interface ReduceRowsArgs {
  /** f32 [R, B, N] */
  x: Tensor<'f32'>;
  /** f32 [R, N] */
  out: Tensor<'f32'>;
  /** 1 for a sum (the default), 1/B for a mean. */
  scale?: number;
  /** Add to `out` instead of overwriting it (summing over chunks of a large set, in dispatch order). */
  accumulate?: boolean;
}

export async function prepareReduceRows(
  gpu: Gpu,
  { x, out, scale = 1, accumulate = false }: ReduceRowsArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = reduceRowsKernel.name;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'out', out, 'f32');
  const [R, B, N] = expectRBN(name, 'x', x);
  expectShape(name, 'out', out, [R, N]);
  if (!Number.isFinite(scale)) throw new ShapeError(`${name}: scale must be finite, got ${scale}`);
  const { constants, groups } = columnReduceShape(gpu, name, R, N);
  const pipeline = await kernelPipeline(gpu, reduceRowsKernel, version, {
    ...constants,
    ACCUMULATE: Number(accumulate),
  });
  const params = createUniform(gpu, Params, { R, B, N, scale }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(reduceRowsKernel.layout, { params, x: x.buffer, out: out.buffer }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, groups);
}
