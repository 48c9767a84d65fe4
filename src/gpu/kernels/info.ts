/**
 * Wrappers of the information-plane kernels (docs/METHOD.md §3; the spec is src/ref/info.ts):
 *
 *   layer_minmax     per replica [min, max] of a layer over the estimation set, chunk by chunk (adaptive)
 *   layer_codes      each sample's layer vector → a 64-bit code, into codes u32[R, n, 2] at rowOffset
 *   fill_u32         clears the counting tables inside a compute pass
 *   code_counts      exact counts per code and per (code, label), open-addressing tables
 *   count_of_counts  the (k, m_k) pairs per replica (and per label): all the entropies need
 *
 * src/info/estimator.ts strings them together for a whole network; these are the single dispatches.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import codeCountsV1 from '../../../shaders/code_counts.wgsl?raw';
import countOfCountsV1 from '../../../shaders/count_of_counts.wgsl?raw';
import fillV1 from '../../../shaders/fill_u32.wgsl?raw';
import codesV1 from '../../../shaders/layer_codes.wgsl?raw';
import minmaxV1 from '../../../shaders/layer_minmax.wgsl?raw';
import { validateLayerCoding } from '../../info/settings.ts';
import { type CodePlan, codePlan } from '../../ref/info.ts';
import type { Gpu } from '../device.ts';
import { ShapeError } from '../errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../kernel.ts';
import { checkWorkgroupSize } from '../limits.ts';
import { expectDtype, expectShape, type Tensor } from '../tensor.ts';
import { createUniform } from '../uniform.ts';
import { readF32, readU32, rwF32, rwU32 } from './layout.ts';

/** `x` must be [R, rows, W]; returns the sizes or throws a ShapeError naming the shape. */
function expectChunk(name: string, x: Tensor): [number, number, number] {
  if (x.shape.length !== 3) {
    throw new ShapeError(`${name}: x must be [R, rows, W], got [${x.shape.join(', ')}]`);
  }
  const [R, rows, W] = x.shape;
  if (R < 1 || rows < 1 || W < 1) {
    throw new ShapeError(`${name}: x [${x.shape.join(', ')}] is empty; every size must be ≥ 1`);
  }
  return [R, rows, W];
}

// ---------------------------------------------------------------------------------------------------
// layer_minmax

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

// ---------------------------------------------------------------------------------------------------
// layer_codes

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

// ---------------------------------------------------------------------------------------------------
// fill_u32

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

// ---------------------------------------------------------------------------------------------------
// code_counts and count_of_counts

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
function expectStatusWord(name: string, status: Tensor, statusIndex: number): void {
  if (statusIndex >= status.size)
    throw new ShapeError(`${name}: no status word ${statusIndex} in [${status.shape}]`);
}

/** Replica groups: a table [G, 2, S, 2] for replicas r0 … r0 + G − 1 of R. */
function expectGroup(name: string, table: Tensor, R: number, r0: number): [number, number] {
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
