/**
 * The study over experiments (docs/METHOD.md §6): per replica the mean S over its informative layers,
 * per experiment and layer depth the mean over replicas with a bootstrap CI, BNN vs DNN on each dataset
 * with the CI of the difference, a permutation p and the verdict, under the primary settings and under
 * every robustness variant. Pure; the random streams are derived by name from one seed.
 */
import { Rng } from '../util/rng.ts';
import { EXACT_CODES, type Experiment, type ReplicaSeries } from './records.ts';
import {
  bootstrapDiffCI,
  bootstrapMeanCI,
  compressionShare,
  fitIndexByAccuracy,
  fitIndexByInformation,
  type Interval,
  isUninformative,
  mean,
  type PermutationTest,
  PRIMARY_FLOOR,
  PRIMARY_THETA,
  permutationTest,
  type Verdict,
  verdictOf,
  weightedJointShare,
} from './statistic.ts';

export interface StudySettings {
  theta: number;
  fitBy: 'accuracy' | 'information';
  floor: number;
  /** An estimator name, or null for each record's own `info.ixt/ity`. */
  estimator: string | null;
  /** Cut each DNN replica at its test-loss minimum (overfitting is not compression). */
  dnnUntilTestMin: boolean;
}

export const PRIMARY_SETTINGS: Readonly<StudySettings> = Object.freeze({
  theta: PRIMARY_THETA,
  fitBy: 'accuracy',
  floor: PRIMARY_FLOOR,
  estimator: null,
  dnnUntilTestMin: false,
});

/** Fewer fitted replicas than this make a comparison undecidable. */
export const MIN_FITTED = 5;

export interface LayerResult {
  depth: number;
  uninformative: boolean;
  /** D and D_fit, bits; S (null: below the floor). */
  total: number;
  whileFitting: number;
  share: number | null;
}

export interface ReplicaResult {
  file: string;
  replica: number;
  lastEpoch: number;
  /** The epoch of the lowest test loss in the analysed span. */
  testMinEpoch: number;
  gain: number;
  /** e_fit by accuracy (null: did not fit). */
  fitEpoch: number | null;
  layers: LayerResult[];
  /** Mean S over the informative layers with a defined S; null when there is none. */
  value: number | null;
}

export interface Summary {
  values: number[];
  mean: number | null;
  ci: Interval | null;
}

export interface ExperimentResult {
  label: string;
  dataset: string;
  kind: Experiment['kind'];
  /** The estimator was not recorded for this experiment (an estimator variant). */
  missingEstimator: boolean;
  replicas: ReplicaResult[];
  fitted: number;
  /** Informative layer-replicas among the fitted replicas, and those of them below the floor. */
  informative: number;
  noCompression: number;
  uninformative: number;
  primary: Summary;
  depths: (Summary & { depth: number; uninformative: number; noCompression: number })[];
}

function summarize(values: number[], rng: Rng): Summary {
  return {
    values,
    mean: values.length ? mean(values) : null,
    ci: bootstrapMeanCI(values, rng),
  };
}

/** The first index of the smallest test loss (NaN never wins). */
export function testLossMinIndex(testLoss: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < testLoss.length; i++)
    if (testLoss[i] < testLoss[best] || Number.isNaN(testLoss[best])) best = i;
  return best;
}

