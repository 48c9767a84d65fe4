/**
 * The information-plane estimator: known answers of the entropy and KDE math, the settings' validation,
 * and the GPU pipeline (codes → counts → count of counts → entropies) against the float64 reference,
 * chunked, for every coding mode, over two logged epochs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { runOps } from '../src/gpu/run.ts';
import { createTensor, destroyTensors, readTensor, type Tensor } from '../src/gpu/tensor.ts';
import {
  type CodeHistogram,
  countOfCounts,
  entropyOfCounts,
  estimateFromHistogram,
  labelEntropy,
  millerMadowTerm,
  SATURATION_GAP_BITS,
} from '../src/info/entropy.ts';
import { kdeEstimate } from '../src/info/kde.ts';
import {
  DEFAULT_ESTIMATOR_SETTINGS,
  EstimatorSettingsError,
  layerCoding,
  validateEstimatorSettings,
} from '../src/info/settings.ts';
import { codeHistogramsRef, plugInEntropiesRef } from '../src/kernels/code_counts/ref.ts';
import { kdePairwiseRef, kdeSumsRef } from '../src/kernels/kde/ref.ts';
import { codePlan, hash64, layerCodesRef } from '../src/kernels/layer_codes/ref.ts';
import { minMaxRef } from '../src/kernels/layer_minmax/ref.ts';
import { createLayerEstimator, type EstimatorLayer } from '../src/nn/estimator.ts';
import { createKdeEstimator } from '../src/nn/kde-estimator.ts';
import { Rng } from '../src/util/rng.ts';
import { testGpu } from './gpu.ts';

/** The histogram of integer codes (one replica) with labels, through the reference counter. */
function histogramOf(codes: number[], labels: number[], C: number): CodeHistogram {
  const n = codes.length;
  const packed = new Uint32Array(2 * n);
  codes.forEach((c, i) => {
    packed[2 * i] = c;
  });
  return codeHistogramsRef(packed, labels, 1, n, C)[0];
}

