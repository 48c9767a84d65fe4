/**
 * The study report: the whole analysis of a set of records (primary run, robustness sweep, share measure)
 * as one JSON-ready object, and its Markdown rendering. Pure.
 */
import {
  type Comparison,
  type ExperimentResult,
  type JointShare,
  jointShares,
  robustnessVariants,
  runStudy,
  type StudyRun,
  type Summary,
} from './analyze.ts';
import { inputNotes, type RecordInputs, recordInputs } from './inputs.ts';
import type { Experiment } from './records.ts';
import type { Interval, Verdict } from './statistic.ts';

export const STUDY_SCHEMA = 'bitplane.study/1';
export const DEFAULT_STUDY_SEED = 14;

export interface StudyReport extends RecordInputs {
  schema: typeof STUDY_SCHEMA;
  seed: number;
  primary: StudyRun;
  robustness: { name: string; comparisons: Comparison[] }[];
  /** Per comparison ("dataset: BNN vs DNN"): the variants whose verdict differs from the primary one. */
  flips: { comparison: string; primary: Verdict; flipsUnder: string[]; notRecordedUnder: string[] }[];
  jointShares: JointShare[];
}

const comparisonId = (c: Comparison) => `${c.dataset}: ${c.bnn} vs ${c.dnn}`;

export function buildReport(experiments: readonly Experiment[], seed = DEFAULT_STUDY_SEED): StudyReport {
  const variants = robustnessVariants(experiments);
  const runs = variants.map((v) => ({ name: v.name, run: runStudy(experiments, v.settings, seed) }));
  const primary = runs[0].run;
  const flips = primary.comparisons.map((c, i) => ({
    comparison: comparisonId(c),
    primary: c.verdict,
    flipsUnder: runs
      .filter((r) => !r.run.comparisons[i].notRecorded && r.run.comparisons[i].verdict !== c.verdict)
      .map((r) => r.name),
    notRecordedUnder: runs.filter((r) => r.run.comparisons[i].notRecorded).map((r) => r.name),
  }));
  return {
    schema: STUDY_SCHEMA,
    seed,
    ...recordInputs(experiments),
    primary,
    robustness: runs.map((r) => ({ name: r.name, comparisons: r.run.comparisons })),
    flips,
    jointShares: jointShares(experiments, seed),
  };
}