export function analyzeReplica(
  s: ReplicaSeries,
  kind: Experiment['kind'],
  settings: StudySettings,
  primaryEstimator: string,
  exactCodes = false,
): ReplicaResult | null {
  // Binary layers' exact codes are their estimate under every estimator.
  const est =
    s.estimates.get(settings.estimator ?? primaryEstimator) ??
    (exactCodes ? s.estimates.get(primaryEstimator) : undefined);
  if (!est) return null;
  const len = settings.dnnUntilTestMin && kind === 'DNN' ? testLossMinIndex(s.testLoss) + 1 : s.epochs.length;
  const acc = s.trainAcc.slice(0, len);
  const fit = len >= 2 ? fitIndexByAccuracy(acc, settings.theta) : { index: null, gain: 0 };
  const base = {
    file: s.file,
    replica: s.replica,
    lastEpoch: s.epochs[len - 1] ?? 0,
    testMinEpoch: s.epochs[testLossMinIndex(s.testLoss.slice(0, len))] ?? 0,
    gain: fit.gain,
    fitEpoch: fit.index === null ? null : s.epochs[fit.index],
  };
  if (fit.index === null) return { ...base, layers: [], value: null };
  const fitIndex = fit.index;
  const layers = est.ixt.map((ixtAll, l): LayerResult => {
    const ixt = ixtAll.slice(0, len);
    const at =
      settings.fitBy === 'accuracy'
        ? fitIndex
        : fitIndexByInformation(est.ity[l].slice(0, len), settings.theta);
    const c = compressionShare(ixt, at, settings.floor);
    return { depth: l + 1, uninformative: isUninformative(ixt, est.ceiling), ...c };
  });
  const shares = layers.filter((l) => !l.uninformative && l.share !== null).map((l) => l.share as number);
  return { ...base, layers, value: shares.length ? mean(shares) : null };
}

export function analyzeExperiment(x: Experiment, settings: StudySettings, rng: Rng): ExperimentResult {
  const results = x.replicas.map((s) =>
    analyzeReplica(s, x.kind, settings, x.primaryEstimator, x.exactCodes),
  );
  const replicas = results.filter((r): r is ReplicaResult => r !== null);
  const fitted = replicas.filter((r) => r.fitEpoch !== null);
  const layerResults = fitted.flatMap((r) => r.layers);
  const depths = Array.from({ length: x.depths }, (_, l) => {
    const at = fitted.map((r) => r.layers[l]);
    const ok = at.filter((c) => !c.uninformative && c.share !== null).map((c) => c.share as number);
    return {
      depth: l + 1,
      ...summarize(ok, rng.derive(`depth ${l + 1}`)),
      uninformative: at.filter((c) => c.uninformative).length,
      noCompression: at.filter((c) => !c.uninformative && c.share === null).length,
    };
  });
  return {
    label: x.label,
    dataset: x.dataset,
    kind: x.kind,
    missingEstimator: x.replicas.length > 0 && replicas.length < x.replicas.length,
    replicas,
    fitted: fitted.length,
    informative: layerResults.filter((c) => !c.uninformative).length,
    noCompression: layerResults.filter((c) => !c.uninformative && c.share === null).length,
    uninformative: layerResults.filter((c) => c.uninformative).length,
    primary: summarize(
      fitted.filter((r) => r.value !== null).map((r) => r.value as number),
      rng.derive('replicas'),
    ),
    depths,
  };
}

export interface Comparison {
  dataset: string;
  bnn: string;
  dnn: string;
  /** S_BNN − S_DNN, its CI and the permutation test (null when undecidable). */
  diff: number | null;
  ci: Interval | null;
  test: PermutationTest | null;
  verdict: Verdict;
  /** Why it is undecidable. */
  reason?: string;
  /** A side did not record the variant's estimator: the row says nothing about robustness. */
  notRecorded?: boolean;
  nBnn: number;
  nDnn: number;
}

function undecidableReason(x: ExperimentResult): string | null {
  if (x.missingEstimator) return `${x.label} did not record this estimator`;
  if (x.fitted < MIN_FITTED) return `${x.label} has ${x.fitted} fitted replicas (fewer than ${MIN_FITTED})`;
  if (x.informative === 0) return `${x.label} has no informative layer`;
  if (x.primary.values.length === 0) return `${x.label} shows no compression above the floor`;
  return null;
}

export function compare(b: ExperimentResult, d: ExperimentResult, rng: Rng): Comparison {
  const base = {
    dataset: b.dataset,
    bnn: b.label,
    dnn: d.label,
    nBnn: b.primary.values.length,
    nDnn: d.primary.values.length,
  };
  const reasons = [undecidableReason(b), undecidableReason(d)].filter((r) => r !== null);
  const reason = reasons.length ? reasons.join('; ') : null;
  if (reason !== null) {
    const notRecorded = b.missingEstimator || d.missingEstimator;
    return { ...base, diff: null, ci: null, test: null, verdict: 'undecidable', reason, notRecorded };
  }
  const ci = bootstrapDiffCI(b.primary.values, d.primary.values, rng.derive('bootstrap'));
  return {
    ...base,
    diff: mean(b.primary.values) - mean(d.primary.values),
    ci,
    test: permutationTest(b.primary.values, d.primary.values, rng.derive('permutation')),
    verdict: verdictOf(ci),
  };
}

