/**
 * The paper experiments (src/run/experiments.ts) as the app offers them: each one's link fragment (the
 * same `key=value` link a shared run has, so opening it and pressing Load apply the same configuration),
 * grouped by dataset, and which one the current configuration is. Pure functions; no `location` here.
 *
 *   experimentFragment(experimentById('bits12-dnn-relu')!)
 *     → 'v=1&replicas=8&net=10-float-relu,…&batch=512&epochs=8000&disc=width&log=idnn&logpoints=200'
 */
import { parseConfig, type RunConfig } from '../run/config.ts';
import { DATASET_TITLES, EXPERIMENTS, type Experiment, experimentConfig } from '../run/experiments.ts';
import { serializeLink } from '../run/link.ts';
import { routeFragment } from './route.ts';

/** The experiment's run link, without '#' (full protocol, or the `--quick` smoke-test one). */
export function experimentFragment(e: Experiment, quick = false): string {
  return serializeLink(parseConfig(experimentConfig(e, quick)));
}

/** The href that opens the experiment in a view of the app ('#v=1&…' or '#compare&v=1&…'). */
export function experimentHref(e: Experiment, view: 'playground' | 'compare' = 'playground'): string {
  return `#${routeFragment(view, experimentFragment(e))}`;
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

/** The experiment whose full configuration the given one is (equal links), if any. */
export function currentExperiment(
  config: RunConfig,
  experiments: readonly Experiment[] = EXPERIMENTS,
): Experiment | undefined {
  const link = serializeLink(config);
  return experiments.find((e) => experimentFragment(e) === link);
}
