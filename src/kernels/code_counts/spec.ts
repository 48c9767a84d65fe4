/**
 * Check of the counting stage against ./ref.ts (exact): code_counts + count_of_counts, run twice on the
 * same tables (count_of_counts leaves them empty; no fill between runs). Its benchmark row times the same stage as the estimator runs it.
 */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor, viewTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { type Comparison, compareArrays, EXACT } from '../compare.ts';
import {
  decodeCountOfCounts as decode,
  decodeCountOfCounts,
  prepareCountOfCounts,
} from '../count_of_counts/kernel.ts';
import { prepareFillU32 } from '../fill_u32/kernel.ts';
import type { BenchKernel, KernelSpec } from '../types.ts';
import { caseOf, type KernelCheck } from '../types.ts';
import { codeCountsKernel, countTableSizes, prepareCodeCounts } from './kernel.ts';
import { codeHistogramsRef, flattenHistogram } from './ref.ts';

/**
 * Codes u32[R, n, 2] drawn from a pool of `distinct` codes with a skewed frequency (index = P·u³), so
 * counts range from 1 to many; distinct = 0 gives every sample its own code. The pool includes (0, 0)
 * and codes that differ in one word only.
 */
function countInputs(rng: Rng, R: number, n: number, distinct: number): Uint32Array {
  const codes = new Uint32Array(R * n * 2);
  for (let r = 0; r < R; r++) {
    const P = distinct === 0 ? n : distinct;
    const pool = rng.words(2 * P);
    pool[0] = 0;
    pool[1] = 0;
    for (let p = 2; p + 1 < 2 * P; p += 6) pool[p] = pool[0]; // same lo as code 0, different hi
    for (let i = 0; i < n; i++) {
      const p = distinct === 0 ? i : Math.min(P - 1, Math.floor(P * rng.uniform() ** 3));
      codes[(r * n + i) * 2] = pool[2 * p];
      codes[(r * n + i) * 2 + 1] = pool[2 * p + 1];
    }
  }
  return codes;
}

export const codeCountsCheck: KernelCheck = {
  kernel: 'code_counts',
  versions: ['v1'],
  exact: true,
  cases: [
    caseOf({ R: 1, n: 1, C: 1, distinct: 1 }, true),
    caseOf({ R: 2, n: 100, C: 2, distinct: 10 }, true),
    caseOf({ R: 3, n: 777, C: 3, distinct: 1 }),
    caseOf({ R: 2, n: 500, C: 2, distinct: 0 }, true),
    caseOf({ R: 3, n: 1000, C: 10, distinct: 700 }),
    caseOf({ R: 2, n: 4096, C: 2, distinct: 3000 }),
    // Tables for G replicas at a time, reused group after group (3 = 2 + 1).
    caseOf({ R: 3, n: 300, C: 4, distinct: 50, G: 2 }, true),
  ],
  async run(gpu: Gpu, version: string, { dims: { R, n, C, distinct, G = R } }, rng: Rng) {
    const codesHost = countInputs(rng, R, n, distinct);
    const labelsHost = Uint32Array.from({ length: n }, () => rng.int(0, C - 1));
    const { S, S2 } = countTableSizes(n, C);
    const codes = createTensor(gpu, 'u32', [R, n, 2], 'codes', codesHost);
    const labels = createTensor(gpu, 'u32', [n], 'labels', labelsHost);
    const table = createTensor(gpu, 'u32', [G, 2, S, 2], 'table');
    const coc = createTensor(gpu, 'u32', [R, S2, 2], 'count of counts');
    const status = createTensor(gpu, 'u32', [2], 'status');
    const ops = [
      await prepareFillU32(gpu, { out: coc }),
      await prepareFillU32(gpu, { out: status, offset: 1, count: 1 }),
    ];
    for (let r0 = 0; r0 < R; r0 += G) {
      const t = viewTensor(table, [Math.min(G, R - r0), 2, S, 2]);
      // No fill between groups or runs: count_of_counts empties every slot it reads.
      ops.push(
        await prepareCodeCounts(gpu, { codes, labels, table: t, status, statusIndex: 1, r0 }, version),
        await prepareCountOfCounts(
          gpu,
          { labels, table: t, coc, status, statusIndex: 1, classes: C, r0 },
          version,
        ),
      );
    }
    const results: Comparison[] = [];
    const ref = codeHistogramsRef(codesHost, labelsHost, R, n, C);
    // Twice: the second run counts into the tables the first one left, which count_of_counts must have
    // emptied (and the table is checked to be all zeros after each run).
    for (const run of ['', ' (again)']) {
      await runOps(gpu, 'code_counts check', ops);
      const got = await readTensor(gpu, coc);
      const st = await readTensor(gpu, status);
      results.push(compareArrays(`status${run}`, st.subarray(1), [0]));
      const left = await readTensor(gpu, table);
      results.push(compareArrays(`table emptied${run}`, [left.reduce((a, v) => a + (v ? 1 : 0), 0)], [0]));
      for (let r = 0; r < R; r++) {
        const h = { n, ...decode(got, r, S2, C) };
        results.push(
          compareArrays(`replica ${r} (label, k, m)${run}`, flattenHistogram(h), flattenHistogram(ref[r])),
        );
      }
    }
    destroyTensors(codes, labels, table, coc, status);
    return results;
  },
};

/** Classes of the labels counted with the codes. */
const CLASSES = 10;

interface BenchCountInputs {
  N: number;
  codes: Uint32Array;
  labels: Uint32Array;
}

/** The check's codes, from a pool of N/4 with skewed frequencies (counts from 1 to many); labels in 0…C−1. */
function benchCountInputs(N: number, rng: Rng): BenchCountInputs {
  const codes = countInputs(rng, 1, N, Math.max(1, Math.floor(N / 4)));
  const labels = Uint32Array.from({ length: N }, () => rng.int(0, CLASSES - 1));
  return { N, codes, labels };
}

/**
 * code_counts: one iteration is the counting stage as the estimator runs it — clear the count of counts
 * (fill_u32), count codes and (code, label) pairs (code_counts), then the count of counts
 * (count_of_counts, which leaves the tables empty). Checked on the decoded (label, k, m) triples.
 */
export const codeCountsBench: BenchKernel<BenchCountInputs> = {
  name: codeCountsKernel.name,
  versions: Object.keys(codeCountsKernel.versions),
  domain: 'rows',
  unit: 'element',
  describe: (s) => `N=${s}, ${CLASSES} classes (+ fill, count_of_counts)`,
  work: (s) => s,
  inputs: benchCountInputs,
  async prepare(gpu, version, { N, codes: codesHost, labels: labelsHost }) {
    const { S, S2 } = countTableSizes(N, CLASSES);
    const codes = createTensor(gpu, 'u32', [1, N, 2], 'codes', codesHost);
    const labels = createTensor(gpu, 'u32', [N], 'labels', labelsHost);
    const table = createTensor(gpu, 'u32', [1, 2, S, 2], 'table');
    const coc = createTensor(gpu, 'u32', [1, S2, 2], 'count of counts');
    const status = createTensor(gpu, 'u32', [1], 'status');
    const ops = [
      await prepareFillU32(gpu, { out: coc }), // the table needs none: count_of_counts empties it

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

/** The code_counts family: its wrappers, checks and benchmark rows. */
export const codeCountsSpec: KernelSpec = {
  family: 'code_counts',
  kernels: [codeCountsKernel],
  checks: [codeCountsCheck],
  bench: [codeCountsBench],
};
