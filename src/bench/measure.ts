/**
 * The measuring stages of the benchmark pipeline (harness.ts runs them): the oracle a size's outputs are
 * checked against, the calibration and timing of spans, and the rows they record.
 *
 * - oracle: the CPU reference in full where its estimate fits the CPU budget (and then timed as the
 *   'js-ref' peer), else at SAMPLE_OUTPUTS random outputs;
 * - calibrate: double (or jump) the iterations per span until one span lasts at least `spanMs`, and at
 *   least 50 steps of the timestamp granularity seen (so 100 µs timestamps are fine): tiny kernels run
 *   thousands of dispatches per span, so per-dispatch overhead and timer steps wash out;
 * - time: `spans` spans; per iteration the median and interquartile range over spans.
 */
import { type Comparison, compareArrays, type Tolerance } from '../kernels/compare.ts';
import type { AnyBenchKernel } from '../kernels/types.ts';
import type { Rng } from '../util/rng.ts';
import { median, summarize } from '../util/stats.ts';
import type { SpanTiming, SpanWork } from './timer.ts';
import {
  type BenchRun,
  type Measurement,
  type PlannedSize,
  repeatReference,
  type TimerKind,
} from './types.ts';

/** Outputs compared when the full CPU reference would take longer than the CPU budget. */
export const SAMPLE_OUTPUTS = 256;
/** At most this many iterations in one span. */
export const MAX_ITERATIONS = 8192;
/** Rough rate of the float64 JavaScript references before one was measured (ms per unit of work). */
const CPU_GUESS_MS_PER_UNIT = 1 / 50e6 / 1e-3;

