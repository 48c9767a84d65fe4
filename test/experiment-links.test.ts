/**
 * The paper experiments as links (src/view/experiments.ts): every experiment's configuration, full and
 * quick, is valid; its link opens without a single issue and gives back the same configuration; the
 * links are distinct; the app's links differ from the full ones only where the browser lacks MNIST
 * training images, and then only in those; grouping and "which one is loaded" agree with the table.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig, type RunConfig } from '../src/config/run-config.ts';
import { validateDatasetSpec } from '../src/data/load.ts';
import { MNIST_ASSET_TRAIN } from '../src/data/mnist.ts';
import { DATASET_TITLES, EXPERIMENTS, experimentConfig } from '../src/run/experiments.ts';
import { parseLink, serializeLink } from '../src/run/link.ts';
import {
  currentExperiment,
  experimentAppConfig,
  experimentAppFragment,
  experimentAppLimit,
  experimentFragment,
  experimentGroups,
  experimentHref,
} from '../src/view/experiments.ts';
import { parseRoute } from '../src/view/route.ts';

/** The dataset spec a run loads (as src/run/prepare.ts builds it), checked as the browser checks it. */
const browserCheck = (c: RunConfig) => {
  const { name, samples, noise, encoding, mnistTrain, mnistTest } = c.data;
  return () => validateDatasetSpec({ name, samples, noise, encoding, mnistTrain, mnistTest }, 'browser');
};

describe('paper experiment links', () => {
  for (const e of EXPERIMENTS) {
    for (const quick of [false, true]) {
      it(`${e.id}${quick ? ' (quick)' : ''}: its link opens without issues and gives its configuration back`, () => {
        const config = parseConfig(experimentConfig(e, quick));
        const fragment = experimentFragment(e, quick);
        expect(fragment).toBe(serializeLink(config));
        const opened = parseLink(fragment);
        expect(opened.issues).toEqual([]);
        expect(opened.config).toEqual(config);
        expect(parseConfig(opened.config)).toEqual(config);
        expect(serializeLink(opened.config)).toBe(fragment);
      });
    }
  }

  it('match the protocol each states (a few fields read from the link itself)', () => {
    const relu = EXPERIMENTS.find((x) => x.id === 'bits12-dnn-relu')!;
    const keys = new URLSearchParams(experimentFragment(relu));
    expect(keys.get('net')).toBe('10-float-relu,7-float-relu,5-float-relu,4-float-relu,3-float-relu');
    expect(keys.get('batch')).toBe('512');
    expect(keys.get('epochs')).toBe('8000');
    expect(keys.get('replicas')).toBe('20');
    expect(keys.get('disc')).toBe('width');
    expect(keys.get('log')).toBe('idnn');
    const mnist = new URLSearchParams(
      experimentFragment(EXPERIMENTS.find((x) => x.id === 'mnist-dnn-tanh')!),
    );
    expect(mnist.get('data')).toBe('mnist');
    expect(mnist.get('mnist')).toBe('60000');
    expect(mnist.get('opt')).toBe('sgd');
    expect(mnist.get('lr')).toBe('0.001');
    expect(mnist.get('est')).toBe('test');
  });

  it('are distinct, differ from the defaults, and name the view they open', () => {
    const fragments = EXPERIMENTS.map((e) => experimentFragment(e));
    expect(new Set(fragments).size).toBe(EXPERIMENTS.length);
    expect(fragments).not.toContain(serializeLink(defaultConfig()));
    const e = EXPERIMENTS[0];
    expect(e.dataset).not.toBe('mnist');
    expect(parseRoute(experimentHref(e))).toEqual({ view: 'playground', rest: experimentFragment(e) });
    expect(parseRoute(experimentHref(e, 'compare'))).toEqual({
      view: 'compare',
      rest: experimentFragment(e),
    });
  });

  it('are grouped by dataset in the titles’ order, every experiment once', () => {
    const groups = experimentGroups();
    expect(groups.map((g) => g.dataset)).toEqual(Object.keys(DATASET_TITLES));
    expect(groups.map((g) => g.title)).toEqual(Object.values(DATASET_TITLES));
    expect(groups.flatMap((g) => g.experiments.map((e) => e.id)).sort()).toEqual(
      EXPERIMENTS.map((e) => e.id).sort(),
    );
    for (const g of groups) expect(g.experiments.every((e) => e.dataset === g.dataset)).toBe(true);
  });

  it('know which experiment a configuration is, and not after an edit', () => {
    for (const e of EXPERIMENTS) expect(currentExperiment(parseConfig(e.config))?.id).toBe(e.id);
    const relu = parseConfig(EXPERIMENTS.find((x) => x.id === 'bits12-dnn-relu')!.config);
    expect(currentExperiment({ ...relu, seed: 2 })).toBeUndefined();
    expect(currentExperiment(parseConfig(experimentConfig(EXPERIMENTS[0], true)))).toBeUndefined();
    expect(currentExperiment(defaultConfig())).toBeUndefined();
  });
});

