/**
 * The information-plane estimator on the GPU, for every layer of R replicas at one logged epoch.
 *
 *   const est = await createLayerEstimator(gpu, {
 *     R, n, classes, labels,                       // the estimation set: n samples, labels u32 < classes
 *     layers: plan.layers.map((l) => ({ width: l.width, coding: layerCoding(settings, l.binary) })),
 *     millerMadow: settings.millerMadow,
 *   });
 *   // Once, at setup: per chunk of the estimation set (rows rowOffset…) and layer l, with acts the
 *   // chunk's activations f32 [R, rows, W_l] that the forward pass writes:
 *   const { minmax, codes } = await est.prepareChunk(l, acts, rowOffset);
 *   // At each logged epoch, encoded into one compute pass (or a few):
 *   //   if (est.needsMinMax): for each chunk: forward ops, then every layer's `minmax` op (non-null only
 *   //                          for adaptive layers; the chunk at rowOffset 0 must come first)
 *   //   for each chunk: forward ops, then every layer's `codes` op
 *   //   est.countOps (all layers: count, count of counts, which leaves the shared tables empty; 3 dispatches a layer)
 *   const estimates = await est.read();        // InfoEstimate[layer][replica]: one submit, one read-back
 *
 * Memory: codes u32 [R, n, 2] per layer (8·R·n bytes); the counting tables, shared by every layer,
 * u32 [G, 2, S, 2] with S = pow2 ≥ 2n (16·S bytes per replica), for G replicas at a time: G = R when that
 * fits TABLE_BUDGET_BYTES (64 MiB), else replicas are counted in groups of G through the same tables;
 * small count-of-counts tables per layer. `estimatorBytes` adds them up. For n = 70 000 and R = 8: 4.5 MiB
 * of codes per layer, 32 MiB of tables. Only the count-of-counts tables are read back
 * (≤ 2·(√(2n) + √(2nC)) pairs per replica and layer, rounded up to a power of two).
 *
 * Results are exact integer counts turned into entropies in float64 on the CPU (src/info/entropy.ts), in
 * an order independent of the GPU's thread timing: the same codes give bit-identical numbers.
 *
 * KDE (float layers, optional): nn/kde-estimator.ts's `createKdeEstimator(gpu, { acts, labels, classes, sigma2 })` over one
 * f32 [R, n, W] tensor holding the whole (capped) set → `ops` to encode, `read()` → KdeEstimate per replica.
 */
import type { Gpu } from '../gpu/device.ts';
import { ShapeError } from '../gpu/errors.ts';
import type { PreparedOp } from '../gpu/kernel.ts';
import { submit } from '../gpu/submit.ts';
import { createTensor, destroyTensors, type HostArray, type Tensor, viewTensor } from '../gpu/tensor.ts';
import { type CodeHistogram, estimateFromHistogram, type InfoEstimate } from '../info/entropy.ts';
import type { LayerCoding } from '../info/settings.ts';
import {
  checkCountKeys,
  countTableSizes,
  prepareCodeCounts,
  STATUS_COC_FULL,
  STATUS_TABLE_FULL,
} from '../kernels/code_counts/kernel.ts';
import { decodeCountOfCounts, prepareCountOfCounts } from '../kernels/count_of_counts/kernel.ts';
import { prepareFillU32 } from '../kernels/fill_u32/kernel.ts';
import { layerCodePlan, prepareLayerCodes } from '../kernels/layer_codes/kernel.ts';
import type { CodePlan } from '../kernels/layer_codes/ref.ts';
import { prepareLayerMinMax } from '../kernels/layer_minmax/kernel.ts';

export interface EstimatorLayer {
  /** Units W of the layer. */
  width: number;
  /** How its activation vectors become codes (settings.ts: layerCoding). */
  coding: LayerCoding;
}

