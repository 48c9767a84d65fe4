/**
 * The reproduction report (`REPRODUCTION.md`, written by `bitplane reproduce`): from the experiments'
 * result records, per experiment its figure, final accuracy and per-layer phase measures (docs/METHOD.md §1:
 * epoch of the I(X;T) peak, epoch of 90 % of the I(T;Y) maximum, share of logged epochs compressing while
 * fitting) as mean and range over replicas, when each layer compresses (src/info/phases.ts
 * compressionTiming), and a verdict per dataset on the claim: do the BNNs fit and compress at once while
 * the DNNs show separate phases?
 *
 * Honest by construction: a layer whose plug-in estimate sits near log2 N for most logged epochs is marked
 * unreliable and left out of the verdict; a verdict that goes against the claim says so; experiments that
 * stopped early or did not run are listed as such. Pure: records in, Markdown out.
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
import { DATASET_TITLES, type Experiment } from './experiments.ts';
import type { RunRecord } from './record.ts';

export interface ReproductionEntry {
  experiment: Experiment;
  /** Null when the experiment did not run (or its record could not be read). */
  record: RunRecord | null;
  /** The figure's path relative to the report, when drawn. */
  figure?: string;
  /** The record's path relative to the report. */
  recordPath?: string;
  /** Why there is no record. */
  error?: string;
}

export interface ReproductionInput {
  quick: boolean;
  entries: ReproductionEntry[];
  /**
   * The `reproduce` invocations that trained the records, each with its wall time in seconds (experiments
   * may run in parallel, so it is not the sum of the records' times).
   */
  parts: { command: string; wall_s: number; experiments: string[] }[];
  /** Where and how the records were made, when more needs saying than the commands (the manifest's notes). */
  notes?: string[];
  /** Why figures are missing, if they are. */
  figuresNote?: string;
}

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

/** A layer is unreliable when its estimate is near the ceiling for more than half the logged points. */
export const UNRELIABLE_SHARE = 0.5;
/** Fitting is unresolved when the first logged epoch already has this share of the accuracy's gain. */
export const UNRESOLVED_GAIN = 0.8;

/**
 * Per estimated layer (info.layers' order), the share of its (replica, logged epoch) points whose I(X;T)
 * estimate is near the log2 N ceiling (0 without points). A layer is unreliable above UNRELIABLE_SHARE.
 */
