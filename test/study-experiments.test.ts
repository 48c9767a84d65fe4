/**
 * The study's experiments (src/run/experiments.ts) carry what the pre-registered analysis needs
 * (docs/METHOD.md §5, §6): at least 20 replicas, every extra estimator, batch-norm calibration wherever
 * there is batch norm, step-level logging through MNIST's first epoch, the controls (ReLU, the
 * accuracy-matched float network, both hybrids, every quantizer on the 12-bit task and the digits, both
 * optimizers on both sides of MNIST); the quick run keeps only the cheap binned estimators.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, QUANTIZERS } from '../src/config/run-config.ts';
import { loggedEpochs } from '../src/info/schedule.ts';
import { EXTRA_ESTIMATORS } from '../src/info/settings.ts';
import { EXPERIMENTS, experimentConfig } from '../src/run/experiments.ts';

const full = EXPERIMENTS.map((e) => ({ e, c: parseConfig(experimentConfig(e)) }));

describe('the study experiments', () => {
  it('every experiment: ≥ 20 replicas, every extra estimator, calibration exactly where there is batch norm', () => {
    for (const { e, c } of full) {
      expect(c.replicas, e.id).toBeGreaterThanOrEqual(20);
      expect(c.estimator.estimators, e.id).toEqual([...EXTRA_ESTIMATORS]);
      const bn = c.network.hidden.some((l) => l.batchNorm);
      expect(c.network.calibrateBatchNorm === true, e.id).toBe(bn);
    }
  });

  it('the quick run keeps the binned extra estimators only', () => {
    for (const e of EXPERIMENTS) {
      const q = parseConfig(experimentConfig(e, true));
      expect(q.estimator.estimators, e.id).toEqual(['bins30', 'width0.07', 'adaptive30']);
      expect(q.replicas).toBeLessThanOrEqual(2);
    }
  });

  it('MNIST logs at minibatch steps through its first epoch', () => {
    for (const { e, c } of full.filter((x) => x.e.dataset === 'mnist')) {
      expect(c.log.steps, e.id).toBe(47);
      expect(c.log.stepEpochs, e.id).toBe(1);
      // 60,000 images at batch 128: 469 steps, so 10 evaluations inside the first epoch.
      expect(Math.floor((Math.ceil(c.data.mnistTrain / c.batchSize) - 1) / c.log.steps!)).toBe(9);
      expect(loggedEpochs(c.log, c.epochs)[0]).toBe(0);
    }
  });

  it('holds the controls', () => {
    const kinds = (dataset: string) =>
      full
        .filter((x) => x.e.dataset === dataset)
        .map(({ c }) => {
          const h = c.network.hidden;
          const w = h.every((l) => l.weights === 'binary') ? 'binW' : 'floatW';
          return `${w} ${[...new Set(h.map((l) => l.activation))].join('/')} ${c.optimizer.name}`;
        });
    const quantizers = QUANTIZERS.filter((q) => q !== 'ste_heaviside');
    for (const d of ['bits12', 'digits']) {
      const k = kinds(d);
      for (const q of quantizers) expect(k, `${d} ${q}`).toContain(`binW ${q} adam`);
      expect(k).toContain('floatW tanh adam');
      expect(k).toContain('floatW relu adam');
    }
    const b = kinds('bits12');
    expect(b).toContain('binW tanh adam'); // binary weights, float activations
    expect(b).toContain('floatW ste_sign adam'); // float weights, sign activations
    const matched = full.find((x) => x.e.id === 'bits12-dnn-tanh-matched')!.c;
    const dnn = full.find((x) => x.e.id === 'bits12-dnn-tanh')!.c;
    expect(matched.network.hidden.reduce((n, l) => n + l.width, 0)).toBeLessThan(
      dnn.network.hidden.reduce((n, l) => n + l.width, 0),
    );
    const m = kinds('mnist');
    for (const opt of ['sgd', 'adam']) {
      expect(m, opt).toContain(`floatW tanh ${opt}`);
      expect(m, opt).toContain(`binW ste_sign ${opt}`);
    }
  });
});
