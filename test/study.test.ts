/**
 * The study statistic (src/study/statistic.ts, analyze.ts) on known answers: hand-computed medians, fitting
 * epochs and shares; bootstrap CIs against the exact bootstrap distribution enumerated in full; permutation
 * p-values against a brute-force enumeration of every ordering; verdicts of synthetic experiments.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeReplica,
  PRIMARY_SETTINGS,
  robustnessVariants,
  runStudy,
  testLossMinIndex,
} from '../src/study/analyze.ts';
import type { Experiment, ReplicaSeries } from '../src/study/records.ts';
import {
  binomial,
  bootstrapDiffCI,
  bootstrapMeanCI,
  compressionShare,
  fitIndexByAccuracy,
  fitIndexByInformation,
  isUninformative,
  movingMedian,
  permutationTest,
  quantileSorted,
  stepCompression,
  verdictOf,
  weightedJointShare,
} from '../src/study/statistic.ts';
import { Rng } from '../src/util/rng.ts';

describe('smoothing and fitting', () => {
  it('takes a centred 5-point median, the window cut at the ends', () => {
    expect(movingMedian([1, 5, 2, 8, 3, 9, 4])).toEqual([2, 3.5, 3, 5, 4, 6, 4]);
    expect(movingMedian([0, 0, 7, 0, 0, 0])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(movingMedian([3])).toEqual([3]);
  });

  it('finds e_fit at θ of the training-accuracy gain, and no fit below a 0.05 gain', () => {
    const acc = [0.5, 0.6, 0.8, 0.9, 0.95, 1.0, 0.97];
    expect(fitIndexByAccuracy(acc, 0.9)).toEqual({ index: 4, gain: 0.5 });
    expect(fitIndexByAccuracy(acc, 0.8).index).toBe(3);
    expect(fitIndexByAccuracy(acc, 0.99).index).toBe(5);
    expect(fitIndexByAccuracy([0.5, 0.52, 0.54, 0.53], 0.9).index).toBeNull();
  });

  it('finds fitting by I(T;Y) at 90 % of the layer’s own maximum', () => {
    expect(fitIndexByInformation([0.1, 0.5, 0.85, 0.95, 0.9], 0.9)).toBe(3);
    expect(fitIndexByInformation([0.1, 0.5, 0.85, 0.9, 0.9], 0.9)).toBe(2);
  });
});

describe('the compression share S', () => {
  // Smoothing leaves this curve as it is (flat ends, monotone middle; the spike at index 1 is removed).
  const ixt = [5, 9, 5, 5, 4, 3, 2, 1, 1, 1, 1];

  it('sums the smoothed decreases before and after e_fit', () => {
    expect(movingMedian(ixt)).toEqual([5, 5, 5, 5, 4, 3, 2, 1, 1, 1, 1]);
    expect(stepCompression(movingMedian(ixt))).toEqual([0, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
    // Steps 3→4 and 4→5 end at or before index 5.
    expect(compressionShare(ixt, 5)).toEqual({ total: 4, whileFitting: 2, share: 0.5 });
    expect(compressionShare(ixt, 10).share).toBe(1);
    expect(compressionShare(ixt, 3).share).toBe(0);
  });

  it('leaves S undefined below the floor', () => {
    const flat = [2, 2.04, 2, 1.98, 1.97, 1.96, 1.95];
    const c = compressionShare(flat, 3);
    expect(c.total).toBeCloseTo(0.04, 12);
    expect(c.share).toBeNull();
    expect(compressionShare(flat, 3, 0.01).share).not.toBeNull();
  });

  it('marks a layer at the ceiling for more than half of its epochs as uninformative', () => {
    expect(isUninformative([11.95, 11.95, 11.95, 5, 5], 12)).toBe(true);
    expect(isUninformative([11.95, 11.95, 5, 5], 12)).toBe(false);
    expect(isUninformative([11.85, 11.85, 11.85], 12)).toBe(false);
  });
});

describe('bootstrap and permutation', () => {
  it('interpolates quantiles as R’s type 7', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  });

  it('gives the exact bootstrap distribution’s percentiles (enumerated over all 5^5 resamples)', () => {
    const x = [1, 2, 3, 4, 10];
    const exact: number[] = [];
    for (let i = 0; i < 5 ** 5; i++) {
      let s = 0;
      for (let k = 0, j = i; k < 5; k++, j = Math.floor(j / 5)) s += x[j % 5];
      exact.push(s / 5);
    }
    exact.sort((a, b) => a - b);
    const ci = bootstrapMeanCI(x, new Rng(3))!;
    expect(Math.abs(ci.lo - quantileSorted(exact, 0.025))).toBeLessThanOrEqual(0.2);
    expect(Math.abs(ci.hi - quantileSorted(exact, 0.975))).toBeLessThanOrEqual(0.2);
    const constant = bootstrapMeanCI([0.4, 0.4, 0.4], new Rng(1))!;
    expect(constant.lo).toBeCloseTo(0.4, 15);
    expect(constant.hi).toBeCloseTo(0.4, 15);
    expect(bootstrapMeanCI([], new Rng(1))).toBeNull();
  });

  it('gives the difference’s CI, and the same numbers for the same seed', () => {
    expect(bootstrapDiffCI([5, 5, 5], [1, 1, 1], new Rng(1))).toEqual({ lo: 4, hi: 4 });
    const a = [0.1, 0.5, 0.3, 0.9];
    const b = [0.2, 0.1, 0.4];
    expect(bootstrapDiffCI(a, b, new Rng(7))).toEqual(bootstrapDiffCI(a, b, new Rng(7)));
    const ci = bootstrapDiffCI(a, b, new Rng(7))!;
    expect(ci.lo).toBeLessThan(0.45 - 0.7 / 3);
    expect(ci.hi).toBeGreaterThan(0.45 - 0.7 / 3);
  });

  /** Brute force: every ordering of the pooled values, the first |a| taken as group a. */
  function bruteForceP(a: number[], b: number[]): number {
    const pooled = [...a, ...b];
    const k = a.length;
    const m = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const obs = Math.abs(m(a) - m(b));
    let hits = 0;
    let total = 0;
    const perm = (rest: number[], chosen: number[]) => {
      if (rest.length === 0) {
        total++;
        if (Math.abs(m(chosen.slice(0, k)) - m(chosen.slice(k))) >= obs - 1e-12) hits++;
        return;
      }
      for (let i = 0; i < rest.length; i++)
        perm([...rest.slice(0, i), ...rest.slice(i + 1)], [...chosen, rest[i]]);
    };
    perm(pooled, []);
    return hits / total;
  }

  it('matches a brute-force enumeration of every ordering', () => {
    expect(permutationTest([1, 2, 3], [4, 5, 6], new Rng(1))).toEqual({ p: 0.1, method: 'exact', count: 20 });
    const a = [0.31, 0.12, 0.55, 0.4];
    const b = [0.2, 0.05, 0.18];
    expect(permutationTest(a, b, new Rng(1))!.p).toBeCloseTo(bruteForceP(a, b), 12);
    const c = [0.3, 0.3, 0.1];
    const d = [0.1, 0.3, 0.2, 0.2];
    expect(permutationTest(c, d, new Rng(1))!.p).toBeCloseTo(bruteForceP(c, d), 12);
  });

  it('enumerates up to 20,000 splits and samples beyond', () => {
    expect(binomial(16, 8)).toBe(12870);
    expect(binomial(40, 20)).toBe(137846528820);
    const eight = Array.from({ length: 8 }, (_, i) => i);
    const t = permutationTest(
      eight,
      eight.map((x) => x + 100),
      new Rng(1),
    )!;
    expect(t).toEqual({ p: 2 / 12870, method: 'exact', count: 12870 });
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    const s = permutationTest(
      twenty,
      twenty.map((x) => x + 100),
      new Rng(1),
    )!;
    expect(s).toEqual({ p: 1 / 10001, method: 'sampled', count: 10000 });
    expect(permutationTest(twenty, [...twenty], new Rng(1))!.p).toBe(1);
  });

  it('builds the verdict from the CI', () => {
    expect(verdictOf({ lo: 0.01, hi: 0.3 })).toBe('supports the claim');
    expect(verdictOf({ lo: -0.3, hi: -0.01 })).toBe('goes against it');
    expect(verdictOf({ lo: -0.3, hi: 0.01 })).toBe('undecided');
    expect(verdictOf(null)).toBe('undecidable');
  });
});