export interface StudyRun {
  settings: StudySettings;
  experiments: ExperimentResult[];
  comparisons: Comparison[];
}

/** Every experiment under `settings`, and every BNN against every DNN of the same dataset. */
export function runStudy(
  experiments: readonly Experiment[],
  settings: StudySettings,
  seed: number,
): StudyRun {
  const root = new Rng(seed);
  const results = experiments.map((x) =>
    analyzeExperiment(x, settings, root.derive(`experiment ${x.dataset} ${x.label}`)),
  );
  const comparisons: Comparison[] = [];
  for (const b of results.filter((r) => r.kind === 'BNN'))
    for (const d of results.filter((r) => r.kind === 'DNN' && r.dataset === b.dataset))
      comparisons.push(compare(b, d, root.derive(`compare ${b.dataset} ${b.label} vs ${d.label}`)));
  return { settings, experiments: results, comparisons };
}

export interface Variant {
  name: string;
  settings: StudySettings;
}

/** The robustness sweep: the primary, each threshold, fitting by I(T;Y), each floor, the DNN cut, each estimator. */
export function robustnessVariants(experiments: readonly Experiment[]): Variant[] {
  const p = PRIMARY_SETTINGS;
  const v: Variant[] = [
    { name: 'primary (θ 0.9, accuracy, floor 0.1 bit, recorded estimator)', settings: { ...p } },
  ];
  for (const theta of [0.8, 0.95, 0.99]) v.push({ name: `θ ${theta}`, settings: { ...p, theta } });
  v.push({
    name: 'fitting by I(T;Y) (90 % of the layer’s maximum)',
    settings: { ...p, fitBy: 'information' },
  });
  for (const floor of [0.05, 0.25]) v.push({ name: `floor ${floor} bit`, settings: { ...p, floor } });
  v.push({ name: 'DNN up to its test-loss minimum', settings: { ...p, dnnUntilTestMin: true } });
  // An estimator is a variant where some record holds it next to its own: rows of every record's own
  // estimator would only repeat the primary.
  const names = new Set<string>();
  for (const x of experiments)
    for (const s of x.replicas)
      for (const k of s.estimates.keys()) if (k !== x.primaryEstimator && k !== EXACT_CODES) names.add(k);
  for (const name of names) v.push({ name: `estimator ${name}`, settings: { ...p, estimator: name } });
  return v;
}

export interface JointShare {
  label: string;
  dataset: string;
  /** Per-replica means over informative layers. */
  share: Summary;
  chance: Summary;
  /** share − chance per replica, with its CI. */
  excess: Summary;
}

/** The old share measure, smoothed and bits-weighted, next to its shuffled-order baseline (descriptive). */
export function jointShares(experiments: readonly Experiment[], seed: number): JointShare[] {
  const root = new Rng(seed);
  return experiments.map((x) => {
    const rng = root.derive(`joint ${x.dataset} ${x.label}`);
    const share: number[] = [];
    const chance: number[] = [];
    for (const s of x.replicas) {
      const est = s.estimates.get(x.primaryEstimator);
      if (!est) continue;
      const per = est.ixt
        .map((ixt, l) =>
          isUninformative(ixt, est.ceiling)
            ? null
            : weightedJointShare(ixt, est.ity[l], rng.derive(`${s.file} ${s.replica} ${l}`)),
        )
        .filter((j) => j !== null);
      if (per.length === 0) continue;
      share.push(mean(per.map((j) => j.share)));
      chance.push(mean(per.map((j) => j.chance)));
    }
    return {
      label: x.label,
      dataset: x.dataset,
      share: summarize(share, rng.derive('share')),
      chance: summarize(chance, rng.derive('chance')),
      excess: summarize(
        share.map((v, i) => v - chance[i]),
        rng.derive('excess'),
      ),
    };
  });
}