export function fmtS(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms >= 10 ? 0 : 2)} ms`;
}

/** The estimated time of `work` units at the last rate of `key` (or `guess`), ms. */
export function estimateMs(run: BenchRun, key: string, work: number, guess?: number): number | undefined {
  const r = run.rates.get(key) ?? guess;
  return r === undefined ? undefined : r * work;
}

/** What a size's outputs are checked against, and how the check reads in the record. */
export interface Oracle {
  check(label: string, got: ArrayLike<number>): Comparison;
  note(c: Comparison): string;
}

/**
 * The CPU reference of one size: in full (timed as the 'js-ref' peer when asked for) when its estimate
 * fits the CPU budget or the kernel has no sampled reference, else at SAMPLE_OUTPUTS random outputs.
 */
export async function oracle<I>(run: BenchRun, step: PlannedSize, inputs: I, rng: Rng): Promise<Oracle> {
  const { kernel, work, size, dims } = step;
  const { settings } = run;
  const timeIt = settings.peers.includes('cpu');
  const cpuBudgetMs = (settings.budgetS * 1000) / 5;
  const tol: Tolerance = kernel.tolerance(inputs);
  const cpuEst = estimateMs(run, `${kernel.name} cpu`, work, CPU_GUESS_MS_PER_UNIT)!;
  let ref: ArrayLike<number> | undefined;
  if (cpuEst <= cpuBudgetMs || !kernel.sample) {
    run.progress(`${kernel.name} ${dims}: CPU reference`);
    const repeat = { timeIt, spans: settings.spans, spanMs: settings.spanMs };
    const { output, times: cpuTimes } = run.reference
      ? await run.reference(kernel.name, inputs, repeat)
      : repeatReference(() => kernel.reference(inputs), repeat);
    ref = output;
    run.rates.set(`${kernel.name} cpu`, median(cpuTimes) / work);
    if (timeIt) recordCpuRow(run, step, cpuTimes);
  } else if (timeIt) {
    run.skip(
      kernel.name,
      'js-ref',
      size,
      `estimated ${fmtS(cpuEst)} > CPU budget ${fmtS(cpuBudgetMs)}; outputs checked at ${SAMPLE_OUTPUTS} samples`,
    );
  }
  const full = ref;
  const sampled = full ? undefined : kernel.sample!(inputs, rng.derive('sample'), SAMPLE_OUTPUTS);
  return {
    check(label, got) {
      if (full) return compareArrays(label, got, full, tol);
      const { indices, values } = sampled!;
      const picked = indices.map((i) => got[i]);
      return compareArrays(`${label} (${indices.length} sampled outputs)`, picked, values, tol);
    },
    note: (c) =>
      `${tol.atol === 0 && tol.rtol === 0 ? 'exact' : 'within tolerance'}, ${full ? 'all' : 'sampled'} ${c.count} outputs (max |err| ${c.maxAbsError.toExponential(1)})`,
  };
}

/** The timing of one row: per iteration, over the timed spans. */
export interface RowTiming {
  median_ms: number;
  iqr_ms: number;
  wall_median_ms: number;
  timer: TimerKind;
  iterations: number;
  spans: number;
}

const perIteration = (xs: number[], iters: number) => xs.map((x) => x / iters);

/** The iterations per span that make a span long enough, from `first` (one iteration, already run). */
async function calibrate(
  run: BenchRun,
  label: string,
  work: (iters: number) => SpanWork,
  first?: SpanTiming,
): Promise<number> {
  const { timer, settings } = run;
  let iters = 1;
  let t = first;
  const target = () => Math.max(settings.spanMs, 50 * (timer.resolutionNs() ?? 0) * 1e-6);
  for (;;) {
    t ??= await timer.time(label, work(iters));
    const primary = t.gpuMs ?? t.wallMs;
    if (primary >= target() || iters >= MAX_ITERATIONS || t.wallMs >= 20 * target()) return iters;
    const per = primary / iters;
    const next = per > 0 ? Math.ceil((1.2 * target()) / per) : iters * 8;
    iters = Math.min(MAX_ITERATIONS, Math.max(iters * 2, Math.min(iters * 16, next)));
    t = undefined;
  }
}

/** Calibrates, then times `settings.spans` spans: GPU timestamps when every span has one, else wall. */
export async function timeSpans(
  run: BenchRun,
  label: string,
  work: (iters: number) => SpanWork,
  first?: SpanTiming,
): Promise<RowTiming> {
  const iters = await calibrate(run, label, work, first);
  const spans: SpanTiming[] = [];
  for (let s = 0; s < run.settings.spans; s++) spans.push(await run.timer.time(label, work(iters)));
  const gpuOk = spans.every((s) => s.gpuMs !== null && s.gpuMs > 0);
  const wall = perIteration(
    spans.map((s) => s.wallMs),
    iters,
  );
  const primary = gpuOk
    ? perIteration(
        spans.map((s) => s.gpuMs!),
        iters,
      )
    : wall;
  const { median: med, iqr } = summarize(primary);
  return {
    median_ms: med,
    iqr_ms: iqr,
    wall_median_ms: median(wall),
    timer: gpuOk ? 'gpu-timestamp' : 'wall',
    iterations: iters,
    spans: spans.length,
  };
}

function rowOf(kernel: AnyBenchKernel, step: PlannedSize, version: string, t: RowTiming, check: string) {
  const m: Measurement = {
    kernel: kernel.name,
    version,
    size: step.size,
    dims: step.dims,
    unit: kernel.unit,
    ops: step.work,
    ...t,
    gops: step.work / t.median_ms / 1e6,
    check,
    vs_tfjs: null,
    vs_f32_gemm: null,
    vs_cpu: null,
  };
  return m;
}

/** Records a timed row of ours or of the TensorFlow.js peer, and its rate for the next size's estimate. */
export function recordRow(run: BenchRun, step: PlannedSize, version: string, t: RowTiming, check: string) {
  const key = `${step.kernel.name} ${version === 'tfjs-webgpu' ? 'tfjs' : version}`;
  run.rates.set(key, t.median_ms / step.work);
  run.add(rowOf(step.kernel, step, version, t, check));
}

/** Records the JavaScript reference's own timing as the 'js-ref' row (CPU clock, one run per span). */
function recordCpuRow(run: BenchRun, step: PlannedSize, cpuTimes: number[]) {
  const s = summarize(cpuTimes);
  const t: RowTiming = {
    median_ms: s.median,
    iqr_ms: s.iqr,
    wall_median_ms: s.median,
    timer: 'cpu',
    iterations: 1,
    spans: cpuTimes.length,
  };
  run.add(rowOf(step.kernel, step, 'js-ref', t, 'is the reference'));
}
