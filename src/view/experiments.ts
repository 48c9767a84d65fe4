/**
 * The paper experiments (src/run/experiments.ts) as the app offers them: each one's link fragment (the
 * same `key=value` link a shared run has, so opening it and pressing Load apply the same configuration),
 * grouped by dataset, and which one the current configuration is. Pure functions; no `location` here.
 *
 *   experimentFragment(experimentById('bits12-dnn-relu')!)
 *     → 'v=1&replicas=8&net=10-float-relu,…&batch=512&epochs=8000&disc=width&log=idnn&logpoints=200'
 *
 * The app cannot always run the full protocol: the browser holds only the first MNIST_ASSET_TRAIN MNIST
 * training images (src/data/mnist.ts), so an experiment that trains on more opens in the app as its
 * browser variant, identical but for `mnist=` (experimentAppFragment), and says so (experimentAppLimit);
 * the full link runs headless. Every experiment's fragments are computed once, on first use.
 */

import { parseConfig, type RunConfig } from '../config/run-config.ts';
import { MNIST_ASSET_TRAIN } from '../data/mnist.ts';
import { DATASET_TITLES, EXPERIMENTS, type Experiment, experimentConfig } from '../run/experiments.ts';
import { serializeLink } from '../run/link.ts';
import { type LiveView, routeFragment } from './route.ts';

interface ExperimentLinks {
  /** The full protocol's fragment, what `bitplane run` and `bitplane reproduce` run. */
  full: string;
  /** The `--quick` smoke test's. */
  quick: string;
  /** The browser variant's: `full`, except MNIST training images capped at MNIST_ASSET_TRAIN. */
  app: string;
  appConfig: RunConfig;
  /** The protocol's MNIST training images, where the browser variant has fewer. */
  protocolTrain?: number;
}

const memo = new WeakMap<Experiment, ExperimentLinks>();

function links(e: Experiment): ExperimentLinks {
  let l = memo.get(e);
  if (!l) {
    const full = parseConfig(experimentConfig(e));
    const capped = full.data.name === 'mnist' && full.data.mnistTrain > MNIST_ASSET_TRAIN;
    const appConfig = capped
      ? parseConfig({ ...full, data: { ...full.data, mnistTrain: MNIST_ASSET_TRAIN } })
      : full;
    l = {
      full: serializeLink(full),
      quick: serializeLink(parseConfig(experimentConfig(e, true))),
      app: serializeLink(appConfig),
      appConfig,
      ...(capped ? { protocolTrain: full.data.mnistTrain } : {}),
    };
    memo.set(e, l);
  }
  return l;
}

/** The experiment's run link, without '#' (full protocol, or the `--quick` smoke-test one). */
export function experimentFragment(e: Experiment, quick = false): string {
  return quick ? links(e).quick : links(e).full;
}

/** The link the app opens and loads: the full protocol as far as the browser can run it. */
export function experimentAppFragment(e: Experiment): string {
  return links(e).app;
}

/** The configuration behind experimentAppFragment. */
export function experimentAppConfig(e: Experiment): RunConfig {
  return links(e).appConfig;
}

/**
 * How the app's variant falls short of the protocol, if it does: it trains on the first `appTrain` of
 * the protocol's `protocolTrain` MNIST images.
 */
export function experimentAppLimit(e: Experiment): { appTrain: number; protocolTrain: number } | undefined {
  const { protocolTrain, appConfig } = links(e);
  return protocolTrain === undefined ? undefined : { appTrain: appConfig.data.mnistTrain, protocolTrain };
}

/** The href that opens the experiment in a view of the app ('#v=1&…' or '#compare&v=1&…'). */
export function experimentHref(e: Experiment, view: LiveView = 'playground'): string {
  return `#${routeFragment(view, experimentAppFragment(e))}`;
}

export interface ExperimentGroup {
  dataset: Experiment['dataset'];
  title: string;
  experiments: Experiment[];
}

/** The experiments by dataset, in DATASET_TITLES' order; datasets without experiments are left out. */
export function experimentGroups(experiments: readonly Experiment[] = EXPERIMENTS): ExperimentGroup[] {
  return (Object.keys(DATASET_TITLES) as Experiment['dataset'][])
    .map((dataset) => ({
      dataset,
      title: DATASET_TITLES[dataset],
      experiments: experiments.filter((e) => e.dataset === dataset),
    }))
    .filter((g) => g.experiments.length > 0);
}

/** The experiment whose full configuration, or its browser variant, the given one is (equal links). */
export function currentExperiment(
  config: RunConfig,
  experiments: readonly Experiment[] = EXPERIMENTS,
): Experiment | undefined {
  const link = serializeLink(config);
  return experiments.find((e) => links(e).app === link || links(e).full === link);
}
