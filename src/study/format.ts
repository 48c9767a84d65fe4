/** Number formatting shared by the capacity report's tables and sentences. Pure. */
import type { Summary } from './analyze.ts';
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