describe('entropy math (known answers)', () => {
  const N = 1024;
  const labels = Array.from({ length: N }, (_, i) => i % 2);

  it('all codes distinct: H(T) = log2 N, flagged as saturated; I(T;Y) = H(Y)', () => {
    const e = estimateFromHistogram(
      histogramOf(
        Array.from({ length: N }, (_, i) => i),
        labels,
        2,
      ),
    );
    expect(e.hT).toBe(10);
    expect(e.ixt).toBe(e.log2N);
    expect(e.ity).toBeCloseTo(e.hY, 12);
    expect(e.hY).toBe(1);
    expect(e.occupied).toBe(N);
    expect(e.gapBits).toBe(0);
    expect(e.saturated).toBe(true);
  });

  it('all codes equal: every entropy 0, not saturated', () => {
    const e = estimateFromHistogram(histogramOf(new Array(N).fill(7), labels, 2));
    expect(e.hT).toBe(0);
    expect(e.hTgivenY).toBe(0);
    expect(e.ity).toBe(0);
    expect(e.occupied).toBe(1);
    expect(e.saturated).toBe(false);
    expect(e.corrected.hT).toBe(0); // Miller–Madow adds (m − 1)/(2N ln 2) = 0 for m = 1
  });

  it('codes independent of the labels: I(T;Y) = 0', () => {
    // Code i mod 8, label ⌊i/8⌋ mod 2: every code meets both labels equally often.
    const e = estimateFromHistogram(
      histogramOf(
        Array.from({ length: N }, (_, i) => i % 8),
        Array.from({ length: N }, (_, i) => Math.floor(i / 8) % 2),
        2,
      ),
    );
    expect(e.hT).toBeCloseTo(3, 12);
    expect(e.hTgivenY).toBeCloseTo(3, 12);
    expect(Math.abs(e.ity)).toBeLessThan(1e-12);
  });

  it('code = label: I(T;Y) = H(Y) = H(T), H(T|Y) = 0 (unbalanced classes too)', () => {
    const ys = Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i < 900 ? 1 : 2));
    const e = estimateFromHistogram(histogramOf(ys, ys, 3));
    const hY = -(0.7 * Math.log2(0.7) + 0.2 * Math.log2(0.2) + 0.1 * Math.log2(0.1));
    expect(e.hY).toBeCloseTo(hY, 12);
    expect(e.hT).toBeCloseTo(hY, 12);
    expect(e.hTgivenY).toBe(0);
    expect(e.ity).toBeCloseTo(hY, 12);
  });

  it('Miller–Madow: H + (m − 1)/(2N ln 2), per class for H(T|Y)', () => {
    // Codes a, a, a, b with labels 0, 0, 1, 1: N = 4, m = 2.
    const e = estimateFromHistogram(histogramOf([5, 5, 5, 9], [0, 0, 1, 1], 2), { millerMadow: true });
    const h = -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));
    expect(e.plugIn.hT).toBeCloseTo(h, 14);
    expect(e.hT).toBeCloseTo(h + 1 / (8 * Math.LN2), 14);
    expect(millerMadowTerm(2, 4)).toBeCloseTo(1 / (8 * Math.LN2), 15);
    // Class 0: codes a, a (H 0, m 1); class 1: a, b (H 1, m 2, N 2: + 1/(4 ln 2)).
    expect(e.plugIn.hTgivenY).toBeCloseTo(0.5, 14);
    expect(e.hTgivenY).toBeCloseTo(0.5 * (1 + 1 / (4 * Math.LN2)), 14);
    expect(e.millerMadow).toBe(true);
    expect(e.ity).toBeCloseTo(e.hT - e.hTgivenY, 14);
  });

  it('the count-of-counts route equals −Σ p log2 p on random codes', () => {
    const rng = new Rng(5);
    const n = 3000;
    const codes = Array.from({ length: n }, () => Math.floor(400 * rng.uniform() ** 2));
    const ys = Array.from({ length: n }, () => rng.int(0, 4));
    const packed = new Uint32Array(2 * n);
    codes.forEach((c, i) => {
      packed[2 * i] = c;
    });
    const e = estimateFromHistogram(histogramOf(codes, ys, 5));
    const direct = plugInEntropiesRef(packed, ys, 0, n, 5);
    expect(e.hT).toBeCloseTo(direct.hT, 11);
    expect(e.hTgivenY).toBeCloseTo(direct.hTgivenY, 11);
  });

  it('ceilings, saturation threshold, helpers', () => {
    // The 12-bit task's labels: 2118 ones of 4096 (docs/METHOD.md §4): H(Y) = 0.99916.
    expect(labelEntropy([4096 - 2118, 2118])).toBeCloseTo(0.99916, 5);
    expect(countOfCounts([3, 1, 1, 0, 3, 2])).toEqual([
      { k: 1, m: 2 },
      { k: 2, m: 1 },
      { k: 3, m: 2 },
    ]);
    expect(entropyOfCounts([{ k: 1, m: 8 }], 8)).toBe(3);
    // 88% singletons + 6% pairs: gap = 0.12 bit → not saturated; 96% + 2%: gap = 0.04 bit → saturated.
    const gap = (singles: number, pairs: number) =>
      estimateFromHistogram({
        n: singles + 2 * pairs,
        all: [
          { k: 1, m: singles },
          { k: 2, m: pairs },
        ],
        perLabel: [
          [
            { k: 1, m: singles },
            { k: 2, m: pairs },
          ],
        ],
      });
    expect(gap(880, 60).gapBits).toBeCloseTo(0.12, 12);
    expect(gap(880, 60).saturated).toBe(false);
    expect(gap(960, 20).gapBits).toBeCloseTo(0.04, 12);
    expect(gap(960, 20).gapBits).toBeLessThan(SATURATION_GAP_BITS);
    expect(gap(960, 20).saturated).toBe(true);
  });

  it('refuses count-of-counts lists that do not add up to N', () => {
    expect(() =>
      estimateFromHistogram({ n: 10, all: [{ k: 1, m: 9 }], perLabel: [[{ k: 1, m: 9 }]] }),
    ).toThrow(/9 samples/);
  });
});

