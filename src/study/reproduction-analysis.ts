/**
 * The reproduction study's analysis (pure; rendered by study/report.ts): per experiment's result record,
 * its final accuracy and per-layer phase measures (docs/METHOD.md §1, §6: epoch of the I(X;T) peak, epoch
 * of 90 % of the I(T;Y) maximum, share of logged epochs compressing while fitting) as mean and range over
 * replicas, when each layer compresses (src/info/phases.ts compressionTiming), which layers are left out
 * of the verdicts and why (src/info/reliability.ts), and a verdict per dataset on the claim: do the BNNs
 * fit and compress at once while the DNNs show separate phases?
 */
import {
  type CompressionTiming,
  compressionTiming,
  peakAndFit,
  type Spread,
  spread,
  strictMajority,
  summarizePhases,
} from '../info/phases.ts';
import { nearCeilingShares, UNRELIABLE_SHARE } from '../info/reliability.ts';
import type { Experiment } from '../run/experiments.ts';
import type { RunRecord } from '../run/record.ts';

export interface LayerAnalysis {
  /** Index into the record's layers. */
  index: number;
  name: string;
  width: number;
  kind: string;
  /** Share of (replica, logged epoch) pairs whose I(X;T) estimate is near the log2 N ceiling. */
  nearCeilingShare: number;
  /** Share of replicas whose I(T;Y) is already ≥ 90 % of its maximum at epoch 0 (no fitting to locate). */
  fitAtStartShare: number;
  /** Why the layer is left out of the verdicts (null: counted). */
  excluded: string | null;
  phases: { ixtPeakEpoch: Spread; ity90Epoch: Spread; jointShare: Spread };
  /** Per replica. */
  timings: CompressionTiming[];
  /** The timing held by more than half of the replicas, else null (mixed). */
  timing: CompressionTiming | null;
  /** Compression C (bits), mean over replicas. */
  compression: number;
}

export interface ExperimentAnalysis {
  layers: LayerAnalysis[];
  finalTrainAcc: Spread;
  finalTestAcc: Spread;
  epochsDone: number;
  /**
   * Set when most of the training accuracy's gain is already there at the first logged epoch after 0: the
   * logged points cannot tell compression while fitting from compression after it.
   */
  unresolved: { epoch: number; share: number } | null;
}

function layerKind(l: RunRecord['layers'][number]): string {
  const weights = l.binary ? 'binary' : 'float';
  return `${weights}${l.batch_norm ? '+BN' : ''}, ${l.activation}`;
}

/** Fitting is unresolved when the first logged epoch already has this share of the accuracy's gain. */
export const UNRESOLVED_GAIN = 0.8;

/** The arithmetic mean (NaN for none). */
export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function fitResolution(record: RunRecord): ExperimentAnalysis['unresolved'] {
  const acc = (e: number) => mean(record.metrics.train_acc.map((rep) => rep[e]));
  const n = record.epochs.length;
  if (n < 3) return { epoch: record.epochs[n - 1] ?? 0, share: 1 };
  const gain = acc(n - 1) - acc(0);
  const share = gain > 0 ? (acc(1) - acc(0)) / gain : 0;
  return share >= UNRESOLVED_GAIN ? { epoch: record.epochs[1], share } : null;
}

export function analyzeRecord(record: RunRecord): ExperimentAnalysis {
  const { epochs, info, metrics } = record;
  const phases = summarizePhases(epochs, info.ixt, info.ity);
  const unresolved = fitResolution(record);
  const nearShares = nearCeilingShares(info);
  const layers = info.layers.map((index, j): LayerAnalysis => {
    const layer = record.layers[index];
    const ity = info.ity.map((rep) => rep.map((e) => e[j]));
    const measures = info.ixt.map((rep, r) =>
      compressionTiming(
        rep.map((e) => e[j]),
        ity[r],
      ),
    );
    const fitAtStart = ity.filter((t) => peakAndFit(t, t).fit === 0 && Math.max(...t) > 0).length;
    const timings = measures.map((m) => m.timing);
    const nearCeilingShare = nearShares[j];
    const fitAtStartShare = fitAtStart / ity.length;
    const excluded =
      nearCeilingShare > UNRELIABLE_SHARE
        ? `near log2 N in ${f(100 * nearCeilingShare)} % of points`
        : fitAtStartShare > UNRELIABLE_SHARE
          ? `I(T;Y) ≥ 90 % of its maximum at epoch 0 in ${fitAtStart}/${ity.length} replicas: no fitting to locate`
          : unresolved
            ? 'fitting not resolved by the logged epochs'
            : null;
    return {
      index,
      name: layer.name,
      width: layer.width,
      kind: layerKind(layer),
      nearCeilingShare,
      fitAtStartShare,
      excluded,
      phases: phases[j],
      timings,
      timing: strictMajority(timings),
      compression: mean(measures.map((m) => m.compression)),
    };
  });
  const last = (rows: number[][]) => spread(rows.map((rep) => rep[rep.length - 1] ?? Number.NaN));
  return {
    layers,
    finalTrainAcc: last(metrics.train_acc),
    finalTestAcc: last(metrics.test_acc),
    epochsDone: epochs[epochs.length - 1] ?? 0,
    unresolved,
  };
}

