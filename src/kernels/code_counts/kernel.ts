/**
 * Wrapper of shaders/code_counts.wgsl (spec: ./ref.ts): exact counts per code and per (code, label),
 * in open-addressing tables; and the table sizes and status words the counting stage shares.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import codeCountsV1 from '../../../shaders/code_counts.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readU32, rwU32 } from '../layout.ts';

/** Status bits (status word per layer): a table that could not take a key (never expected). */
export const STATUS_TABLE_FULL = 1;
export const STATUS_COC_FULL = 2;

/** The smallest power of two ≥ x. */
export const pow2AtLeast = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/**
 * Table sizes for n samples and C classes: S slots per replica and kind (codes; (code, label) pairs),
 * at least 2n so the tables stay at most half full; S2 slots of the count-of-counts table, at least
 * twice the bound √(2n) + √(2nC) on the distinct (label', k) keys.
 */
export function countTableSizes(n: number, C: number): { S: number; S2: number } {
  const keys = Math.ceil(Math.sqrt(2 * n)) + Math.ceil(Math.sqrt(2 * n * C)) + 1;
  return { S: pow2AtLeast(2 * n), S2: pow2AtLeast(2 * keys) };
}

/** Keys k·(C + 1) + y' must fit a u32 (k ≤ n). */
export function checkCountKeys(name: string, n: number, C: number): void {
  if (!Number.isInteger(C) || C < 1)
    throw new ShapeError(`${name}: classes must be an integer ≥ 1, got ${C}`);
  if ((n + 1) * (C + 1) >= 2 ** 32) {
    throw new ShapeError(`${name}: n = ${n} samples × ${C} classes overflow the u32 count-of-counts keys`);
  }
}

const CountParams = d.struct({ R: d.u32, n: d.u32, S: d.u32, statusIndex: d.u32, r0: d.u32 });

export const codeCountsKernel = {
  name: 'code_counts',
  versions: { v1: codeCountsV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: CountParams },
    codes: readU32,
    labels: readU32,
    table: rwU32,
    status: rwU32,
  }),
} satisfies KernelDef;

export const CODE_COUNTS_TUNING = { WG: 64 };

export interface CodeCountsArgs {
  /** u32 [R, n, 2] */
  codes: Tensor<'u32'>;
  /** u32 [n] */
  labels: Tensor<'u32'>;
  /**
   * u32 [G, 2, S, 2], zero before the dispatch (S a power of two ≥ 2n): tables for the G replicas
   * r0 … r0 + G − 1 (G = R and r0 = 0 unless the tables are reused group after group)
   */
  table: Tensor<'u32'>;
  /** u32 [≥ statusIndex + 1] */
  status: Tensor<'u32'>;
  statusIndex?: number;
  /** The first replica of the group. */
  r0?: number;
}

/** The status word the counting kernels flag overflows in. */
export function expectStatusWord(name: string, status: Tensor, statusIndex: number): void {
  if (statusIndex >= status.size)
    throw new ShapeError(`${name}: no status word ${statusIndex} in [${status.shape}]`);
}

/** Replica groups: a table [G, 2, S, 2] for replicas r0 … r0 + G − 1 of R. */
export function expectGroup(name: string, table: Tensor, R: number, r0: number): [number, number] {
  const [G, , S] = table.shape;
  expectShape(name, 'table', table, [G, 2, S, 2]);
  if (!Number.isInteger(r0) || r0 < 0 || G < 1 || r0 + G > R) {
    throw new ShapeError(
      `${name}: table [${table.shape.join(', ')}] for replicas ${r0}…${r0 + G - 1} does not fit R = ${R}`,
    );
  }
  return [G, S];
}

export async function prepareCodeCounts(
  gpu: Gpu,
  { codes, labels, table, status, statusIndex = 0, r0 = 0 }: CodeCountsArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = codeCountsKernel.name;
  expectDtype(name, 'codes', codes, 'u32');
  expectDtype(name, 'labels', labels, 'u32');
  expectDtype(name, 'table', table, 'u32');
  expectDtype(name, 'status', status, 'u32');
  if (codes.shape.length !== 3 || codes.shape[2] !== 2) {
    throw new ShapeError(`${name}: codes must be [R, n, 2], got [${codes.shape.join(', ')}]`);
  }
  const [R, n] = codes.shape;
  expectShape(name, 'labels', labels, [n]);
  const [G, S] = expectGroup(name, table, R, r0);
  if (S < 2 * n || S !== pow2AtLeast(S)) {
    throw new ShapeError(`${name}: table [${table.shape.join(', ')}] needs S a power of two ≥ 2n = ${2 * n}`);
  }
  expectStatusWord(name, status, statusIndex);
  const pipeline = await kernelPipeline(gpu, codeCountsKernel, version, CODE_COUNTS_TUNING);
  const params = createUniform(gpu, CountParams, { R: G, n, S, statusIndex, r0 }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(codeCountsKernel.layout, {
      params,
      codes: codes.buffer,
      labels: labels.buffer,
      table: table.buffer,
      status: status.buffer,
    }),
  );
  return preparedOp(
    gpu,
    `${name} ${version}`,
    pipeline,
    bindGroup,
    flatGrid(gpu, G * n, CODE_COUNTS_TUNING.WG),
  );
}