describe('paper experiment links in the app', () => {
  const mnistIds = EXPERIMENTS.filter((e) => e.dataset === 'mnist').map((e) => e.id);

  it('MNIST: the app trains on the images the browser holds, the full link on all 60,000', () => {
    expect(mnistIds.length).toBeGreaterThan(0);
    for (const id of mnistIds) {
      const e = EXPERIMENTS.find((x) => x.id === id)!;
      const full = parseLink(experimentFragment(e));
      const app = parseLink(experimentAppFragment(e));
      expect(full.issues).toEqual([]);
      expect(app.issues).toEqual([]);
      expect(new URLSearchParams(experimentFragment(e)).get('mnist')).toBe('60000');
      // 10,000 is the schema's default, so the app's link may leave the key out.
      expect(new URLSearchParams(experimentAppFragment(e)).get('mnist') ?? '10000').toBe('10000');
      expect(app.config.data.mnistTrain).toBe(MNIST_ASSET_TRAIN);
      expect(app.config).toEqual(experimentAppConfig(e));
      // Identical but for the training images.
      expect({ ...app.config, data: { ...app.config.data, mnistTrain: 60_000 } }).toEqual(full.config);
      // The browser refuses the full protocol's dataset and loads the app's.
      expect(browserCheck(full.config)).toThrow(
        /mnistTrain must be an integer in \[1, 10000\] in the browser/,
      );
      expect(browserCheck(app.config)).not.toThrow();
      expect(experimentAppLimit(e)).toEqual({ appTrain: MNIST_ASSET_TRAIN, protocolTrain: 60_000 });
      expect(parseRoute(experimentHref(e))).toEqual({ view: 'playground', rest: experimentAppFragment(e) });
    }
  });

  it('every other experiment opens in the app as its full protocol', () => {
    for (const e of EXPERIMENTS.filter((x) => !mnistIds.includes(x.id))) {
      expect(experimentAppFragment(e)).toBe(experimentFragment(e));
      expect(experimentAppLimit(e)).toBeUndefined();
      expect(browserCheck(experimentAppConfig(e))).not.toThrow();
    }
  });

  it('the app links are distinct, and either link is recognised as its experiment', () => {
    expect(new Set(EXPERIMENTS.map(experimentAppFragment)).size).toBe(EXPERIMENTS.length);
    for (const e of EXPERIMENTS) {
      expect(currentExperiment(experimentAppConfig(e))?.id).toBe(e.id);
      expect(currentExperiment(parseLink(experimentAppFragment(e)).config)?.id).toBe(e.id);
      expect(currentExperiment(parseLink(experimentFragment(e)).config)?.id).toBe(e.id);
    }
    const mnist = experimentAppConfig(EXPERIMENTS.find((x) => x.id === mnistIds[0])!);
    expect(currentExperiment({ ...mnist, data: { ...mnist.data, mnistTrain: 5000 } })).toBeUndefined();
  });

  it('computes each link once', () => {
    const e = EXPERIMENTS[0];
    expect(experimentAppConfig(e)).toBe(experimentAppConfig(e));
  });
});
