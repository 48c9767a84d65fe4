/**
 * The reproduction report (`REPRODUCTION.md`, written by `bitplane reproduce`), rendered as Markdown from
 * the analysis (study/analysis.ts) of the experiments' result records: per experiment its figure, final accuracy and per-layer phase measures (docs/METHOD.md §1:
 * epoch of the I(X;T) peak, epoch of 90 % of the I(T;Y) maximum, share of logged epochs compressing while
 * fitting) as mean and range over replicas, when each layer compresses (src/info/phases.ts
 * compressionTiming), and a verdict per dataset on the claim: do the BNNs fit and compress at once while
 * the DNNs show separate phases?
 *
 * Honest by construction: a layer whose plug-in estimate sits near log2 N for most logged epochs is marked
 * unreliable and left out of the verdict; a verdict that goes against the claim says so; experiments that
 * stopped early or did not run are listed as such. Pure: records in, Markdown out.
 */

import { parseConfig } from '../config/run-config.ts';
import type { CompressionTiming, Spread } from '../info/phases.ts';
import { UNRELIABLE_SHARE } from '../info/reliability.ts';
import { DATASET_TITLES, type Experiment, experimentConfig } from '../run/experiments.ts';
import { serializeLink } from '../run/link.ts';
import type { RunRecord } from '../run/record.ts';
import { groupExperiments, parseRecord } from './records.ts';
import { buildReport, headlineMarkdown, robustnessTableMarkdown } from './report.ts';
import {
  analyzeRecord,
  datasetVerdict,
  type ExperimentAnalysis,
  f,
  type LayerAnalysis,
  mean,
  UNRESOLVED_GAIN,
} from './reproduction-analysis.ts';

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

/**
 * The report's opening: the pre-registered statistic (docs/METHOD.md §6; src/study/report.ts) over the
 * records that ran, per dataset and quantizer, with where the claim fails or is undecidable, and the
 * robustness table. Records the study cannot read are named instead.
 */
function statisticHeadline(
  entries: readonly (ReproductionEntry & { record: RunRecord })[],
  quick: boolean,
): string[] {
  const out = [
    '## The pre-registered statistic (docs/METHOD.md §6)',
    '',
    'Per replica, S = the share of each informative layer’s I(X;T) compression (smoothed, in bits) that happens before fitting ends',
    '(the first logged epoch with 90 % of the training-accuracy gain), averaged over its layers. S_BNN − S_DNN > 0 is the claim',
    '(the BNN compresses while it fits, the DNN after). 95 % CIs by percentile bootstrap over replicas; p by a permutation test.',
    '`npx bitplane study <records…>` gives the full analysis for any set of records.',
    '',
  ];
  const parsed = [];
  for (const e of entries) {
    try {
      parsed.push(
        parseRecord(JSON.parse(JSON.stringify(e.record)), e.recordPath ?? `${e.experiment.id}.json`),
      );
    } catch (err) {
      out.push(`- ${e.experiment.id}: not in the statistic (${(err as Error).message}).`);
    }
  }
  const stale = entries.flatMap((e) => {
    const now = parseConfig(experimentConfig(e.experiment, quick));
    if (e.record.link === serializeLink(now)) return [];
    const c = e.record.config;
    const what = [
      c.replicas !== now.replicas ? `${c.replicas} replicas, not ${now.replicas}` : '',
      !c.estimator.estimators?.length && now.estimator.estimators?.length ? 'no extra estimators' : '',
      !c.network.calibrateBatchNorm && now.network.calibrateBatchNorm ? 'no batch-norm calibration' : '',
      !c.log.steps && now.log.steps ? 'no step-level logging' : '',
    ].filter(Boolean);
    return [`${e.experiment.id} (${what.length ? what.join(', ') : 'other settings differ'})`];
  });
  if (stale.length)
    out.push(
      `> **Older records.** ${stale.length} of ${entries.length} records were made under an older protocol than the presets' (\`src/run/experiments.ts\`): ${stale.join('; ')}. Their numbers are what those runs measured; the current protocol's full run is described in docs/reproducing.md.`,
      '',
    );
  const report = buildReport(groupExperiments(parsed));
  if (report.primary.comparisons.length === 0)
    out.push('No dataset has both a BNN and a DNN among these records: nothing to compare.');
  else out.push(...headlineMarkdown(report, '###'), '', ...robustnessTableMarkdown(report, '###'));
  return out;
}

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
  out.push(
    ...statisticHeadline(
      done.map((a) => a.entry),
      input.quick,
    ),
    '',
  );
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