export interface LayerEstimatorOptions {
  /** Replicas. */
  R: number;
  /** Samples in the estimation set. */
  n: number;
  /** Classes C; every label is < C. */
  classes: number;
  /** The n labels of the estimation set, in the order the chunks cover it (the same for every replica). */
  labels: ArrayLike<number>;
  layers: readonly EstimatorLayer[];
  /** Report Miller–Madow-corrected entropies as the main values (both are always in the estimate). */
  millerMadow?: boolean;
  /** The counting tables' size limit (default TABLE_BUDGET_BYTES); replicas are counted in groups. */
  tableBudgetBytes?: number;
}

export interface ChunkOps {
  /** Folds the chunk into the layer's [min, max] (adaptive layers; null otherwise). */
  minmax: PreparedOp | null;
  /** Writes the chunk's codes. */
  codes: PreparedOp;
}

export interface LayerEstimator {
  readonly R: number;
  readonly n: number;
  readonly classes: number;
  /** Samples per class. */
  readonly labelCounts: readonly number[];
  readonly plans: readonly CodePlan[];
  /** Whether some layer is adaptive (its codes need the min/max pass over every chunk first). */
  readonly needsMinMax: boolean;
  /** The labels on the GPU, u32 [n]. */
  readonly labels: Tensor<'u32'>;
  /** Per layer, the codes u32 [R, n, 2] (for checks and dumps). */
  readonly codes: readonly Tensor<'u32'>[];
  /** Per layer, [min, max] f32 [R, 2] (adaptive layers; undefined otherwise). */
  readonly minmax: readonly (Tensor<'f32'> | undefined)[];
  /** The counting of every layer, in order: encode after all codes are written. */
  readonly countOps: readonly PreparedOp[];
  /** The counting of one layer. */
  layerCountOps(layer: number): readonly PreparedOp[];
  /** The ops of one chunk (rows rowOffset… of the set) of one layer; acts f32 [R, rows, W]. */
  prepareChunk(layer: number, acts: Tensor<'f32'>, rowOffset: number): Promise<ChunkOps>;
  /** Reads every layer's count of counts (one submit): histograms[layer][replica]. */
  readHistograms(): Promise<CodeHistogram[][]>;
  /**
   * Encodes the copy of every layer's count of counts into the estimator's own read-back buffer, after
   * `countOps`: the counts then come back with the caller's submit, and `readEncoded` maps them alongside
   * the caller's own read-back (no second submit, no second round trip per logged epoch).
   */
  encodeReadback(enc: GPUCommandEncoder): void;
  /** After the submit that ran `encodeReadback`: estimates[layer][replica]. */
  readEncoded(): Promise<InfoEstimate[][]>;
  /** readHistograms turned into estimates[layer][replica]. */
  read(): Promise<InfoEstimate[][]>;
  destroy(): void;
}

/** The counting tables' size limit: replicas are counted G at a time so the tables stay below it. */
export const TABLE_BUDGET_BYTES = 64 * 1024 * 1024;

/** Replicas counted per group: as many as fit TABLE_BUDGET_BYTES (at least 1). */
export function tableGroup(R: number, n: number, classes: number, budget = TABLE_BUDGET_BYTES): number {
  const { S } = countTableSizes(n, classes);
  return Math.max(1, Math.min(R, Math.floor(budget / (16 * S))));
}

/** Bytes of GPU memory the estimator allocates (codes, tables, count-of-counts, small buffers). */
export function estimatorBytes(R: number, n: number, classes: number, layers: number): number {
  const { S, S2 } = countTableSizes(n, classes);
  const G = tableGroup(R, n, classes);
  return 4 * (layers * R * n * 2 + G * 4 * S + layers * R * S2 * 2 + n + layers);
}

/** Where each tensor lands in a shared read-back buffer. */
function readbackLayout(ts: readonly Tensor[]): { offsets: number[]; bytes: number } {
  const offsets: number[] = [];
  let bytes = 0;
  for (const t of ts) {
    offsets.push(bytes);
    bytes += Math.max(1, t.size) * 4;
  }
  return { offsets, bytes: Math.max(4, bytes) };
}

