/**
 * Benchmark entries of the information-plane kernels (src/gpu/kernels/info.ts): binning a layer's
 * activations into per-sample codes, and counting the codes. Sizes are the samples N of the estimation
 * set (the paper's 4,096 up to MNIST's 70,000).
 */

import {
  codeCountsKernel,
  countTableSizes,
  decodeCountOfCounts,
  layerCodePlan,
  layerCodesKernel,
  prepareCodeCounts,
  prepareCountOfCounts,
  prepareFillU32,
  prepareLayerCodes,
} from '../gpu/kernels/info.ts';
import { createTensor, destroyTensors, readTensor } from '../gpu/tensor.ts';
import type { LayerCoding } from '../info/settings.ts';
import { EXACT } from '../ref/compare.ts';
import { codeHistogramsRef, flattenHistogram, layerCodesRef } from '../ref/info.ts';
import type { Rng } from '../util/rng.ts';
import type { BenchKernel } from './kernels.ts';

/** Width of the layer being binned: x is [1, N, INFO_WIDTH]. */
export const INFO_WIDTH = 32;
/** The paper's binning: 30 equal bins over tanh's range. */
const CODING: LayerCoding = { mode: 'fixed', bins: 30, lo: -1, hi: 1 };
/** Classes of the labels counted with the codes. */
const CLASSES = 10;

interface BinInputs {
  N: number;
  x: Float32Array;
}

/** layer_codes: each sample's INFO_WIDTH activations → 30 bins each → one 64-bit code (hashed). */
export const layerCodesBench: BenchKernel<BinInputs> = {
  name: layerCodesKernel.name,
  versions: Object.keys(layerCodesKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: (s) => `30 bins, N=${s}×${INFO_WIDTH}`,
  work: (s) => s * INFO_WIDTH,
  inputs: (size, rng) => ({ N: size, x: rng.floats(size * INFO_WIDTH, -1, 1) }),
  async prepare(gpu, version, { N, x: xs }) {
    const plan = layerCodePlan(CODING, INFO_WIDTH);
    const x = createTensor(gpu, 'f32', [1, N, INFO_WIDTH], 'x', xs);
    const codes = createTensor(gpu, 'u32', [1, N, 2], 'codes');
    const edges = createTensor(gpu, 'f32', [Math.max(1, plan.edges.length)], 'edges', plan.edges);
    const minmax = createTensor(gpu, 'f32', [1, 2], 'min/max (unused)');
    const op = await prepareLayerCodes(gpu, { x, codes, rowOffset: 0, plan, edges, minmax }, version);
    return {
      ops: [op],
      read: () => readTensor(gpu, codes),
      dispose: () => destroyTensors(x, codes, edges, minmax),
    };
  },
  reference: ({ N, x }) =>
    layerCodesRef(x, 1, N, INFO_WIDTH, layerCodePlan(CODING, INFO_WIDTH), new Uint32Array(N * 2), N, 0),
  tolerance: () => EXACT,
};

interface CountInputs {
  N: number;
  codes: Uint32Array;
  labels: Uint32Array;
}

/** Codes drawn from a pool of N/4 with skewed frequencies (counts from 1 to many), labels in 0…C−1. */
function countInputs(N: number, rng: Rng): CountInputs {
  const P = Math.max(1, Math.floor(N / 4));
  const pool = rng.words(2 * P);
  const codes = new Uint32Array(2 * N);
  for (let i = 0; i < N; i++) {
    const p = Math.min(P - 1, Math.floor(P * rng.uniform() ** 3));
    codes[2 * i] = pool[2 * p];
    codes[2 * i + 1] = pool[2 * p + 1];
  }
  const labels = Uint32Array.from({ length: N }, () => rng.int(0, CLASSES - 1));
  return { N, codes, labels };
}

/**
 * code_counts: one iteration is the counting stage as the estimator runs it — clear the tables
 * (fill_u32), count codes and (code, label) pairs (code_counts), then the count of counts
 * (count_of_counts). Checked on the decoded (label, k, m) triples.
 */
export const codeCountsBench: BenchKernel<CountInputs> = {
  name: codeCountsKernel.name,
  versions: Object.keys(codeCountsKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: (s) => `N=${s}, ${CLASSES} classes (+ fill, count_of_counts)`,
  work: (s) => s,
  inputs: countInputs,
  async prepare(gpu, version, { N, codes: codesHost, labels: labelsHost }) {
    const { S, S2 } = countTableSizes(N, CLASSES);
    const codes = createTensor(gpu, 'u32', [1, N, 2], 'codes', codesHost);
    const labels = createTensor(gpu, 'u32', [N], 'labels', labelsHost);
    const table = createTensor(gpu, 'u32', [1, 2, S, 2], 'table');
    const coc = createTensor(gpu, 'u32', [1, S2, 2], 'count of counts');
    const status = createTensor(gpu, 'u32', [1], 'status');
    const ops = [
      await prepareFillU32(gpu, { out: table }),
      await prepareFillU32(gpu, { out: coc }),
      await prepareFillU32(gpu, { out: status }),
      await prepareCodeCounts(gpu, { codes, labels, table, status }, version),
      await prepareCountOfCounts(gpu, { labels, table, coc, status, classes: CLASSES }, version),
    ];
    return {
      ops,
      async read() {
        const got = await readTensor(gpu, coc);
        const st = await readTensor(gpu, status);
        // A full table (status ≠ 0) shows up as a mismatch: its first element is the status word.
        return [st[0], ...flattenHistogram({ n: N, ...decodeCountOfCounts(got, 0, S2, CLASSES) })];
      },
      dispose: () => destroyTensors(codes, labels, table, coc, status),
    };
  },
  reference: ({ N, codes, labels }) => [
    0,
    ...flattenHistogram(codeHistogramsRef(codes, labels, 1, N, CLASSES)[0]),
  ],
  tolerance: () => EXACT,
};