describe('KDE math (known answers)', () => {
  const base = { n: 100, dims: 4, sigma2: 1e-3 };
  it('points far apart: I(X;T) = log2 N, I(T;Y) = H(Y)', () => {
    // Every lse is ln 1 = 0 (only the j = i term).
    const e = kdeEstimate({ ...base, sumAll: 0, sumByClass: [0, 0], labelCounts: [30, 70] });
    expect(e.ixt).toBeCloseTo(Math.log2(100), 12);
    expect(e.ity).toBeCloseTo(labelEntropy([30, 70]), 12);
  });
  it('all points equal: I(X;T) = I(T;Y) = 0, H_up(T) = H(T|X)', () => {
    const e = kdeEstimate({
      ...base,
      sumAll: 100 * Math.log(100),
      sumByClass: [30 * Math.log(30), 70 * Math.log(70)],
      labelCounts: [30, 70],
    });
    expect(e.ixt).toBeCloseTo(0, 12);
    expect(e.ity).toBeCloseTo(0, 12);
    expect(e.hUpper).toBeCloseTo(e.hGivenX, 12);
  });
  it('matches kde.py written out, on random points', () => {
    // H_up = d/2 + (d/2)·ln(2πσ²) − mean_i(lse_i − ln N), I(X;T) = H_up − (d/2)(ln(2πσ²) + 1): nats → bits.
    const rng = new Rng(9);
    const n = 40;
    const d = 3;
    const sigma2 = 0.01;
    const x = rng.floats(n * d, -0.2, 0.2);
    const ys = Array.from({ length: n }, (_, i) => i % 2);
    const lse = kdePairwiseRef(x, ys, 1, n, d, sigma2);
    const sums = kdeSumsRef(lse, ys, 1, n, 2);
    const e = kdeEstimate({
      n,
      dims: d,
      sigma2,
      sumAll: sums[2],
      sumByClass: [sums[0], sums[1]],
      labelCounts: [20, 20],
    });
    const hUp = (idx: number[]) => {
      let m = 0;
      for (const i of idx) {
        let s = 0;
        for (const j of idx) {
          let d2 = 0;
          for (let k = 0; k < d; k++) d2 += (x[i * d + k] - x[j * d + k]) ** 2;
          s += Math.exp(-d2 / (2 * sigma2));
        }
        m += Math.log(s) - Math.log(idx.length);
      }
      return d / 2 + (d / 2) * Math.log(2 * Math.PI * sigma2) - m / idx.length;
    };
    const all = Array.from({ length: n }, (_, i) => i);
    const hX = (d / 2) * (Math.log(2 * Math.PI * sigma2) + 1);
    const hY = 0.5 * hUp(all.filter((i) => ys[i] === 0)) + 0.5 * hUp(all.filter((i) => ys[i] === 1));
    expect(e.hUpper).toBeCloseTo(hUp(all) / Math.LN2, 10);
    expect(e.ixt).toBeCloseTo((hUp(all) - hX) / Math.LN2, 10);
    expect(e.ity).toBeCloseTo((hUp(all) - hY) / Math.LN2, 10);
    expect(e.ixt).toBeGreaterThan(0);
    expect(e.ixt).toBeLessThan(Math.log2(n));
  });
});

describe('estimator settings', () => {
  it('defaults: fixed, 30 bins in [−1, 1], width 0.07, σ² = 1e-3', () => {
    expect(validateEstimatorSettings()).toEqual(DEFAULT_ESTIMATOR_SETTINGS);
    expect(DEFAULT_ESTIMATOR_SETTINGS).toMatchObject({
      discretization: 'fixed',
      bins: 30,
      lo: -1,
      hi: 1,
      width: 0.07,
      kdeVariance: 1e-3,
    });
    expect(layerCoding(DEFAULT_ESTIMATOR_SETTINGS, true)).toEqual({ mode: 'sign' });
    expect(layerCoding({ ...DEFAULT_ESTIMATOR_SETTINGS, discretization: 'width' }, false)).toEqual({
      mode: 'width',
      width: 0.07,
    });
    expect(layerCoding({ ...DEFAULT_ESTIMATOR_SETTINGS, discretization: 'adaptive' }, false)).toEqual({
      mode: 'adaptive',
      bins: 30,
    });
  });
  const bad: [Partial<Record<string, unknown>>, string][] = [
    [{ bins: 0 }, 'bins'],
    [{ bins: 2.5 }, 'bins'],
    [{ width: -0.07 }, 'width'],
    [{ width: 0 }, 'width'],
    [{ lo: 1, hi: 1 }, 'lo'],
    [{ lo: 2, hi: -1 }, 'lo'],
    [{ hi: Number.NaN }, 'hi'],
    [{ bins: 100_001 }, 'bins'],
    [{ width: 1e31 }, 'width'],
    [{ kdeVariance: 0 }, 'kdeVariance'],
    [{ discretization: 'quantile' }, 'discretization'],
    [{ millerMadow: 'yes' }, 'millerMadow'],
  ];
  for (const [s, field] of bad) {
    it(`names the bad setting: ${JSON.stringify(s)}`, () => {
      let err: unknown;
      try {
        validateEstimatorSettings(s as never);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EstimatorSettingsError);
      expect((err as EstimatorSettingsError).setting).toBe(field);
      expect((err as Error).message).toContain(field);
    });
  }
});

