/**
 * The capacity report (`bitplane study --capacity`): the analysis of src/study/capacity.ts as one
 * JSON-ready object and its Markdown rendering, with the comparison against Lorenzen, Igel & Nielsen
 * (ICLR 2022) whose agreement sentences are written from the numbers (src/study/lorenzen.ts). Works on
 * any subset of the sweep's records: cells with fewer than 20 replicas are marked incomplete. Pure.
 */
import { describeBits, FLOAT_BITS } from './bit-width.ts';
import {
  analyzeCapacity,
  COMPLETE_REPLICAS,
  type FamilyResult,
  FINAL_WINDOW,
  type Trend,
} from './capacity.ts';
import { interval, signed, summary } from './format.ts';
import { inputNotes, type RecordInputs, recordInputs } from './inputs.ts';
import { lorenzenSection } from './lorenzen.ts';
import type { Experiment } from './records.ts';

export const CAPACITY_SCHEMA = 'bitplane.capacity/1';
export const DEFAULT_CAPACITY_SEED = 18;

export interface CapacityReport extends RecordInputs {
  schema: typeof CAPACITY_SCHEMA;
  seed: number;
  /** Networks whose layers are not all the same bit width: not on the dial. */
  offDial: { dataset: string; label: string; description: string }[];
  families: FamilyResult[];
  /** Some cell has fewer than COMPLETE_REPLICAS replicas: the verdicts may change as records come in. */
  partial: boolean;
}

export function buildCapacityReport(
  experiments: readonly Experiment[],
  seed = DEFAULT_CAPACITY_SEED,
): CapacityReport {
  const families = analyzeCapacity(experiments, seed);
  return {
    schema: CAPACITY_SCHEMA,
    seed,
    ...recordInputs(experiments),
    offDial: experiments
      .filter((x) => x.bits === null)
      .map((x) => ({ dataset: x.dataset, label: x.label, description: x.bitsDescription })),
    families,
    partial: families.some((f) => f.cells.some((c) => !c.complete)),
  };
}

const pOf = (p: number | null) => (p === null ? '–' : p < 1e-3 ? p.toExponential(1) : p.toFixed(4));
const widths = (t: Trend) => t.bits.map(describeBits).join(', ');

/** One sentence for a trend: verdict, β per doubling of the bit width, its CI, p, replicas, bit widths. */
export function trendSentence(t: Trend): string {
  if (t.verdict === 'undecidable') return `**undecidable**: ${t.reason}.`;
  const tail = t.reason ? ` Left out: ${t.reason}.` : '';
  return `**${t.verdict}**: β = ${signed(t.slope)} per doubling of the bit width, 95 % CI ${interval(t.ci, true, 3)}, permutation p = ${pOf(t.p)}, ${t.n} replicas at ${widths(t)}.${tail}`;
}

function answerLines(f: FamilyResult): string[] {
  const c = f.capacity;
  const capacity =
    c.verdict === 'undecidable'
      ? `**undecidable**: ${c.reason}.`
      : `**${c.verdict}**: r(S̄, training accuracy | k) = ${signed(c.accGivenBits.r, 2)} ${interval(c.accGivenBits.ci, true)}, r(S̄, log2 k | training accuracy) = ${signed(c.bitsGivenAcc.r, 2)} ${interval(c.bitsGivenAcc.ci, true)}, ${c.n} replicas.`;
  return [
    `### ${f.label}`,
    '',
    `- Does compression while fitting grow as bits shrink? ${trendSentence(f.trend)}`,
    `- The same without the float networks: ${trendSentence(f.trendQuantized)}`,
    `- Does it track training accuracy (capacity) or bit width? ${capacity}`,
    `  Descriptive: r(S̄, training accuracy) = ${signed(c.rawAcc, 2)}, r(S̄, log2 k) = ${signed(c.rawBits, 2)}.`,
  ];
}

