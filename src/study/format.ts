/** Number formatting shared by the capacity report's tables and sentences. Pure. */
import type { Summary } from './analyze.ts';
import type { RecordInputs } from './records.ts';
import type { Interval } from './statistic.ts';

export const num = (x: number | null, digits = 2) => (x === null ? '–' : x.toFixed(digits));
export const signed = (x: number | null, digits = 3) =>
  x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
export const interval = (c: Interval | null, sign = false, digits = 2) =>
  c === null
    ? '–'
    : sign
      ? `[${signed(c.lo, digits)}, ${signed(c.hi, digits)}]`
      : `[${num(c.lo, digits)}, ${num(c.hi, digits)}]`;
/** "mean [lo, hi]", or "–" for an empty sample. */
export const summary = (s: Summary) => (s.values.length ? `${num(s.mean)} ${interval(s.ci)}` : '–');

/** The Markdown lines that list the records that stopped early and the replicas cut short (none: []). */
export function inputNotes(r: RecordInputs): string[] {
  const out: string[] = [];
  if (r.incomplete.length) out.push('', 'Stopped early:', '', ...r.incomplete.map((f) => `- ${f}`));
  if (r.cut.length) out.push('', 'Replicas whose numbers end early:', '', ...r.cut.map((f) => `- ${f}`));
  return out;
}