describe('codes (reference)', () => {
  it('sign codes of W ≤ 64 are the sign pattern itself; W > 64 are hashed', () => {
    const t = new Float32Array(64).fill(1);
    t[0] = -1;
    t[33] = -0.5;
    t[5] = -0; // sign(−0) = +1
    const plan = codePlan({ mode: 'sign' }, 64);
    expect(plan.exact).toBe(true);
    expect(layerCodesRef(t, 1, 1, 64, plan, new Uint32Array(2), 1, 0)).toEqual(Uint32Array.from([1, 2]));
    expect(codePlan({ mode: 'sign' }, 65).exact).toBe(false);
    expect(codePlan({ mode: 'fixed', bins: 30, lo: -1, hi: 1 }, 12).exact).toBe(true);
    expect(codePlan({ mode: 'fixed', bins: 30, lo: -1, hi: 1 }, 13).exact).toBe(false);
  });
  it('fixed bins are numpy.digitize over linspace(−1, 1, 30)', () => {
    const plan = codePlan({ mode: 'fixed', bins: 30, lo: -1, hi: 1 }, 1);
    const idx = (v: number) => layerCodesRef(Float32Array.of(v), 1, 1, 1, plan, new Uint32Array(2), 1, 0)[0];
    expect(idx(-1.5)).toBe(0);
    expect(idx(-1)).toBe(1);
    expect(idx(0)).toBe(15);
    expect(idx(0.999)).toBe(29);
    expect(idx(1)).toBe(30);
    expect(idx(5)).toBe(30); // ReLU outputs ≥ 1 share one bin
  });
  it('hash64 separates words, order and length', () => {
    const a = hash64([1, 2, 3], 3);
    expect(hash64([1, 2, 3], 3)).toEqual(a);
    expect(hash64([2, 1, 3], 3)).not.toEqual(a);
    expect(hash64([1, 2, 3], 4)).not.toEqual(a);
    expect(hash64([1, 2, 3, 0], 3)).not.toEqual(a);
  });
});

// ---------------------------------------------------------------------------------------------------
// The GPU pipeline

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

/**
 * Activations of a layer: per replica and sample, t = tanh-ish values shifted by the label (so I(T;Y)
 * is strictly between 0 and H(Y)), quantised coarsely so that codes repeat.
 */
function layerActs(
  rng: Rng,
  R: number,
  n: number,
  W: number,
  labels: Uint32Array,
  scale: number,
): Float32Array {
  const x = new Float32Array(R * n * W);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < W; k++) {
        const v = Math.tanh(rng.range(-1.5, 1.5) + (labels[i] - 1) * 0.6 * ((k % 3) - 1));
        x[(r * n + i) * W + k] = Math.round(v * scale) / scale;
      }
    }
  }
  return x;
}

/** Rows [start, start + rows) of x f32[R, n, W], as f32[R, rows, W]. */
function chunkOf(
  x: Float32Array,
  R: number,
  n: number,
  W: number,
  start: number,
  rows: number,
): Float32Array {
  const out = new Float32Array(R * rows * W);
  for (let r = 0; r < R; r++)
    out.set(x.subarray((r * n + start) * W, (r * n + start + rows) * W), r * rows * W);
  return out;
}

