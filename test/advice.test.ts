/**
 * Advice before a run (src/view/advice.ts): the too-small-network warning, the work model behind the
 * time estimate, and the guided example's link.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../src/config/run-config.ts';
import { parseLink } from '../src/run/link.ts';
import {
  capacityWarnings,
  EXAMPLE_FRAGMENT,
  estimateSeconds,
  runWork,
  trainSamples,
} from '../src/view/advice.ts';
import { DATASET_DIMS } from '../src/view/preview.ts';

describe('advice', () => {
  it('warns that 10-7-5-4-3 is far too small for MNIST, not for the 12-bit task', () => {
    const bits12 = defaultConfig();
    expect(capacityWarnings(bits12, DATASET_DIMS.bits12)).toEqual([]);
    const mnist = parseConfig({ ...bits12, data: { ...bits12.data, name: 'mnist' } });
    const w = capacityWarnings(mnist, DATASET_DIMS.mnist);
    expect(w).toContain(
      'layer 5 has 3 sign units: at most 8 codes for 10 classes, so it cannot keep them apart.',
    );
    expect(w.some((x) => x.startsWith('layer 1 has 10 units for 784 inputs'))).toBe(true);
    // A paper-sized MNIST network gets no warning.
    const wide = parseLink(
      'v=1&data=mnist&net=1024-bin-bn-ste_sign,20-bin-bn-ste_sign,20-bin-bn-ste_sign',
    ).config;
    expect(capacityWarnings(wide, DATASET_DIMS.mnist)).toEqual([]);
  });

  it('estimates time from work: linear in epochs and replicas, unknown without a measured pace', () => {
    const c = defaultConfig();
    expect(trainSamples(c)).toBe(Math.round(4096 * 0.8));
    const macs = 12 * 10 + 10 * 7 + 7 * 5 + 5 * 4 + 4 * 3 + 3 * 2;
    expect(runWork(c, DATASET_DIMS.bits12)).toBe(4 * macs * trainSamples(c) * c.replicas * c.epochs);
    expect(runWork({ ...c, replicas: 2 * c.replicas }, DATASET_DIMS.bits12)).toBe(
      2 * runWork(c, DATASET_DIMS.bits12),
    );
    expect(runWork(c, DATASET_DIMS.bits12, 1) * c.epochs).toBe(runWork(c, DATASET_DIMS.bits12));
    expect(estimateSeconds(c, DATASET_DIMS.bits12, undefined)).toBeNaN();
    // At the pace of a run that took 2 s for one epoch, the whole run takes 2 s × epochs.
    const pace = 2000 / runWork(c, DATASET_DIMS.bits12, 1);
    expect(estimateSeconds(c, DATASET_DIMS.bits12, pace)).toBeCloseTo(2 * c.epochs, 6);
  });

  it('the guided example is a valid link of a tanh network', () => {
    const { config, issues } = parseLink(EXAMPLE_FRAGMENT);
    expect(issues).toEqual([]);
    expect(config.network.hidden.map((l) => `${l.width}-${l.activation}`)).toEqual([
      '10-tanh',
      '7-tanh',
      '5-tanh',
      '4-tanh',
      '3-tanh',
    ]);
  });
});