describe('the share measure and its chance baseline', () => {
  it('weights the steps by their compression bits', () => {
    // Smoothed I(X;T) falls by 1 bit in each of steps 3..6; smoothed I(T;Y) rises in steps 4..9.
    const ixt = [5, 5, 5, 5, 4, 3, 2, 1, 1, 1, 1];
    const ity = [0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6];
    const j = weightedJointShare(ixt, ity, new Rng(2))!;
    expect(movingMedian(ity)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 4, 4.5, 5]);
    expect(j.share).toBe(0.75);
    // Shuffled, each compression step rises with probability 6/10: the expected share is 0.6.
    expect(Math.abs(j.chance - 0.6)).toBeLessThan(0.05);
    expect(weightedJointShare([1, 2, 3, 4], [0, 1, 2, 3], new Rng(2))).toBeNull();
  });
});

/** A replica whose layers have the given curves; accuracy rises to 0.9 at index `fit`. */
function replica(r: number, ixt: number[][], fit: number, testLoss?: number[]): ReplicaSeries {
  const E = ixt[0].length;
  return {
    file: 'synthetic',
    replica: r,
    epochs: Array.from({ length: E }, (_, i) => i * 10),
    trainAcc: Array.from({ length: E }, (_, i) => (i >= fit ? 0.9 : 0.5 + (0.3 * i) / fit)),
    testLoss: testLoss ?? Array.from({ length: E }, (_, i) => 1 / (i + 1)),
    estimates: new Map([['bins', { ixt, ity: ixt.map((c) => c.map(() => 0.5)), ceiling: 12 }]]),
  };
}

