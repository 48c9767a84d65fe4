/**
 * Wrapper of shaders/count_of_counts.wgsl (spec: ../code_counts/ref.ts): the (k, m_k) pairs per
 * replica (and per label) that all the entropies need, and their decoding on the host.
 */

import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import countOfCountsV1 from '../../../shaders/count_of_counts.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import {
  checkCountKeys,
  countTableSizes,
  expectGroup,
  expectStatusWord,
  pow2AtLeast,
} from '../code_counts/kernel.ts';
import { readU32, rwU32 } from '../layout.ts';

const CocParams = d.struct({ R: d.u32, S: d.u32, C: d.u32, S2: d.u32, statusIndex: d.u32, r0: d.u32 });

export const countOfCountsKernel = {
  name: 'count_of_counts',
  versions: { v1: countOfCountsV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: CocParams },
    labels: readU32,
    table: rwU32,
    coc: rwU32,
    status: rwU32,
  }),
} satisfies KernelDef;

export const COUNT_OF_COUNTS_TUNING = { WG: 64 };

export interface CountOfCountsArgs {
  /** u32 [n] */
  labels: Tensor<'u32'>;
  /** u32 [G, 2, S, 2] from code_counts, for replicas r0 … r0 + G − 1 */
  table: Tensor<'u32'>;
  /** u32 [R, S2, 2], zero before the first group */
  coc: Tensor<'u32'>;
  /** u32 [≥ statusIndex + 1] */
  status: Tensor<'u32'>;
  statusIndex?: number;
  classes: number;
  /** The first replica of the group. */
  r0?: number;
}

export async function prepareCountOfCounts(
  gpu: Gpu,
  { labels, table, coc, status, statusIndex = 0, classes, r0 = 0 }: CountOfCountsArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = countOfCountsKernel.name;
  expectDtype(name, 'labels', labels, 'u32');
  expectDtype(name, 'table', table, 'u32');
  expectDtype(name, 'coc', coc, 'u32');
  expectDtype(name, 'status', status, 'u32');
  if (coc.shape.length !== 3 || coc.shape[2] !== 2) {
    throw new ShapeError(`${name}: coc must be [R, S2, 2], got [${coc.shape.join(', ')}]`);
  }
  const [R, S2] = coc.shape;
  const [G, S] = expectGroup(name, table, R, r0);
  const n = labels.size;
  checkCountKeys(name, n, classes);
  if (S2 !== pow2AtLeast(S2) || S2 < countTableSizes(n, classes).S2) {
    throw new ShapeError(
      `${name}: coc [${coc.shape.join(', ')}] needs S2 a power of two ≥ ${countTableSizes(n, classes).S2}`,
    );
  }
  expectStatusWord(name, status, statusIndex);
  const pipeline = await kernelPipeline(gpu, countOfCountsKernel, version, COUNT_OF_COUNTS_TUNING);
  const params = createUniform(
    gpu,
    CocParams,
    { R: G, S, C: classes, S2, statusIndex, r0 },
    `${name} params`,
  );
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(countOfCountsKernel.layout, {
      params,
      labels: labels.buffer,
      table: table.buffer,
      coc: coc.buffer,
      status: status.buffer,
    }),
  );
  return preparedOp(
    gpu,
    `${name} ${version}`,
    pipeline,
    bindGroup,
    flatGrid(gpu, G * 2 * S, COUNT_OF_COUNTS_TUNING.WG),
  );
}

/**
 * The (k, m) pairs of a count-of-counts table read back (u32 [R, S2, 2] as key, m per slot), for replica
 * r, split by label': keys k·(C + 1) + y' with y' = C for all samples, y' < C per label; sorted by k.
 */
export function decodeCountOfCounts(
  coc: Uint32Array,
  r: number,
  S2: number,
  C: number,
): { all: { k: number; m: number }[]; perLabel: { k: number; m: number }[][] } {
  const all: { k: number; m: number }[] = [];
  const perLabel: { k: number; m: number }[][] = Array.from({ length: C }, () => []);
  for (let s = 0; s < S2; s++) {
    const key = coc[(r * S2 + s) * 2];
    if (key === 0) continue;
    const m = coc[(r * S2 + s) * 2 + 1];
    const y = key % (C + 1);
    const k = (key - y) / (C + 1);
    (y === C ? all : perLabel[y]).push({ k, m });
  }
  all.sort((a, b) => a.k - b.k);
  for (const l of perLabel) l.sort((a, b) => a.k - b.k);
  return { all, perLabel };
}
