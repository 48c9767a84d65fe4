/**
 * The reproduction report (`REPRODUCTION.md`, written by `bitplane reproduce`): from the experiments'
 * result records, per experiment its figure, final accuracy and per-layer phase measures (SCIENCE.md §1:
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
  type Spread,
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
  reliable: boolean;
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
  finalTestAcc: Spread;
  epochsDone: number;
}

function spread(xs: readonly number[]): Spread {
  return {
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
  };
}

function layerKind(l: RunRecord['layers'][number]): string {
  const weights = l.binary ? 'binary' : 'float';
  return `${weights}${l.batch_norm ? '+BN' : ''}, ${l.activation}`;
}

/** A layer is unreliable when its estimate is near the ceiling for more than half the logged points. */
export const UNRELIABLE_SHARE = 0.5;

export function analyzeRecord(record: RunRecord): ExperimentAnalysis {
  const { epochs, info, metrics } = record;
  const phases = summarizePhases(epochs, info.ixt, info.ity);
  const layers = info.layers.map((index, j): LayerAnalysis => {
    const layer = record.layers[index];
    let near = 0;
    let count = 0;
    for (const rep of info.near_ceiling)
      for (const e of rep) {
        count++;
        if (e[j]) near++;
      }
    const measures = info.ixt.map((rep, r) =>
      compressionTiming(
        rep.map((e) => e[j]),
        info.ity[r].map((e) => e[j]),
      ),
    );
    const timings = measures.map((m) => m.timing);
    const nearCeilingShare = count ? near / count : 0;
    return {
      index,
      name: layer.name,
      width: layer.width,
      kind: layerKind(layer),
      nearCeilingShare,
      reliable: nearCeilingShare <= UNRELIABLE_SHARE,
      phases: phases[j],
      timings,
      timing: strictMajority(timings),
      compression: measures.reduce((a, m) => a + m.compression, 0) / measures.length,
    };
  });
  return {
    layers,
    finalTestAcc: spread(metrics.test_acc.map((rep) => rep[rep.length - 1] ?? Number.NaN)),
    epochsDone: epochs[epochs.length - 1] ?? 0,
  };
}

export type Verdict = 'holds' | 'does not hold' | 'partly' | 'cannot tell';

export interface DatasetVerdict {
  dataset: Experiment['dataset'];
  verdict: Verdict;
  /** Reliable layers of the BNNs that compress while fitting / all reliable BNN layers. */
  bnn: { whileFitting: number; reliable: number; layers: number };
  /** Reliable layers of the tanh DNNs that compress after fitting / all reliable tanh DNN layers. */
  dnn: { afterFitting: number; reliable: number; layers: number };
  /** One or two sentences. */
  text: string;
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
    const reliable = all.filter((l) => l.reliable);
    return {
      hit: reliable.filter((l) => l.timing === want).length,
      reliable: reliable.length,
      layers: all.length,
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
  const bnn = { whileFitting: b.hit, reliable: b.reliable, layers: b.layers };
  const dnn = { afterFitting: d.hit, reliable: d.reliable, layers: d.layers };
  const bnnText = b.reliable
    ? `BNNs: ${b.hit} of ${b.reliable} reliable layers compress while fitting`
    : b.layers
      ? 'BNNs: no reliable layer (all near the log2 N ceiling)'
      : 'BNNs: not run';
  const dnnText = d.reliable
    ? `tanh DNN: ${d.hit} of ${d.reliable} reliable layers compress after fitting (separate phases)`
    : d.layers
      ? 'tanh DNN: no reliable layer (all near the log2 N ceiling)'
      : 'tanh DNN: not run';
  let verdict: Verdict;
  if (!b.reliable || !d.reliable) verdict = 'cannot tell';
  else {
    const bnnOk = b.hit * 2 > b.reliable;
    const dnnOk = d.hit * 2 > d.reliable;
    verdict = bnnOk && dnnOk ? 'holds' : bnnOk || dnnOk ? 'partly' : 'does not hold';
  }
  const failing =
    verdict === 'partly'
      ? b.hit * 2 > b.reliable
        ? ' The DNN side disagrees with the claim: its layers do not show separate phases here.'
        : ' The BNN side disagrees with the claim: most of its layers do not compress while fitting here.'
      : verdict === 'does not hold'
        ? ' Both sides disagree with the claim here.'
        : '';
  return { dataset, verdict, bnn, dnn, text: `${bnnText}; ${dnnText}.${failing}` };
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
    `- Final test accuracy: ${range(analysis.finalTestAcc, 3)} over ${record.config.replicas} replicas; ` +
      `${record.epochs.length} logged epochs; ${record.timing.total_s.toFixed(0)} s ` +
      `(${record.timing.epoch_ms_median.toFixed(1)} ms per epoch, median).`,
  );
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
    const reliability = l.reliable
      ? l.nearCeilingShare > 0
        ? `reliable (near ceiling ${f(100 * l.nearCeilingShare)} %)`
        : 'reliable'
      : `**unreliable**: near log2 N in ${f(100 * l.nearCeilingShare)} % of points`;
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
    analysis: entry.record ? analyzeRecord(entry.record) : null,
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
    `- **estimate**: a layer whose plug-in I(X;T) is near log2 N (nearly every sample has its own code) in more than ${f(100 * UNRELIABLE_SHARE)} % of the (replica, epoch) points says little about compression: it is **unreliable** and left out of the verdicts.`,
    '',
    "Verdict per dataset: the claim **holds** when more than half of the BNNs' reliable layers compress *while fitting* and more than half of the tanh DNN's reliable layers compress *after fitting*; **partly** when one side does; **does not hold** when neither does; **cannot tell** without reliable layers on both sides. The ReLU DNN is reported beside it: Saxe et al. (2018) found that ReLU networks do not compress, so it is a check on the estimator, not part of the claim.",
    '',
    '## Verdicts',
    '',
    '| dataset | verdict | evidence |',
    '| --- | --- | --- |',
  );
  for (const v of verdicts) out.push(`| ${DATASET_TITLES[v.dataset]} | **${v.verdict}** | ${v.text} |`);
  out.push('');
  const relu = done.filter((a) => a.entry.experiment.id.includes('relu'));
  for (const a of relu) {
    const reliable = a.analysis.layers.filter((l) => l.reliable);
    const none = reliable.filter((l) => l.timing === 'none').length;
    out.push(
      `ReLU check (${a.entry.experiment.title}): ${none} of ${reliable.length} reliable layers show no compression` +
        `${reliable.length && none * 2 > reliable.length ? ', as Saxe et al. report.' : '; Saxe et al. report none, so this differs from them.'}`,
      '',
    );
  }
  const unreliable = done.flatMap((a) =>
    a.analysis.layers.filter((l) => !l.reliable).map((l) => `${a.entry.experiment.id} ${l.name}`),
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