function encodeCopies(
  gpu: Gpu,
  enc: GPUCommandEncoder,
  ts: readonly Tensor[],
  to: GPUBuffer,
  offsets: number[],
) {
  ts.forEach((t, i) => {
    enc.copyBufferToBuffer(gpu.root.unwrap(t.buffer), 0, to, offsets[i], Math.max(1, t.size) * 4);
  });
}

/** Maps a read-back buffer and splits it into one host array per tensor. */
async function mapCopies<T extends 'u32' | 'f32'>(
  staging: GPUBuffer,
  ts: readonly Tensor<T>[],
  offsets: number[],
): Promise<HostArray<T>[]> {
  await staging.mapAsync(GPUMapMode.READ);
  const all = staging.getMappedRange().slice(0);
  staging.unmap();
  return ts.map((t, i) => {
    const C = t.dtype === 'f32' ? Float32Array : Uint32Array;
    return new C(all, offsets[i], t.size) as HostArray<T>;
  });
}

/** Copies several tensors back in one submit and one map. */
export async function readTensors<T extends 'u32' | 'f32'>(
  gpu: Gpu,
  ts: readonly Tensor<T>[],
): Promise<HostArray<T>[]> {
  const { offsets, bytes } = readbackLayout(ts);
  const staging = gpu.device.createBuffer({
    size: bytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    label: 'estimator read-back',
  });
  try {
    await submit(gpu, 'estimator read-back', (enc) => encodeCopies(gpu, enc, ts, staging, offsets));
    return await mapCopies(staging, ts, offsets);
  } finally {
    staging.destroy();
  }
}

/** Checks n labels below `classes` (a ShapeError names the bad one); returns the count per class. */
export function checkLabels(name: string, labels: ArrayLike<number>, n: number, classes: number): number[] {
  if (labels.length !== n) throw new ShapeError(`${name}: ${labels.length} labels for n = ${n} samples`);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new ShapeError(`${name}: label ${y} of sample ${i} is outside 0…${classes - 1}`);
    }
    counts[y]++;
  }
  return counts;
}