function cellTable(f: FamilyResult): string[] {
  const rows = [
    `| k | experiment | replicas | fitted | final train acc | final test acc | S̄ [95 % CI] (n) | layers compressing [95 % CI] | uninformative / no compression | status |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of f.cells)
    rows.push(
      `| ${describeBits(c.bits)} | ${c.label} | ${c.replicas} | ${c.fitted} | ${summary(c.trainAcc)} | ${summary(c.testAcc)} | ${summary(c.share)} (${c.share.values.length}) | ${summary(c.compressing)} | ${c.uninformative} / ${c.noCompression} | ${c.complete ? 'complete' : `**incomplete** (< ${COMPLETE_REPLICAS})`} |`,
    );
  const depths = Math.max(0, ...f.cells.map((c) => c.depths.length));
  const head = ['k', ...Array.from({ length: depths }, (_, d) => `layer ${d + 1}`), 'codes'];
  rows.push(
    '',
    'S by layer depth (mean [95 % CI], replicas where the layer is informative and compresses):',
    '',
  );
  rows.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const c of f.cells) {
    const cells = c.depths.map((s) => `${summary(s)} (${s.values.length})`);
    const codes =
      c.bits === 1
        ? 'exact'
        : c.bits === FLOAT_BITS
          ? 'estimated (recorded estimator)'
          : c.hashedDepths.length
            ? `exact; hashed at layer ${c.hashedDepths.join(', ')}`
            : 'exact';
    rows.push(`| ${describeBits(c.bits)} | ${cells.join(' | ')} | ${codes} |`);
  }
  return rows;
}

function robustnessTable(f: FamilyResult): string[] {
  const rows = ['| variant | β [95 % CI] | verdict |', '|---|---|---|'];
  for (const r of f.robustness)
    rows.push(
      `| ${r.name} | ${r.trend.slope === null ? '–' : `${signed(r.trend.slope)} ${interval(r.trend.ci, true, 3)}`} | ${r.trend.verdict} |`,
    );
  const flips = f.robustness.filter((r) => r.trend.verdict !== f.trend.verdict).map((r) => r.name);
  rows.push(
    '',
    flips.length === 0
      ? `The trend's verdict (${f.trend.verdict}) holds under every variant.`
      : `The trend's verdict (${f.trend.verdict}) changes under: ${flips.join('; ')}.`,
  );
  return rows;
}

export function renderCapacityMarkdown(r: CapacityReport): string {
  const out: string[] = ['# Capacity study: compression while fitting across bit widths', ''];
  out.push(
    'Generated by `bitplane study --capacity` from the records listed at the end; the method is pre-registered in',
    'docs/METHOD.md §6.8 (the statistic S of §6). S̄ = per replica, the mean over its informative layers of the share of',
    'the smoothed I(X;T) decrease that happens before fitting ends (near 1: compresses while fitting). k is the bit width',
    'of weights and activations together (float = 32). β is the OLS slope of S̄ against log2 k: β < 0 means more',
    `compression while fitting at fewer bits. Final accuracy: the mean over the last ${FINAL_WINDOW} logged epochs. CIs: percentile`,
    `bootstrap, 10,000 resamples (stratified by k for β and the correlations); p: 10,000 seeded permutations; seed ${r.seed}.`,
    '',
  );
  if (r.partial)
    out.push(
      `**Partial result:** some cells have fewer than ${COMPLETE_REPLICAS} replicas (marked incomplete below); the verdicts may change as the remaining records come in.`,
      '',
    );
  out.push('## Answers', '');
  if (r.families.length === 0) out.push('No record has a single bit width: nothing on the dial.');
  for (const f of r.families) out.push(...answerLines(f), '');
  out.push('## Per dataset and bit width (primary settings)', '');
  for (const f of r.families) {
    out.push(`### ${f.label}`, '', ...cellTable(f), '');
    if (f.duplicates.length)
      out.push(
        `Left out (another experiment with more replicas holds the cell): ${f.duplicates.join('; ')}.`,
        '',
      );
  }
  out.push('## The trend under the robustness variants (docs/METHOD.md §6.6)', '');
  for (const f of r.families) out.push(`### ${f.label}`, '', ...robustnessTable(f), '');
  out.push(...lorenzenSection(r.families), '');
  out.push('## Inputs', '');
  for (const f of r.files) out.push(`- ${f}`);
  if (r.offDial.length) {
    out.push('', 'Not on the dial (layers of different bit widths):', '');
    for (const x of r.offDial) out.push(`- ${x.dataset} ${x.label}: ${x.description}`);
  }
  out.push(...inputNotes(r));
  return `${out.join('\n')}\n`;
}