function experiment(kind: 'BNN' | 'DNN', label: string, reps: ReplicaSeries[]): Experiment {
  return {
    key: label,
    label,
    dataset: 'toy',
    kind,
    variant: label,
    primaryEstimator: 'bins',
    exactCodes: false,
    files: ['synthetic'],
    incomplete: [],
    depths: reps[0].estimates.get('bins')!.ixt.length,
    replicas: reps,
    bits: kind === 'BNN' ? 1 : 32,
    bitsDescription: kind === 'BNN' ? 'k = 1' : 'float',
    family: 'toy',
    familyLabel: 'toy',
  };
}

// I(X;T) rises, then falls by 4 bits over indices 4→8: where e_fit falls decides S.
const curve = (shift = 0) => [1, 2, 3, 5, 5, 4, 3, 2, 1, 1, 1, 1].map((x) => x + shift);

describe('per replica and experiment', () => {
  it('averages S over informative layers, skipping the ceiling', () => {
    const s = replica(0, [curve(), Array(12).fill(11.99)], 6);
    const r = analyzeReplica(s, 'BNN', { ...PRIMARY_SETTINGS }, 'bins')!;
    expect(r.fitEpoch).toBe(60);
    // Smoothed: 2, 2.5, 3, 4, 4, 4, 3, 2, 1, 1, 1, 1: steps 5, 6, 7 compress 1 bit each; step 5 ends at e_fit.
    expect(r.layers[0]).toMatchObject({ uninformative: false, total: 3, whileFitting: 1 });
    expect(r.layers[0].share).toBeCloseTo(1 / 3, 12);
    expect(r.layers[1].uninformative).toBe(true);
    expect(r.value).toBeCloseTo(1 / 3, 12);
  });

  it('cuts a DNN at its test-loss minimum', () => {
    const loss = [1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8];
    expect(testLossMinIndex(loss)).toBe(5);
    const s = replica(0, [curve()], 4, loss);
    const cut = analyzeReplica(s, 'DNN', { ...PRIMARY_SETTINGS, dnnUntilTestMin: true }, 'bins')!;
    expect(cut.lastEpoch).toBe(50);
    // Up to index 5 the smoothed curve only rises: no compression left once the overfitting epochs go.
    expect(cut.layers[0]).toMatchObject({ total: 0, share: null });
    const bnn = analyzeReplica(s, 'BNN', { ...PRIMARY_SETTINGS, dnnUntilTestMin: true }, 'bins')!;
    expect(bnn.lastEpoch).toBe(110);
    expect(bnn.layers[0]).toMatchObject({ total: 3, share: 0 });
  });

  it('says "supports the claim" when BNNs compress while fitting and DNNs after, "undecidable" under 5 replicas', () => {
    // BNN: fitting ends at index 8 or 9, after all 3 compressed bits (S = 1); DNN: at index 4 (S = 0) or 6 (S = 1/3).
    const bnn = experiment(
      'BNN',
      'BNN',
      Array.from({ length: 6 }, (_, r) => replica(r, [curve(r * 0.01)], 9 - (r % 2))),
    );
    const dnn = experiment(
      'DNN',
      'DNN',
      Array.from({ length: 6 }, (_, r) => replica(r, [curve(r * 0.01)], 4 + 2 * (r % 2))),
    );
    const run = runStudy([bnn, dnn], { ...PRIMARY_SETTINGS }, 1);
    const [b, d] = run.experiments;
    expect(b.primary.values).toEqual([1, 1, 1, 1, 1, 1]);
    for (const [r, v] of d.primary.values.entries()) expect(v).toBeCloseTo((r % 2) / 3, 12);
    const c = run.comparisons[0];
    expect(c.diff).toBeCloseTo(5 / 6, 12);
    expect(c.verdict).toBe('supports the claim');
    // Only the observed split and its mirror are as extreme.
    expect(c.test?.p).toBeCloseTo(2 / binomial(12, 6), 15);
    expect(c.test?.method).toBe('exact');
    const few = runStudy([{ ...bnn, replicas: bnn.replicas.slice(0, 4) }, dnn], { ...PRIMARY_SETTINGS }, 1);
    expect(few.comparisons[0].verdict).toBe('undecidable');
    expect(few.comparisons[0].reason).toContain('4 fitted replicas');
    // Swapped roles: the claim fails.
    const against = runStudy(
      [
        { ...dnn, kind: 'BNN' },
        { ...bnn, kind: 'DNN' },
      ],
      { ...PRIMARY_SETTINGS },
      1,
    );
    expect(against.comparisons[0].verdict).toBe('goes against it');
  });

  it('sweeps thresholds, fitting by I(T;Y), floors, the DNN cut, and the estimators a record holds besides its own', () => {
    const x = experiment('BNN', 'BNN', [replica(0, [curve()], 6)]);
    expect(robustnessVariants([x]).map((v) => v.name)).toHaveLength(8);
    x.replicas[0].estimates.set('kde σ²=0.001', x.replicas[0].estimates.get('bins')!);
    const names = robustnessVariants([x]).map((v) => v.name);
    expect(names).toContain('estimator kde σ²=0.001');
    expect(names).toHaveLength(9);
  });
});