export type Verdict = 'holds' | 'does not hold' | 'partly' | 'cannot tell';

export interface DatasetVerdict {
  dataset: Experiment['dataset'];
  verdict: Verdict;
  /** Counted layers of the BNNs (see LayerAnalysis.excluded) that compress while fitting / all counted. */
  bnn: { whileFitting: number; counted: number; layers: number; jointShare: number };
  /** Counted layers of the tanh DNNs that compress after fitting / all counted. */
  dnn: { afterFitting: number; counted: number; layers: number; jointShare: number };
  /** One or two sentences. */
  text: string;
  /** docs/METHOD.md §1's share measure, compared; says so when it points against the claim. */
  shareText: string;
}

const isTanhDnn = (e: Experiment) =>
  e.role === 'dnn' && (e.config.network?.hidden ?? []).every((l) => l.activation === 'tanh');

export function datasetVerdict(
  dataset: Experiment['dataset'],
  analyzed: { experiment: Experiment; analysis: ExperimentAnalysis }[],
): DatasetVerdict {
  const mine = analyzed.filter((a) => a.experiment.dataset === dataset);
  const tally = (side: typeof mine, want: CompressionTiming) => {
    const all = side.flatMap((a) => a.analysis.layers);
    const counted = all.filter((l) => l.excluded === null);
    return {
      hit: counted.filter((l) => l.timing === want).length,
      counted: counted.length,
      layers: all.length,
      jointShare: counted.length ? mean(counted.map((l) => l.phases.jointShare.mean)) : Number.NaN,
    };
  };
  const b = tally(
    mine.filter((a) => a.experiment.role === 'bnn'),
    'while-fitting',
  );
  const d = tally(
    mine.filter((a) => isTanhDnn(a.experiment)),
    'after-fitting',
  );
  const bnn = { whileFitting: b.hit, counted: b.counted, layers: b.layers, jointShare: b.jointShare };
  const dnn = { afterFitting: d.hit, counted: d.counted, layers: d.layers, jointShare: d.jointShare };
  const none = 'no layer counted (unreliable estimates or unresolved fitting)';
  const bnnText = b.counted
    ? `BNNs: ${b.hit} of ${b.counted} counted layers compress while fitting`
    : b.layers
      ? `BNNs: ${none}`
      : 'BNNs: not run';
  const dnnText = d.counted
    ? `tanh DNN: ${d.hit} of ${d.counted} counted layers compress after fitting (separate phases)`
    : d.layers
      ? `tanh DNN: ${none}`
      : 'tanh DNN: not run';
  let verdict: Verdict;
  if (!b.counted || !d.counted) verdict = 'cannot tell';
  else {
    const bnnOk = b.hit * 2 > b.counted;
    const dnnOk = d.hit * 2 > d.counted;
    verdict = bnnOk && dnnOk ? 'holds' : bnnOk || dnnOk ? 'partly' : 'does not hold';
  }
  const failing =
    verdict === 'partly'
      ? b.hit * 2 > b.counted
        ? ' The DNN side disagrees with the claim: its layers do not show separate phases here.'
        : ' The BNN side disagrees with the claim: most of its layers do not compress while fitting here.'
      : verdict === 'does not hold'
        ? ' Both sides disagree with the claim here.'
        : '';
  let shareText = '';
  if (b.counted && d.counted) {
    const pct = (x: number) => `${f(100 * x)} %`;
    shareText =
      `Share of logged steps in which I(X;T) falls while I(T;Y) rises (docs/METHOD.md §1), mean over counted layers: ` +
      `BNNs ${pct(b.jointShare)}, tanh DNN ${pct(d.jointShare)}.` +
      (b.jointShare > d.jointShare
        ? ''
        : ' **This measure points against the claim**: the DNN spends at least as large a share of its steps compressing while fitting as the BNNs do.');
  }
  return { dataset, verdict, bnn, dnn, text: `${bnnText}; ${dnnText}.${failing}`, shareText };
}

/** A number with `digits` decimals, or "–" when it is not finite (the verdicts' and the report's format). */
export const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