export function nearCeilingShares(info: Pick<RunRecord['info'], 'layers' | 'near_ceiling'>): number[] {
  return info.layers.map((_, j) => {
    let near = 0;
    let count = 0;
    for (const rep of info.near_ceiling)
      for (const e of rep) {
        count++;
        if (e[j]) near++;
      }
    return count ? near / count : 0;
  });
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

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

const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const range = (s: Spread, digits = 0) =>
  s.min === s.max ? f(s.mean, digits) : `${f(s.mean, digits)} (${f(s.min, digits)}–${f(s.max, digits)})`;

const TIMING_WORDS: Record<CompressionTiming, string> = {
  'while-fitting': 'while fitting',
  'after-fitting': 'after fitting',
  none: 'no compression',
};

function timingCell(l: LayerAnalysis): string {
  const n = l.timings.length;
  if (l.timing) return `${TIMING_WORDS[l.timing]} (${l.timings.filter((t) => t === l.timing).length}/${n})`;
  const counts = (['while-fitting', 'after-fitting', 'none'] as const)
    .map((t) => [t, l.timings.filter((x) => x === t).length] as const)
    .filter(([, c]) => c > 0)
    .map(([t, c]) => `${TIMING_WORDS[t]} ${c}/${n}`);
  return `mixed: ${counts.join(', ')}`;
}

function fmtDuration(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

function experimentSection(entry: ReproductionEntry, analysis: ExperimentAnalysis | null): string {
  const { experiment: e, record } = entry;
  const out: string[] = [`### ${e.title}`, ''];
  out.push(`- Protocol: ${e.protocol}.`, `- Source: ${e.source}.`);
  if (record) out.push(`- Link: \`#${record.link}\``);
  if (!record || !analysis) {
    out.push('', `**Not run**${entry.error ? `: ${entry.error}` : ''}.`, '');
    return out.join('\n');
  }
  const epochs = record.config.epochs;
  if (record.status !== 'complete') {
    out.push(
      `- **Stopped early (${record.status}) at epoch ${analysis.epochsDone} of ${epochs}**${record.status === 'diverged' && record.message ? `: ${record.message}` : ''}. The measures below cover the epochs it ran.`,
    );
  }
  out.push(
    `- Final accuracy, train / test: ${range(analysis.finalTrainAcc, 3)} / ${range(analysis.finalTestAcc, 3)} ` +
      `over ${record.config.replicas} replicas; ${record.epochs.length} logged epochs; ` +
      `${record.timing.total_s.toFixed(0)} s (${record.timing.epoch_ms_median.toFixed(1)} ms per epoch, median).`,
  );
  if (analysis.unresolved) {
    out.push(
      `- **Fitting is not resolved**: the first logged epoch after the initialisation (epoch ${analysis.unresolved.epoch}) ` +
        `already has ${f(100 * analysis.unresolved.share)} % of the training accuracy's gain, so the logged points cannot ` +
        'tell compression while fitting from compression after it; no layer of this run is counted in the verdicts.',
    );
  }
  if (entry.recordPath) out.push(`- Record: [${entry.recordPath}](${entry.recordPath})`);
  out.push('');
  if (entry.figure) out.push(`![${e.title}](${entry.figure})`, '');
  out.push(
    `Estimates over ${record.info.n} samples (${record.info.set} set); ceiling log2 N = ${f(record.info.ceilings.ixt, 2)} bits, H(Y) = ${f(record.info.ceilings.ity, 2)} bits. Mean (min–max) over replicas.`,
    '',
    '| layer | width | kind | I(X;T) peak epoch | 90 % I(T;Y) epoch | compressing while fitting | compression (bits) | when it compresses | estimate |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const l of analysis.layers) {
    const near =
      l.nearCeilingShare > 0 ? ` (near ceiling in ${f(100 * l.nearCeilingShare)} % of points)` : '';
    const reliability =
      l.excluded === null
        ? `counted${near}`
        : l.excluded.startsWith('near log2 N')
          ? `**unreliable**: ${l.excluded}`
          : `not counted: ${l.excluded}`;
    out.push(
      `| ${l.name} | ${l.width} | ${l.kind} | ${range(l.phases.ixtPeakEpoch)} | ${range(l.phases.ity90Epoch)} | ` +
        `${range({ mean: 100 * l.phases.jointShare.mean, min: 100 * l.phases.jointShare.min, max: 100 * l.phases.jointShare.max })} % | ` +
        `${f(l.compression, 2)} | ${timingCell(l)} | ${reliability} |`,
    );
  }
  out.push('');
  return out.join('\n');
}

export function reproductionMarkdown(input: ReproductionInput): string {
  const analyzed = input.entries.map((entry) => ({
    entry,
    analysis: entry.record?.epochs.length ? analyzeRecord(entry.record) : null,
  }));
  const done = analyzed.filter(
    (a): a is { entry: ReproductionEntry & { record: RunRecord }; analysis: ExperimentAnalysis } =>
      a.analysis !== null,
  );
  const adapters = [
    ...new Set(
      done.map(
        ({ entry: { record: r } }) => `${r.adapter.name}${r.adapter.device ? ` (${r.adapter.device})` : ''}`,
      ),
    ),
  ];
  const complete = done.filter((a) => a.entry.record.status === 'complete').length;
  const datasets = [...new Set(input.entries.map((e) => e.experiment.dataset))];
  const verdicts = datasets.map((d) =>
    datasetVerdict(
      d,
      done.map((a) => ({ experiment: a.entry.experiment, analysis: a.analysis })),
    ),
  );
  const out: string[] = [
    input.quick ? '# Reproduction (quick smoke run)' : '# Reproduction',
    '',
    'Raj, Nayak, Kalyani (2020), "Understanding Learning Dynamics of Binary Neural Networks via Information Bottleneck": ' +
      'in the information plane, DNNs fit first (I(T;Y) rises) and compress later (I(X;T) falls), while BNNs fit and compress at the same time, ' +
      'on several datasets and for the different quantizers. This report tests that claim with the presets of `src/run/experiments.ts`.',
    '',
  ];
  if (input.quick) {
    out.push(
      '> **Quick run**: few epochs, 2 replicas, few logged points. It checks that every experiment runs and the report is written; its numbers are **not evidence** for or against the claim. The full run is `npx bitplane reproduce`, and its report is `docs/REPRODUCTION.md`.',
      '',
    );
  }
  const wall = input.parts.reduce((a, p) => a + p.wall_s, 0);
  const commands =
    input.parts.length === 1
      ? [`- Command: \`${input.parts[0].command}\``]
      : [
          `- Commands (${input.parts.length} parts; a later part's records replace an earlier one's):`,
          ...input.parts.map(
            (p) => `  - \`${p.command}\` (${fmtDuration(p.wall_s)}; ${p.experiments.length} experiments)`,
          ),
        ];
  out.push(
    ...commands,
    `- Adapter: ${adapters.length ? adapters.join('; ') : '(none ran)'}`,
    `- Wall time: ${fmtDuration(wall)}; ${done.length} of ${input.entries.length} experiments ran, ${complete} of them to the end of their protocol`,
    `- Written: ${new Date().toISOString().slice(0, 10)}`,
  );
  if (input.figuresNote) out.push(`- Figures: ${input.figuresNote}`);
  for (const note of input.notes ?? []) out.push(`- ${note}`);
  out.push(
    '',
    '## How to read it',
    '',
    'Per layer and replica, from the logged trajectory of I(X;T) and I(T;Y) (`src/info/phases.ts`):',
    '',
    '- **I(X;T) peak epoch**: when I(X;T) is largest; a DNN that fits then compresses peaks and then falls.',
    '- **90 % I(T;Y) epoch**: when I(T;Y) first reaches 90 % of its maximum (fitting is done).',
    '- **compressing while fitting**: the share of steps between logged epochs in which I(X;T) falls while I(T;Y) rises.',
    '- **compression**: C = I(X;T) at its peak minus its lowest value after the peak (bits).',
    '- **when it compresses**: *no compression* if C < max(0.05 bit, 5 % of the peak); *while fitting* if at least half of C happens before the 90 % I(T;Y) epoch; else *after fitting*. The count is over replicas; *mixed* when no timing holds for more than half of them.',
    `- **estimate**: a layer is counted in the verdicts unless (a) its plug-in I(X;T) is near log2 N (nearly every sample has its own code) in more than ${f(100 * UNRELIABLE_SHARE)} % of the (replica, epoch) points — the estimate is **unreliable** and says little about compression; (b) in more than half of the replicas its I(T;Y) is already at 90 % of its maximum at epoch 0 (nearly unique codes carry the label trivially), so there is no fitting to locate; or (c) the run's training accuracy gains ${f(100 * UNRESOLVED_GAIN)} % or more by its first logged epoch, so the logged points cannot resolve fitting at all.`,
    "- The figures' legends mark a layer *≈ ceiling* when its estimate is near log2 N at the last logged epoch; the tables use the share of points.",
    '',
    "Verdict per dataset: the claim **holds** when more than half of the BNNs' counted layers compress *while fitting* and more than half of the tanh DNN's counted layers compress *after fitting*; **partly** when one side does; **does not hold** when neither does; **cannot tell** without counted layers on both sides. The pooled verdict is only a summary: the table after it gives every experiment, quantizer by quantizer, and docs/METHOD.md §1's share measure is compared below the verdicts, whichever way it points. The ReLU DNN is reported beside it: Saxe et al. (2018) found that ReLU networks do not compress, so it is a check on the estimator, not part of the claim.",
    '',
    '## Verdicts',
    '',
    '| dataset | verdict | evidence |',
    '| --- | --- | --- |',
  );
  for (const v of verdicts) out.push(`| ${DATASET_TITLES[v.dataset]} | **${v.verdict}** | ${v.text} |`);
  out.push('');
  for (const v of verdicts) if (v.shareText) out.push(`${DATASET_TITLES[v.dataset]}: ${v.shareText}`, '');
  out.push(
    '| experiment | accuracy, train / test | counted layers | while fitting | after fitting | no compression | mixed | compressing while fitting (mean share, counted layers) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const a of done) {
    const counted = a.analysis.layers.filter((l) => l.excluded === null);
    const n = (t: CompressionTiming | null) => counted.filter((l) => l.timing === t).length;
    const share = counted.length ? `${f(100 * mean(counted.map((l) => l.phases.jointShare.mean)))} %` : '–';
    const early = a.entry.record.status === 'complete' ? '' : ` (stopped at epoch ${a.analysis.epochsDone})`;
    out.push(
      `| ${a.entry.experiment.id}${early} | ${f(a.analysis.finalTrainAcc.mean, 3)} / ${f(a.analysis.finalTestAcc.mean, 3)} | ` +
        `${counted.length} of ${a.analysis.layers.length} | ${n('while-fitting')} | ${n('after-fitting')} | ${n('none')} | ${n(null)} | ${share} |`,
    );
  }
  out.push('');
  const relu = done.filter((a) => a.entry.experiment.id.includes('relu'));
  for (const a of relu) {
    const counted = a.analysis.layers.filter((l) => l.excluded === null);
    const none = counted.filter((l) => l.timing === 'none').length;
    out.push(
      `ReLU check (${a.entry.experiment.title}): ` +
        (counted.length
          ? `${none} of ${counted.length} counted layers show no compression` +
            (none * 2 > counted.length
              ? ', as Saxe et al. report.'
              : '; Saxe et al. report none, so this differs from them.')
          : 'cannot tell: no layer counted.'),
      '',
    );
  }
  const unreliable = done.flatMap((a) =>
    a.analysis.layers
      .filter((l) => l.excluded?.startsWith('near log2 N'))
      .map((l) => `${a.entry.experiment.id} ${l.name}`),
  );
  if (unreliable.length) {
    out.push(
      `Unreliable estimates (near log2 N for most of the run; not counted): ${unreliable.join(', ')}.`,
      '',
    );
  }
  const missing = input.entries.filter((e) => !e.record);
  const early = done.filter((a) => a.entry.record.status !== 'complete');
  if (missing.length || early.length) {
    out.push(
      `Incomplete: ${[
        ...missing.map((e) => `${e.experiment.id} did not run${e.error ? ` (${e.error})` : ''}`),
        ...early.map((a) => `${a.entry.experiment.id} stopped early (${a.entry.record.status})`),
      ].join('; ')}.`,
      '',
    );
  }
  for (const d of datasets) {
    out.push(`## ${DATASET_TITLES[d]}`, '');
    for (const a of analyzed.filter((x) => x.entry.experiment.dataset === d))
      out.push(experimentSection(a.entry, a.analysis));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
