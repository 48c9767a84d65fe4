/**
 * The information plane inside a run: the estimates the GPU trainer records at a logged epoch equal the
 * float64 reference computed from the layer outputs read back (codes and counts are exact, so the
 * numbers are identical), for sign codes (ste_sign, ste_heaviside) and every float discretization; the
 * KDE bound is recorded for float layers only; bad estimator settings name the setting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigError, parseConfig } from '../src/config/run-config.ts';
import type { Gpu } from '../src/gpu/device.ts';
import { estimateFromHistogram } from '../src/info/entropy.ts';
import { layerCoding } from '../src/info/settings.ts';
import { codeHistogramsRef } from '../src/kernels/code_counts/ref.ts';
import { codePlan, layerCodesRef } from '../src/kernels/layer_codes/ref.ts';
import { minMaxRef } from '../src/kernels/layer_minmax/ref.ts';
import { parseLink } from '../src/run/link.ts';
import { TrainingSession } from '../src/run/session.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

const NET = 'net=6-bin-bn-ste_sign,5-float-tanh,4-bin-bn-ste_heaviside,3-float-relu';

async function checkAgainstReference(link: string) {
  const { config, issues } = parseLink(link);
  expect(issues).toEqual([]);
  const session = await TrainingSession.create(gpu, config);
  try {
    await session.start();
    while (!session.done) await session.next();
    const { record } = session;
    const info = record.info;
    const R = config.replicas;
    const last = record.epochs.length - 1;
    const trainer = session.gpuTrainer;
    const [tr, te] = [await trainer.layerOutputs('train'), await trainer.layerOutputs('test')];
    const nTr = record.dataset.train;
    const nTe = record.dataset.test;
    const set = config.estimator.set;
    const n = set === 'train' ? nTr : set === 'test' ? nTe : nTr + nTe;
    expect(info.n).toBe(n);
    const labels = new Uint32Array(n);
    const y = session.prepared.data;
    if (set !== 'test') labels.set(y.yTrain);
    if (set !== 'train') labels.set(y.yTest, set === 'full' ? nTr : 0);
    for (const [k, l] of info.layers.entries()) {
      const layer = session.prepared.plan.layers[l];
      const W = layer.width;
      const acts = new Float32Array(R * n * W);
      for (let r = 0; r < R; r++) {
        if (set !== 'test') acts.set(tr[l].subarray(r * nTr * W, (r + 1) * nTr * W), r * n * W);
        if (set !== 'train')
          acts.set(te[l].subarray(r * nTe * W, (r + 1) * nTe * W), (r * n + (set === 'full' ? nTr : 0)) * W);
      }
      const coding = layer.binaryOutput
        ? layer.activation === 'ste_heaviside'
          ? ({ mode: 'sign', threshold: 0.5 } as const)
          : ({ mode: 'sign' } as const)
        : layerCoding(config.estimator, false);
      const range = coding.mode === 'adaptive' ? minMaxRef(acts, R, n * W) : undefined;
      const codes = layerCodesRef(
        acts,
        R,
        n,
        W,
        codePlan(coding, W),
        new Uint32Array(R * n * 2),
        n,
        0,
        range,
      );
      const hists = codeHistogramsRef(codes, labels, R, n, session.prepared.plan.classes);
      for (let r = 0; r < R; r++) {
        const ref = estimateFromHistogram(hists[r], { millerMadow: config.estimator.millerMadow });
        expect(info.ixt[r][last][k], `${layer.name} replica ${r} I(X;T)`).toBe(ref.ixt);
        expect(info.ity[r][last][k], `${layer.name} replica ${r} I(T;Y)`).toBe(ref.ity);
        expect(info.occupied[r][last][k]).toBe(ref.occupied);
        expect(info.near_ceiling[r][last][k]).toBe(ref.saturated);
      }
    }
    return record;
  } finally {
    session.dispose();
  }
}

describe('information plane in a run', () => {
  it('fixed bins over the full set, sign codes for quantizer layers: identical to the reference', async () => {
    const r = await checkAgainstReference(`v=1&${NET}&replicas=2&epochs=2&lr=0.01`);
    expect(r.info.layers).toEqual([0, 1, 2, 3]);
    expect(r.info.ceilings.ixt).toBe(12);
    expect(r.info.ceilings.ity).toBeCloseTo(0.99916, 5);
    expect(r.info.ixt[0].length).toBe(r.epochs.length);
  });

  it('adaptive bins over the test set, with Miller–Madow', async () => {
    await checkAgainstReference(`v=1&${NET}&replicas=2&epochs=1&disc=adaptive&bins=8&est=test&mm=1`);
  });

  it("Saxe's fixed width over the training set, on another dataset", async () => {
    await checkAgainstReference(
      'v=1&data=digits&net=12-float-tanh,6-bin-bn-approx_sign&replicas=1&epochs=1&disc=width&width=0.2&est=train&mnist=100',
    );
  });

  it('records the KDE bound for float layers only', async () => {
    const { config } = parseLink(`v=1&${NET}&replicas=1&epochs=1&kde=1&est=test`);
    const session = await TrainingSession.create(gpu, config);
    try {
      await session.start();
      await session.next();
      const kde = session.record.info.kde!;
      expect(kde.n).toBe(819);
      for (const row of kde.ixt[0]) {
        expect(row[0]).toBeNull(); // ste_sign
        expect(row[2]).toBeNull(); // ste_heaviside
        for (const k of [1, 3]) {
          expect(Number.isFinite(row[k])).toBe(true);
          expect(row[k]!).toBeLessThanOrEqual(Math.log2(819) + 1e-9);
        }
      }
    } finally {
      session.dispose();
    }
  });

  it('estimator settings that make no sense are refused, naming the setting', () => {
    const issues = (input: object) => {
      try {
        parseConfig(input);
      } catch (e) {
        return (e as ConfigError).issues.map((i) => i.field);
      }
      return [];
    };
    expect(issues({ estimator: { bins: 0 } })).toEqual(['estimator.bins']);
    expect(issues({ estimator: { width: -0.07 } })).toEqual(['estimator.width']);
    expect(issues({ estimator: { lo: 1, hi: 1 } })).toEqual(['estimator.lo', 'estimator.hi']);
    expect(issues({ estimator: { discretization: 'quantile' } })).toEqual(['estimator.discretization']);
  });
});