export async function createLayerEstimator(
  gpu: Gpu,
  options: LayerEstimatorOptions,
): Promise<LayerEstimator> {
  const name = 'information estimator';
  const { R, n, classes, layers } = options;
  if (!Number.isInteger(R) || R < 1) throw new ShapeError(`${name}: R must be an integer ≥ 1, got ${R}`);
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(`${name}: n must be an integer ≥ 1, got ${n}`);
  checkCountKeys(name, n, classes);
  const labelCounts = checkLabels(name, options.labels, n, classes);
  const plans = layers.map((l) => layerCodePlan(l.coding, l.width));
  const { S, S2 } = countTableSizes(n, classes);
  const G = tableGroup(R, n, classes, options.tableBudgetBytes);
  const L = layers.length;

  const owned: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  try {
    const labels = own(createTensor(gpu, 'u32', [n], 'estimation labels', Uint32Array.from(options.labels)));
    const table = own(createTensor(gpu, 'u32', [G, 2, S, 2], 'code count tables'));
    const status = own(createTensor(gpu, 'u32', [Math.max(1, L)], 'estimator status'));
    const dummy = own(createTensor(gpu, 'f32', [1], 'unused'));
    const codes = plans.map((_, l) => own(createTensor(gpu, 'u32', [R, n, 2], `layer ${l} codes`)));
    const cocs = plans.map((_, l) => own(createTensor(gpu, 'u32', [R, S2, 2], `layer ${l} count of counts`)));
    const edges = plans.map((p, l) =>
      p.coding.mode === 'fixed'
        ? own(createTensor(gpu, 'f32', [p.B], `layer ${l} bin edges`, p.edges))
        : undefined,
    );
    const minmax = plans.map((p, l) =>
      p.coding.mode === 'adaptive' ? own(createTensor(gpu, 'f32', [R, 2], `layer ${l} min/max`)) : undefined,
    );

    // Per layer: its status word cleared (for layerCountOps), then its counting. countOps clears every
    // status word in one dispatch instead: on a software adapter each dispatch costs ~0.5 ms.
    const perLayer: PreparedOp[][] = [];
    const statusFills: PreparedOp[] = [];
    for (let l = 0; l < L; l++) {
      statusFills.push(await prepareFillU32(gpu, { out: status, offset: l, count: 1 }));
      const ops = [await prepareFillU32(gpu, { out: cocs[l] })];
      for (let r0 = 0; r0 < R; r0 += G) {
        const t = R - r0 >= G ? table : viewTensor(table, [R - r0, 2, S, 2]);
        const group = { labels, table: t, status, statusIndex: l, r0 };
        // No fill of the table: it starts zeroed (WebGPU), and count_of_counts empties every slot it reads.
        ops.push(
          await prepareCodeCounts(gpu, { ...group, codes: codes[l] }),
          await prepareCountOfCounts(gpu, { ...group, coc: cocs[l], classes }),
        );
      }
      perLayer.push(ops);
    }

    const readbackTensors = [status, ...cocs];
    const layout = readbackLayout(readbackTensors);
    let staging: GPUBuffer | undefined; // encodeReadback's buffer, made on first use
    const histograms = (got: Uint32Array[]): CodeHistogram[][] => {
      const st = got[0];
      return plans.map((_, l) => {
        if (st[l] !== 0) {
          const what = [
            st[l] & STATUS_TABLE_FULL ? 'the code table overflowed' : '',
            st[l] & STATUS_COC_FULL ? 'the count-of-counts table overflowed' : '',
          ].filter(Boolean);
          throw new Error(`${name}: layer ${l}: ${what.join(', ') || `status ${st[l]}`}; no estimate`);
        }
        return Array.from({ length: R }, (_, r) => ({
          n,
          ...decodeCountOfCounts(got[1 + l], r, S2, classes),
        }));
      });
    };
    const estimates = (hs: CodeHistogram[][]) =>
      hs.map((perReplica) =>
        perReplica.map((h) => estimateFromHistogram(h, { millerMadow: options.millerMadow })),
      );
    const readHistograms = async (): Promise<CodeHistogram[][]> =>
      histograms(await readTensors(gpu, readbackTensors));

    return {
      R,
      n,
      classes,
      labelCounts,
      plans,
      needsMinMax: plans.some((p) => p.coding.mode === 'adaptive'),
      labels,
      codes,
      minmax,
      countOps: [await prepareFillU32(gpu, { out: status }), ...perLayer.flat()],
      layerCountOps: (l) => [statusFills[l], ...perLayer[l]],
      async prepareChunk(l, acts, rowOffset) {
        const plan = plans[l];
        if (!plan) throw new ShapeError(`${name}: no layer ${l} (${L} layers)`);
        const mm = minmax[l];
        return {
          minmax: mm
            ? await prepareLayerMinMax(gpu, { x: acts, out: mm, accumulate: rowOffset !== 0 })
            : null,
          codes: await prepareLayerCodes(gpu, {
            x: acts,
            codes: codes[l],
            rowOffset,
            plan,
            edges: edges[l] ?? dummy,
            minmax: mm ?? dummy,
          }),
        };
      },
      readHistograms,
      async read() {
        return estimates(await readHistograms());
      },
      encodeReadback(enc) {
        staging ??= gpu.device.createBuffer({
          size: layout.bytes,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
          label: 'estimator read-back (with the epoch)',
        });
        encodeCopies(gpu, enc, readbackTensors, staging, layout.offsets);
      },
      async readEncoded() {
        if (!staging) throw new Error(`${name}: readEncoded() without encodeReadback()`);
        return estimates(histograms(await mapCopies(staging, readbackTensors, layout.offsets)));
      },
      destroy() {
        destroyTensors(...owned);
        owned.length = 0;
        staging?.destroy();
        staging = undefined;
      },
    };
  } catch (e) {
    destroyTensors(...owned); // a size refused part-way: free what was already allocated
    throw e;
  }
}
