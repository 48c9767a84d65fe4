/**
 * Loss and accuracy against epoch, shaped for a uPlot line chart: one x column (the logged epochs) and,
 * per series, the replica mean with the replicas' range (min and max) as a band.
 *
 *   curveData([{ label: '', record }], 'loss', { logX: false, logY: true })
 *   → { x: [0, 1, 2, …], series: [{ label: 'train', key: 'train', mean, lo, hi }, { label: 'test', … }] }
 *
 * Several records (the comparison's DNN and BNN) share one x column, the union of their epochs, with
 * gaps (null) where a run has not logged an epoch yet. A log axis cannot show 0 or negative values: epoch
 * 0 is left out of a log x axis and values ≤ 0 become gaps on a log y axis. NaN and ±Infinity (a diverged
 * run) are gaps.
 */
import type { RunRecord } from '../run/record.ts';

export type CurveMetric = 'loss' | 'acc';

export interface CurveSeries {
  /** 'train', 'test', or 'DNN train', … */
  label: string;
  /** 'train' or 'test'. */
  split: 'train' | 'test';
  /** Index of the run in the input (0 for a single run). */
  run: number;
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
}

export interface CurveData {
  x: number[];
  series: CurveSeries[];
}

export interface CurveOptions {
  logX?: boolean;
  logY?: boolean;
}

type MetricsLike = Pick<RunRecord, 'epochs' | 'metrics'>;

export function curveData(
  runs: { label: string; record: MetricsLike }[],
  metric: CurveMetric,
  options: CurveOptions = {},
): CurveData {
  const all = new Set<number>();
  for (const { record } of runs) for (const e of record.epochs) if (!options.logX || e > 0) all.add(e);
  const x = [...all].sort((a, b) => a - b);
  const at = new Map(x.map((e, i) => [e, i]));
  const ok = (v: unknown): v is number =>
    typeof v === 'number' && Number.isFinite(v) && (!options.logY || v > 0);
  const series: CurveSeries[] = [];
  runs.forEach(({ label, record }, run) => {
    for (const split of ['train', 'test'] as const) {
      const rows = record.metrics[`${split}_${metric}`];
      const mean: (number | null)[] = x.map(() => null);
      const lo = [...mean];
      const hi = [...mean];
      record.epochs.forEach((e, i) => {
        const j = at.get(e);
        if (j === undefined) return;
        const vs = rows.map((r) => r[i]).filter(ok);
        if (!vs.length) return;
        let s = 0;
        for (const v of vs) s += v;
        mean[j] = s / vs.length;
        lo[j] = Math.min(...vs);
        hi[j] = Math.max(...vs);
      });
      series.push({ label: label ? `${label} ${split}` : split, split, run, mean, lo, hi });
    }
  });
  return { x, series };
}

/** uPlot's columnar data: [x, then mean, lo, hi of each series]. */
export function alignedColumns(d: CurveData): (number | null)[][] {
  const cols: (number | null)[][] = [d.x];
  for (const s of d.series) cols.push(s.mean, s.lo, s.hi);
  return cols;
}

/** The last logged value of a series (for the legend), or null. */
export function lastValue(s: CurveSeries): number | null {
  for (let i = s.mean.length - 1; i >= 0; i--) if (s.mean[i] !== null) return s.mean[i];
  return null;
}

/** A log axis' range around [min, max] (both > 0): 10 % margin, at least a factor 1.5 wide. */
export function logFit(min: number, max: number): [number, number] {
  const mid = Math.sqrt(min * max);
  const half = Math.max(Math.sqrt(max / min) * 1.1, Math.sqrt(1.5));
  return [mid / half, mid * half];
}