describe('GPU estimator (codes → counts → count of counts → entropies) against the float64 reference', () => {
  it('every coding mode, chunked, R = 2, two logged epochs: identical counts and entropies', async () => {
    const R = 2;
    const n = 2500;
    const C = 3;
    const rows = 1024; // chunks of 1024, 1024, 452
    const rng = new Rng(2024);
    const labels = Uint32Array.from({ length: n }, () => rng.int(0, C - 1));
    const layers: (EstimatorLayer & { scale: number })[] = [
      { width: 12, coding: { mode: 'sign' }, scale: 4 },
      { width: 70, coding: { mode: 'sign' }, scale: 4 },
      { width: 10, coding: { mode: 'fixed', bins: 30, lo: -1, hi: 1 }, scale: 3 },
      { width: 7, coding: { mode: 'width', width: 0.07 }, scale: 2 },
      { width: 5, coding: { mode: 'adaptive', bins: 30 }, scale: 3 },
      { width: 20, coding: { mode: 'adaptive', bins: 4 }, scale: 100 },
    ];
    const est = await createLayerEstimator(gpu, { R, n, classes: C, labels, layers, millerMadow: true });
    expect(est.needsMinMax).toBe(true);
    // One chunk buffer per layer (as the trainer's evaluation activations), written before each chunk.
    const chunkBufs = layers.map((l, li) =>
      createTensor(gpu, 'f32', [R, rows, l.width], `layer ${li} chunk`),
    );
    const starts = [0, 1024, 2048];
    const ops = [];
    for (const start of starts) {
      const m = Math.min(rows, n - start);
      ops.push(
        await Promise.all(
          layers.map((l, li) =>
            est.prepareChunk(li, { ...chunkBufs[li], shape: [R, m, l.width], size: R * m * l.width }, start),
          ),
        ),
      );
    }
    for (const epoch of [0, 1]) {
      const acts = layers.map((l) => layerActs(rng, R, n, l.width, labels, l.scale));
      // Pass 1 (min/max) and pass 2 (codes), chunk by chunk; the "forward" is an upload here.
      for (const pass of ['minmax', 'codes'] as const) {
        for (const [ci, start] of starts.entries()) {
          const m = Math.min(rows, n - start);
          layers.forEach((l, li) => {
            const data = chunkOf(acts[li], R, n, l.width, start, m);
            gpu.device.queue.writeBuffer(
              gpu.root.unwrap(chunkBufs[li].buffer),
              0,
              data.buffer as ArrayBuffer,
            );
          });
          const list = ops[ci].map((o) => o[pass]).filter((o) => o !== null);
          await runOps(gpu, `estimator ${pass} chunk ${ci}`, list);
        }
      }
      await runOps(gpu, 'estimator counts', est.countOps);
      const got = await est.read();
      const hists = await est.readHistograms();
      for (const [li, l] of layers.entries()) {
        const plan = est.plans[li];
        const range = l.coding.mode === 'adaptive' ? minMaxRef(acts[li], R, n * l.width) : undefined;
        const refCodes = layerCodesRef(
          acts[li],
          R,
          n,
          l.width,
          plan,
          new Uint32Array(R * n * 2),
          n,
          0,
          range,
        );
        expect(await readTensor(gpu, est.codes[li]), `epoch ${epoch} layer ${li} codes`).toEqual(refCodes);
        const refHists = codeHistogramsRef(refCodes, labels, R, n, C);
        for (let r = 0; r < R; r++) {
          expect(hists[li][r], `epoch ${epoch} layer ${li} replica ${r} histogram`).toEqual(refHists[r]);
          const ref = estimateFromHistogram(refHists[r], { millerMadow: true });
          expect(got[li][r]).toEqual(ref); // bit-identical: exact counts, same float64 code
          const direct = plugInEntropiesRef(refCodes, labels, r, n, C);
          expect(Math.abs(got[li][r].plugIn.hT - direct.hT)).toBeLessThan(1e-9);
          expect(Math.abs(got[li][r].plugIn.hTgivenY - direct.hTgivenY)).toBeLessThan(1e-9);
          expect(got[li][r].ity).toBeGreaterThan(0);
          expect(got[li][r].plugIn.ity).toBeLessThan(got[li][r].hY);
        }
      }
    }
    destroyTensors(...chunkBufs);
    est.destroy();
  });

  it('known answers on the GPU: all patterns of 12 bits → log2 N; constant → 0; code = label → H(Y)', async () => {
    const n = 4096;
    const W = 12;
    const labels = Uint32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 7 === 0 ? 1 : 0));
    const bits = new Float32Array(n * W);
    for (let i = 0; i < n; i++) for (let k = 0; k < W; k++) bits[i * W + k] = (i >> (W - 1 - k)) & 1 ? 1 : -1;
    const constant = new Float32Array(n * 3).fill(0.3);
    const labelled = Float32Array.from({ length: n }, (_, i) => labels[i] - 0.5);
    const layers: EstimatorLayer[] = [
      { width: W, coding: { mode: 'sign' } },
      { width: 3, coding: { mode: 'fixed', bins: 30, lo: -1, hi: 1 } },
      { width: 1, coding: { mode: 'sign' } },
    ];
    const est = await createLayerEstimator(gpu, { R: 1, n, classes: 2, labels, layers });
    const tensors: Tensor<'f32'>[] = [
      createTensor(gpu, 'f32', [1, n, W], 'bits', bits),
      createTensor(gpu, 'f32', [1, n, 3], 'constant', constant),
      createTensor(gpu, 'f32', [1, n, 1], 'labelled', labelled),
    ];
    const chunk = await Promise.all(tensors.map((t, l) => est.prepareChunk(l, t, 0)));
    await runOps(gpu, 'known answers', [...chunk.map((c) => c.codes), ...est.countOps]);
    const [[distinct], [same], [byLabel]] = await est.read();
    expect(distinct.hT).toBe(12);
    expect(distinct.saturated).toBe(true);
    expect(distinct.ity).toBeCloseTo(distinct.hY, 12);
    expect(same.hT).toBe(0);
    expect(same.ity).toBe(0);
    expect(byLabel.ity).toBeCloseTo(byLabel.hY, 12);
    expect(byLabel.hTgivenY).toBe(0);
    destroyTensors(...tensors);
    est.destroy();
  });

  it('counting replicas in groups through smaller tables gives the same estimates', async () => {
    const R = 3;
    const n = 600;
    const rng = new Rng(31);
    const labels = Uint32Array.from({ length: n }, () => rng.int(0, 1));
    const layers: EstimatorLayer[] = [{ width: 9, coding: { mode: 'fixed', bins: 30, lo: -1, hi: 1 } }];
    const x = createTensor(gpu, 'f32', [R, n, 9], 'acts', layerActs(rng, R, n, 9, labels, 3));
    const results = [];
    for (const tableBudgetBytes of [undefined, 1]) {
      const est = await createLayerEstimator(gpu, { R, n, classes: 2, labels, layers, tableBudgetBytes });
      const { codes } = await est.prepareChunk(0, x, 0);
      await runOps(gpu, 'grouped counts', [codes, ...est.countOps]);
      results.push(await est.read());
      est.destroy();
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0][0][2].hT).toBeGreaterThan(1);
    destroyTensors(x);
  });

  it('refuses labels outside 0…C−1 and chunks that do not fit', async () => {
    await expect(
      createLayerEstimator(gpu, { R: 1, n: 3, classes: 2, labels: [0, 2, 1], layers: [] }),
    ).rejects.toThrow(/label 2 of sample 1/);
    const est = await createLayerEstimator(gpu, {
      R: 1,
      n: 10,
      classes: 2,
      labels: new Array(10).fill(0),
      layers: [{ width: 4, coding: { mode: 'sign' } }],
    });
    const x = createTensor(gpu, 'f32', [1, 6, 4], 'x');
    await expect(est.prepareChunk(0, x, 5)).rejects.toThrow(/do not fit/);
    await expect(
      createLayerEstimator(gpu, {
        R: 1,
        n: 10,
        classes: 2,
        labels: new Array(10).fill(0),
        layers: [{ width: 4, coding: { mode: 'fixed', bins: 0, lo: -1, hi: 1 } }],
      }),
    ).rejects.toThrow(EstimatorSettingsError);
    destroyTensors(x);
    est.destroy();
  });

  it('KDE on the GPU equals the float64 bound within 1e-4 bits', async () => {
    const R = 2;
    const n = 300;
    const W = 6;
    const sigma2 = 1e-3;
    const rng = new Rng(77);
    const labels = Uint32Array.from({ length: n }, () => rng.int(0, 2));
    const x = new Float32Array(R * n * W);
    for (let i = 0; i < x.length; i++) {
      const label = labels[Math.floor(i / W) % n];
      x[i] = 0.2 * label + rng.range(-0.05, 0.05);
    }
    const acts = createTensor(gpu, 'f32', [R, n, W], 'acts', x);
    const kde = await createKdeEstimator(gpu, { acts, labels, classes: 3, sigma2 });
    await runOps(gpu, 'kde', kde.ops);
    const got = await kde.read();
    const lse = kdePairwiseRef(x, labels, R, n, W, sigma2);
    const sums = kdeSumsRef(lse, labels, R, n, 3);
    const counts = [0, 1, 2].map((y) => labels.filter((l) => l === y).length);
    for (let r = 0; r < R; r++) {
      const ref = kdeEstimate({
        n,
        dims: W,
        sigma2,
        sumAll: sums[r * 4 + 3],
        sumByClass: [sums[r * 4], sums[r * 4 + 1], sums[r * 4 + 2]],
        labelCounts: counts,
      });
      expect(Math.abs(got[r].ixt - ref.ixt)).toBeLessThan(1e-4);
      expect(Math.abs(got[r].ity - ref.ity)).toBeLessThan(1e-4);
      expect(ref.ity).toBeGreaterThan(0.1);
      expect(ref.ixt).toBeLessThan(Math.log2(n));
    }
    kde.destroy();
    destroyTensors(acts);
  });
});
