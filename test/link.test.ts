/**
 * Links: configuration → readable fragment → the same configuration; defaults are left out; a bad field
 * is reported by its key and the rest still applies. (The property-based fuzzing of the parser belongs
 * to the app's link work; these are the fixed cases.)
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../src/config/run-config.ts';
import { fragmentOf, parseLink, serializeLink } from '../src/run/link.ts';

describe('links', () => {
  it('the defaults serialize to the version alone', () => {
    expect(serializeLink(defaultConfig())).toBe('v=1');
    expect(parseLink('')).toEqual({ config: defaultConfig(), issues: [] });
    expect(parseLink('#v=1').config).toEqual(defaultConfig());
  });

  it('round-trips every kind of field', () => {
    const config = parseConfig({
      seed: 42,
      replicas: 8,
      data: { name: 'spiral', samples: 777, noise: 0.25, trainFraction: 0.7, split: 'first-rows' },
      network: {
        hidden: [
          { width: 32, weights: 'float', batchNorm: true, activation: 'relu' },
          { width: 16, weights: 'binary', batchNorm: false, activation: 'swish_sign' },
          { width: 8, weights: 'binary', batchNorm: true, activation: 'magnitude_aware_sign' },
        ],
        outputWeights: 'binary',
        init: 'glorot',
      },
      optimizer: { name: 'sgd', lr: 0.0123456789, clip: 0.5 },
      batchSize: 100,
      epochs: 12345,
    });
    const link = serializeLink(config);
    expect(link).toContain('net=32-float-bn-relu,16-bin-swish_sign,8-bin-bn-magnitude_aware_sign');
    expect(link).toContain('lr=0.0123456789');
    expect(link).not.toContain('beta1'); // a default
    expect(parseLink(link)).toEqual({ config, issues: [] });
    expect(parseLink(`https://example.org/bitplane/#${link}`).config).toEqual(config);
  });

  it('an empty hidden list round-trips', () => {
    const config = parseConfig({ network: { hidden: [] } });
    expect(parseLink(serializeLink(config)).config).toEqual(config);
  });

  it('names each bad field and applies the rest', () => {
    const { config, issues } = parseLink(
      'v=1&lr=fast&replicas=0&epochs=7&net=12-bin-bn-nope&bogus=1&data=digits',
    );
    expect(issues.map((i) => i.key).sort()).toEqual(['bogus', 'lr', 'net', 'replicas']);
    expect(issues.find((i) => i.key === 'net')?.message).toMatch(/must be one of .*ste_sign/);
    expect(config.epochs).toBe(7);
    expect(config.data.name).toBe('digits');
    expect(config.optimizer.lr).toBe(defaultConfig().optimizer.lr);
  });

  it('refuses another link version, keeps going', () => {
    const { issues, config } = parseLink('v=9&epochs=3');
    expect(issues).toEqual([
      expect.objectContaining({ key: 'v', message: expect.stringMatching(/version 9/) }),
    ]);
    expect(config.epochs).toBe(3);
  });

  it('survives malformed percent-encoding and repeated keys', () => {
    const { issues } = parseLink('v=1&seed=%E0%A4%A&seed=3&seed=4');
    expect(issues.map((i) => i.key)).toContain('seed');
    expect(fragmentOf('a#b#c')).toBe('b#c');
  });
});

describe('MNIST sizes in links', () => {
  it('mnisttest round-trips, is left out at its default, and a bad value names it', () => {
    expect(defaultConfig().data.mnistTest).toBe(10000);
    const config = parseConfig({ data: { name: 'mnist', mnistTrain: 2000, mnistTest: 500 } });
    const link = serializeLink(config);
    expect(link).toBe('v=1&data=mnist&mnist=2000&mnisttest=500');
    expect(parseLink(link)).toEqual({ config, issues: [] });
    expect(serializeLink(parseConfig({ data: { name: 'mnist', mnistTest: 10000 } }))).toBe('v=1&data=mnist');
    for (const v of ['0', '10001']) {
      const { config: c, issues } = parseLink(`v=1&data=mnist&mnisttest=${v}&epochs=3`);
      expect(issues).toEqual([expect.objectContaining({ key: 'mnisttest', field: 'data.mnistTest' })]);
      expect([c.data.mnistTest, c.epochs]).toEqual([10000, 3]);
    }
  });
});

describe('estimator settings in links', () => {
  it('round-trip, and an impossible range names the field', () => {
    const config = parseConfig({
      estimator: {
        discretization: 'adaptive',
        bins: 12,
        set: 'test',
        millerMadow: true,
        kde: true,
        kdeVariance: 0.01,
      },
    });
    const link = serializeLink(config);
    expect(link).toBe('v=1&disc=adaptive&bins=12&est=test&mm=1&kde=1&kdevar=0.01');
    expect(parseLink(link).config).toEqual(config);
    const bad = parseLink('v=1&lo=2&hi=1&bins=0&width=-1');
    expect(bad.issues.map((i) => i.key).sort()).toEqual(['bins', 'hi', 'lo', 'width']);
    expect(bad.issues.find((i) => i.key === 'lo')?.message).toMatch(/needs lo < hi/);
  });
});

describe('runs that cannot work are refused at validation, naming the field', () => {
  const fields = (input: object) => {
    try {
      parseConfig(input);
      return [];
    } catch (e) {
      return (e as { issues: { field: string }[] }).issues.map((i) => i.field);
    }
  };
  it('batch normalization with minibatches of 1', () => {
    expect(fields({ batchSize: 1 })).toEqual(['batchSize']);
    expect(
      fields({
        batchSize: 1,
        network: { hidden: [{ width: 3, weights: 'float', batchNorm: false, activation: 'tanh' }] },
      }),
    ).toEqual([]);
  });
  it('a toy split that leaves a part empty', () => {
    expect(fields({ data: { name: 'circle', samples: 2, trainFraction: 0.01 } })).toEqual([
      'data.trainFraction',
    ]);
    expect(fields({ data: { name: 'circle', samples: 10, trainFraction: 0.5 } })).toEqual([]);
  });
  it('an MNIST test subset outside 1..10000', () => {
    expect(fields({ data: { name: 'mnist', mnistTest: 0 } })).toEqual(['data.mnistTest']);
    expect(fields({ data: { name: 'mnist', mnistTest: 10001 } })).toEqual(['data.mnistTest']);
    expect(fields({ data: { name: 'mnist', mnistTest: 1 } })).toEqual([]);
    expect(fields({ data: { name: 'mnist', mnistTest: 10000 } })).toEqual([]);
  });
  it('a bin range that collapses in 32-bit floats', () => {
    expect(fields({ estimator: { lo: 0, hi: 1e-50 } })).toEqual(['estimator.lo', 'estimator.hi']);
  });
});
