/**
 * The paper experiments as links (src/view/experiments.ts): every experiment's configuration, full and
 * quick, is valid; its link opens without a single issue and gives back the same configuration; the
 * links are distinct; grouping and "which one is loaded" agree with the table.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../src/run/config.ts';
import { DATASET_TITLES, EXPERIMENTS, experimentConfig } from '../src/run/experiments.ts';
import { parseLink, serializeLink } from '../src/run/link.ts';
import {
  currentExperiment,
  experimentFragment,
  experimentGroups,
  experimentHref,
} from '../src/view/experiments.ts';
import { parseRoute } from '../src/view/route.ts';

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
    expect(keys.get('replicas')).toBe('8');
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