const num = (x: number | null, digits = 2) => (x === null ? '–' : x.toFixed(digits));
const signed = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`);
const ci = (c: Interval | null, sign = false) =>
  c === null ? '–' : sign ? `[${signed(c.lo)}, ${signed(c.hi)}]` : `[${num(c.lo)}, ${num(c.hi)}]`;
const pOf = (c: Comparison) =>
  c.test === null
    ? '–'
    : `${c.test.p < 1e-4 ? c.test.p.toExponential(1) : c.test.p.toFixed(4)} (${c.test.method})`;
const cell = (c: Comparison) =>
  c.notRecorded
    ? 'not recorded'
    : c.verdict === 'undecidable'
      ? 'undecidable'
      : `${signed(c.diff)} ${ci(c.ci, true)} ${c.verdict}`;
const summary = (s: Summary) =>
  s.values.length ? `${num(s.mean)} ${ci(s.ci)} (n = ${s.values.length})` : 'n = 0';

/** The sentence of one comparison. */
export function verdictSentence(c: Comparison): string {
  const head = `${c.dataset}, ${c.bnn} vs ${c.dnn}: ${c.verdict}`;
  if (c.verdict === 'undecidable') return `${head} (${c.reason}).`;
  return `${head}: S_BNN − S_DNN = ${signed(c.diff)}, 95 % CI ${ci(c.ci, true)}, permutation p = ${pOf(c)}, ${c.nBnn} vs ${c.nDnn} replicas.`;
}

function experimentRows(xs: readonly ExperimentResult[]): string[] {
  const maxDepth = Math.max(0, ...xs.map((x) => x.depths.length));
  const head = ['dataset', 'experiment', 'fitted', 'S mean [95 % CI] (replicas)'];
  for (let d = 1; d <= maxDepth; d++) head.push(`layer ${d}`);
  head.push('uninformative / no compression (layer-replicas)');
  const rows = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const x of xs) {
    const cells = [x.dataset, x.label, `${x.fitted}/${x.replicas.length}`, summary(x.primary)];
    for (let d = 0; d < maxDepth; d++) {
      const s = x.depths[d];
      cells.push(!s ? '' : s.values.length ? `${num(s.mean)} ${ci(s.ci)} n=${s.values.length}` : 'n=0');
    }
    cells.push(`${x.uninformative} / ${x.noCompression}`);
    rows.push(`| ${cells.join(' | ')} |`);
  }
  return rows;
}

function fitRows(xs: readonly ExperimentResult[]): string[] {
  const rows = [
    '| dataset | experiment | e_fit (min–max) | accuracy gain (min–max) | lowest test loss at epoch (min–max) | last epoch (min–max) |',
    '|---|---|---|---|---|---|',
  ];
  const range = (v: number[], d = 0) =>
    v.length ? `${Math.min(...v).toFixed(d)}–${Math.max(...v).toFixed(d)}` : '–';
  for (const x of xs) {
    const fitted = x.replicas.filter((r) => r.fitEpoch !== null);
    rows.push(
      `| ${x.dataset} | ${x.label} | ${range(fitted.map((r) => r.fitEpoch as number))} | ${range(
        x.replicas.map((r) => r.gain),
        2,
      )} | ${range(x.replicas.map((r) => r.testMinEpoch))} | ${range(x.replicas.map((r) => r.lastEpoch))} |`,
    );
  }
  return rows;
}

/**
 * The headline: one verdict sentence per comparison (dataset, quantizer: S_BNN − S_DNN, CI, p), then which
 * verdicts hold under every robustness variant and which change. Starts with a '## Verdicts' heading.
 */
export function headlineMarkdown(r: StudyReport, level = '##'): string[] {
  const out: string[] = [`${level} Verdicts`, ''];
  for (const c of r.primary.comparisons) out.push(`- ${verdictSentence(c)}`);
  if (r.primary.comparisons.length === 0)
    out.push('- No dataset has both a BNN and a DNN experiment: nothing to compare.');
  out.push('', `${level} Robustness: which verdicts hold under every variant`, '');
  for (const f of r.flips) {
    const missing = f.notRecordedUnder.length ? ` (not recorded: ${f.notRecordedUnder.join('; ')})` : '';
    out.push(
      f.flipsUnder.length === 0
        ? `- ${f.comparison}: **${f.primary}** under every variant${missing}.`
        : `- ${f.comparison}: **${f.primary}** under the primary settings; changes under ${f.flipsUnder.join('; ')}${missing}.`,
    );
  }
  return out;
}

/** The robustness table: one row per variant, S_BNN − S_DNN [95 % CI] and the verdict per comparison. */
export function robustnessTableMarkdown(r: StudyReport, level = '##'): string[] {
  const out = [`${level} Robustness table (S_BNN − S_DNN [95 % CI], verdict)`, ''];
  const ids = r.primary.comparisons.map(comparisonId);
  if (ids.length > 0) {
    out.push(`| variant | ${ids.join(' | ')} |`, `|---|${ids.map(() => '---').join('|')}|`);
    for (const row of r.robustness) out.push(`| ${row.name} | ${row.comparisons.map(cell).join(' | ')} |`);
  }
  return out;
}

export function renderMarkdown(r: StudyReport): string {
  const out: string[] = ['# Study: the pre-registered statistic (docs/METHOD.md §6)', ''];
  out.push(
    'S = the share of a layer’s I(X;T) compression (5-point median-smoothed, in bits) that happens before fitting ends',
    '(the first logged epoch with 90 % of the training-accuracy gain). The replica is the unit: per replica, the mean S',
    'over its informative layers. CIs: percentile bootstrap, 10,000 resamples; p: two-sided permutation test;',
    `seed ${r.seed}. S_BNN − S_DNN > 0 means the BNN compresses more while fitting (the claim).`,
    '',
  );
  out.push(...headlineMarkdown(r));
  out.push('', '## Per experiment and layer depth (primary settings)', '');
  out.push(...experimentRows(r.primary.experiments), '');
  out.push('Fitting (training accuracy, θ = 0.9):', '', ...fitRows(r.primary.experiments), '');
  out.push('## BNN vs DNN (primary settings)', '');
  out.push('| dataset | BNN | DNN | S_BNN − S_DNN [95 % CI] | p | verdict |', '|---|---|---|---|---|---|');
  for (const c of r.primary.comparisons)
    out.push(
      `| ${c.dataset} | ${c.bnn} | ${c.dnn} | ${c.diff === null ? '–' : `${signed(c.diff)} ${ci(c.ci, true)}`} | ${pOf(c)} | ${c.verdict} |`,
    );
  out.push('', ...robustnessTableMarkdown(r));
  out.push('', '## The old share measure (descriptive only)', '');
  out.push(
    'Of the compression bits of the smoothed I(X;T), the share in steps where the smoothed I(T;Y) rises; chance = the same',
    'with the I(T;Y) steps in shuffled order (200 seeded orders per layer). Mean over replicas of the mean over informative layers.',
    '',
    '| dataset | experiment | share | chance | share − chance [95 % CI] |',
    '|---|---|---|---|---|',
  );
  for (const j of r.jointShares)
    out.push(
      `| ${j.dataset} | ${j.label} | ${num(j.share.mean)} | ${num(j.chance.mean)} | ${j.excess.values.length ? `${signed(j.excess.mean)} ${ci(j.excess.ci, true)}` : '–'} |`,
    );
  out.push('', '## Inputs', '');
  for (const f of r.files) out.push(`- ${f}`);
  out.push(...inputNotes(r));
  return `${out.join('\n')}\n`;
}
