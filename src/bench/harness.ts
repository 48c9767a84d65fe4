/**
 * The benchmark harness. For every selected kernel, size and version (and the peers at that size):
 *
 * 1. prepare the work on seeded inputs, run it once and check its output against the CPU reference
 *    (in full where the JavaScript reference is fast enough, else at SAMPLE_OUTPUTS random outputs);
 *    a mismatch is reported and the version is not timed;
 * 2. calibrate: double (or jump) the iterations per span until one span lasts at least `spanMs`, and at
 *    least 50 steps of the timestamp granularity seen (so 100 µs timestamps are fine): tiny kernels
 *    run thousands of dispatches per span, so per-dispatch overhead and timer steps wash out;
 * 3. time `spans` spans; report per iteration the median and interquartile range over spans.
 *
 * A measurement whose estimated time (from the previous size's rate, scaled by the work) exceeds the
 * budget is skipped and listed with the estimate: SwiftShader would take minutes per 2048³ float GEMM.
 * Ratios compare measurements of one run on one adapter (work per second, so >1 = this one is faster).
 */

import { describeAdapter, type Gpu } from '../gpu/device.ts';
import { type Comparison, compareArrays } from '../ref/compare.ts';
import { Rng } from '../util/rng.ts';
import { type HardwareReport, hardwareNotes, hardwareReport } from './hardware.ts';
import { type AnyBenchKernel, BENCH_KERNELS, type BenchCase, type GemmInputs } from './kernels.ts';
import { type BenchSettings, benchFragment } from './settings.ts';
import { median, summarize } from './stats.ts';
import type { TfjsPeer } from './tfjs-peer.ts';
import { SpanTimer, type SpanTiming, type SpanWork } from './timer.ts';

export const BENCH_SCHEMA = 'bitplane.bench/1';
export const BENCH_SEED = 2020;
/** Outputs compared when the full CPU reference would take longer than the CPU budget. */
export const SAMPLE_OUTPUTS = 256;
/** At most this many iterations in one span. */
export const MAX_ITERATIONS = 8192;
/** Rough rate of the float64 JavaScript references before one was measured (ms per unit of work). */
const CPU_GUESS_MS_PER_UNIT = 1 / 50e6 / 1e-3;

export type TimerKind = 'gpu-timestamp' | 'wall' | 'cpu';

/** One timed row: a kernel version of ours, or a peer ('tfjs-webgpu', 'js-ref') of that kernel. */
export interface Measurement {
  kernel: string;
  version: string;
  size: number;
  /** e.g. "M=N=K=512" */
  dims: string;
  unit: 'MAC' | 'element';
  /** Units of work per iteration. */
  ops: number;
  /** Per iteration: median and interquartile range over the timed spans. */
  median_ms: number;
  iqr_ms: number;
  /** The same spans timed encode-to-done on the CPU's clock, per iteration. */
  wall_median_ms: number;
  timer: TimerKind;
  /** 10^9 units of work per second (for the GEMMs, GMAC/s). */
  gops: number;
  iterations: number;
  spans: number;
  /** How the output was checked before it was timed. */
  check: string;
  /** Work per second over TensorFlow.js's WebGPU matmul at this size (float GEMM versions). */
  vs_tfjs: number | null;
  /** Work per second over our fastest float GEMM at this size (XNOR GEMM versions). */
  vs_f32_gemm: number | null;
  /**
   * Work per second over the JavaScript CPU reference at this size, both on the CPU's clock (our wall
   * time, encode to done, against the reference's time).
   */
  vs_cpu: number | null;
}

export interface Skipped {
  kernel: string;
  version: string;
  size: number;
  reason: string;
}

export interface BenchRecord {
  schema: typeof BENCH_SCHEMA;
  /** The settings as a link fragment: `#` + this reproduces the run in the app. */
  link: string;
  settings: BenchSettings;
  adapter: {
    name: string;
    vendor: string;
    architecture: string;
    description: string;
    software: boolean;
    runtime: 'browser' | 'node';
    note: string | null;
  };
  timer: {
    /** 'gpu-timestamp' where the adapter offers timestamp-query, else 'wall'. */
    kind: 'gpu-timestamp' | 'wall';
    /** Granularity of the GPU timestamps actually observed (ns); null without them. */
    resolution_ns: number | null;
    unusable_spans: number;
  };
  /** Peer → what ran ('@tensorflow/tfjs-backend-webgpu 4.22.0', 'src/ref (float64 JavaScript)'), or why not. */
  peers: Record<string, string>;
  measurements: Measurement[];
  skipped: Skipped[];
  /** Versions whose output did not match the reference (not timed). */
  failures: Skipped[];
  notes: string[];
  /** The adapter's subgroup features and, for known GPUs, the GEMMs against the hardware's bounds. */
  hardware?: HardwareReport;
  started: string;
  duration_s: number;
}

export interface BenchOptions {
  onProgress?(line: string): void;
  onMeasurement?(m: Measurement): void;
  signal?: AbortSignal;
  /** Loads the TensorFlow.js peer (injected so the harness does not import it eagerly). */
  loadTfjs?(gpu: Gpu): Promise<TfjsPeer>;
}

export class BenchUsageError extends Error {}

/** The registry entries the settings name (all when none), or a BenchUsageError naming the unknown. */
export function selectKernels(names: readonly string[]): AnyBenchKernel[] {
  if (names.length === 0) return [...BENCH_KERNELS];
  const unknown = names.filter((n) => !BENCH_KERNELS.some((k) => k.name === n));
  if (unknown.length) {
    throw new BenchUsageError(
      `unknown kernel${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${BENCH_KERNELS.map((k) => k.name).join(', ')}`,
    );
  }
  return BENCH_KERNELS.filter((k) => names.includes(k.name));
}

const perIteration = (xs: number[], iters: number) => xs.map((x) => x / iters);

export async function runBench(
  gpu: Gpu,
  settings: BenchSettings,
  options: BenchOptions = {},
): Promise<BenchRecord> {
  const started = new Date();
  const t0 = performance.now();
  const kernels = selectKernels(settings.kernels);
  const progress = (s: string) => options.onProgress?.(s);
  const timer = new SpanTimer(gpu);
  const record: BenchRecord = {
    schema: BENCH_SCHEMA,
    link: benchFragment(settings),
    settings,
    adapter: {
      name: describeAdapter(gpu.adapter),
      vendor: gpu.adapter.vendor,
      architecture: gpu.adapter.architecture,
      description: gpu.adapter.description,
      software: gpu.adapter.software,
      runtime: gpu.adapter.runtime,
      note: gpu.note ?? null,
    },
    timer: { kind: timer.timestamps ? 'gpu-timestamp' : 'wall', resolution_ns: null, unusable_spans: 0 },
    peers: {},
    measurements: [],
    skipped: [],
    failures: [],
    notes: [],
    started: started.toISOString(),
    duration_s: 0,
  };
  const budgetMs = settings.budgetS * 1000;
  const cpuBudgetMs = budgetMs / 5;
  const add = (m: Measurement) => {
    record.measurements.push(m);
    options.onMeasurement?.(m);
  };
  const skip = (kernel: string, version: string, size: number, reason: string) => {
    record.skipped.push({ kernel, version, size, reason });
    progress(`skip ${kernel} ${version} ${size}: ${reason}`);
  };

  let tfjs: TfjsPeer | undefined;
  const wantTfjs = settings.peers.includes('tfjs') && kernels.some((k) => k.name === 'gemm');
  if (wantTfjs) {
    if (!options.loadTfjs) record.peers.tfjs = 'not available here';
    else {
      try {
        tfjs = await options.loadTfjs(gpu);
        record.peers.tfjs = tfjs.name;
      } catch (e) {
        record.peers.tfjs = `could not be loaded: ${(e as Error).message}`;
      }
    }
    if (!tfjs) record.notes.push(`TensorFlow.js peer: ${record.peers.tfjs}`);
  }
  if (settings.peers.includes('cpu')) record.peers.cpu = 'src/ref (float64 JavaScript references)';

  /** ms per unit of work of the last measurement of each row (kernel + version), for the estimates. */
  const rates = new Map<string, number>();
  const estimateMs = (key: string, work: number, guess?: number) => {
    const r = rates.get(key) ?? guess;
    return r === undefined ? undefined : r * work;
  };

  /**
   * Calibrates the iterations per span (starting from `first`, a span of one iteration already run),
   * then times `settings.spans` spans.
   */
  async function timeSpans(label: string, work: (iters: number) => SpanWork, first?: SpanTiming) {
    let iters = 1;
    let t = first;
    const target = () => Math.max(settings.spanMs, 50 * (timer.resolutionNs() ?? 0) * 1e-6);
    for (;;) {
      t ??= await timer.time(label, work(iters));
      const primary = t.gpuMs ?? t.wallMs;
      if (primary >= target() || iters >= MAX_ITERATIONS || t.wallMs >= 20 * target()) break;
      const per = primary / iters;
      const next = per > 0 ? Math.ceil((1.2 * target()) / per) : iters * 8;
      iters = Math.min(MAX_ITERATIONS, Math.max(iters * 2, Math.min(iters * 16, next)));
      t = undefined;
    }
    const spans: SpanTiming[] = [];
    for (let s = 0; s < settings.spans; s++) spans.push(await timer.time(label, work(iters)));
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
      timer: (gpuOk ? 'gpu-timestamp' : 'wall') as TimerKind,
      iterations: iters,
      spans: spans.length,
    };
  }

  const ourWork =
    (c: BenchCase) =>
    (iters: number): SpanWork => ({
      encode(encoder) {
        const pass = encoder.beginComputePass({ label: 'bench work' });
        for (let i = 0; i < iters; i++) for (const op of c.ops) op.encode(pass);
        pass.end();
      },
    });

  const domains = {
    gemm: [...settings.sizes].sort((a, b) => a - b),
    rows: [...settings.rows].sort((a, b) => a - b),
  };
  try {
    for (const kernel of kernels) {
      for (const size of domains[kernel.domain]) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        const work = kernel.work(size);
        const dims = kernel.describe(size);
        const rows = [...kernel.versions];
        const peerTfjs = kernel.name === 'gemm' && tfjs !== undefined;
        // Decide before making inputs: a size every row skips costs nothing. Each row runs at least
        // 1 + spans iterations (the checked run is the first calibration span).
        const over = (key: string, runs: number) => {
          const est = estimateMs(key, work);
          return est !== undefined && est > settings.spanMs && runs * est > budgetMs
            ? `estimated ${fmtS(est)} per iteration × ${runs} runs > budget ${settings.budgetS} s`
            : undefined;
        };
        const live = rows.filter((v) => over(`${kernel.name} ${v}`, settings.spans + 1) === undefined);
        const tfjsOver = peerTfjs ? over('gemm tfjs', settings.spans + 1) : undefined;
        const tfjsLive = peerTfjs && tfjsOver === undefined;
        for (const v of rows.filter((r) => !live.includes(r))) {
          skip(kernel.name, v, size, over(`${kernel.name} ${v}`, settings.spans + 1)!);
        }
        if (tfjsOver) skip(kernel.name, 'tfjs-webgpu', size, tfjsOver);
        if (live.length === 0 && !tfjsLive) continue;

        const rng = new Rng(BENCH_SEED).derive(`${kernel.name} ${size}`);
        progress(`${kernel.name} ${dims}: inputs`);
        const inputs = kernel.inputs(size, rng);
        const tol = kernel.tolerance(inputs);
        // The CPU reference: in full (and timed as the 'js-ref' peer) when its estimate fits the CPU budget.
        const cpuEst = estimateMs(`${kernel.name} cpu`, work, CPU_GUESS_MS_PER_UNIT)!;
        const fullRef = cpuEst <= cpuBudgetMs || !kernel.sample;
        let ref: ArrayLike<number> | undefined;
        const cpuTimes: number[] = [];
        if (fullRef) {
          progress(`${kernel.name} ${dims}: CPU reference`);
          do {
            const c0 = performance.now();
            ref = kernel.reference(inputs);
            cpuTimes.push(performance.now() - c0);
          } while (
            settings.peers.includes('cpu') &&
            cpuTimes.length < settings.spans &&
            cpuTimes.reduce((a, b) => a + b, 0) < settings.spanMs
          );
          rates.set(`${kernel.name} cpu`, median(cpuTimes) / work);
          if (settings.peers.includes('cpu')) {
            const s = summarize(cpuTimes);
            add({
              kernel: kernel.name,
              version: 'js-ref',
              size,
              dims,
              unit: kernel.unit,
              ops: work,
              median_ms: s.median,
              iqr_ms: s.iqr,
              wall_median_ms: s.median,
              timer: 'cpu',
              gops: work / s.median / 1e6,
              iterations: 1,
              spans: cpuTimes.length,
              check: 'is the reference',
              vs_tfjs: null,
              vs_f32_gemm: null,
              vs_cpu: null,
            });
          }
        } else if (settings.peers.includes('cpu')) {
          skip(
            kernel.name,
            'js-ref',
            size,
            `estimated ${fmtS(cpuEst)} > CPU budget ${fmtS(cpuBudgetMs)}; outputs checked at ${SAMPLE_OUTPUTS} samples`,
          );
        }
        const sampled = ref ? undefined : kernel.sample!(inputs, rng.derive('sample'), SAMPLE_OUTPUTS);
        const check = (label: string, got: ArrayLike<number>): Comparison => {
          if (ref) return compareArrays(label, got, ref, tol);
          const { indices, values } = sampled!;
          const picked = indices.map((i) => got[i]);
          return compareArrays(`${label} (${indices.length} sampled outputs)`, picked, values, tol);
        };
        const checkNote = (c: Comparison) =>
          `${tol.atol === 0 && tol.rtol === 0 ? 'exact' : 'within tolerance'}, ${ref ? 'all' : 'sampled'} ${c.count} outputs (max |err| ${c.maxAbsError.toExponential(1)})`;

        const timedRow = (version: string, t: Awaited<ReturnType<typeof timeSpans>>, c: Comparison) => {
          rates.set(`${kernel.name} ${version === 'tfjs-webgpu' ? 'tfjs' : version}`, t.median_ms / work);
          add({
            kernel: kernel.name,
            version,
            size,
            dims,
            unit: kernel.unit,
            ops: work,
            ...t,
            gops: work / t.median_ms / 1e6,
            check: checkNote(c),
            vs_tfjs: null,
            vs_f32_gemm: null,
            vs_cpu: null,
          });
        };

        for (const version of live) {
          if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
          const label = `${kernel.name} ${version} ${dims}`;
          progress(`${label}: check`);
          const c = await kernel.prepare(gpu, version, inputs);
          try {
            const first = await timer.time(label, ourWork(c)(1));
            const cmp = check(`${label} out`, await c.read());
            if (!cmp.ok) {
              record.failures.push({ kernel: kernel.name, version, size, reason: cmp.summary });
              progress(`MISMATCH ${cmp.summary}`);
              continue;
            }
            progress(`${label}: timing`);
            timedRow(version, await timeSpans(label, ourWork(c), first), cmp);
          } finally {
            c.dispose();
          }
        }

        if (tfjsLive && tfjs) {
          const label = `tf.matMul ${dims}`;
          progress(`${label}: check`);
          const mm = tfjs.matmul(inputs as GemmInputs);
          const tfWork = (iters: number): SpanWork => ({ run: () => mm.run(iters) });
          try {
            const first = await timer.time(label, tfWork(1));
            const cmp = check(`${label} out`, await mm.read());
            if (!cmp.ok) {
              record.failures.push({
                kernel: kernel.name,
                version: 'tfjs-webgpu',
                size,
                reason: cmp.summary,
              });
            } else {
              progress(`${label}: timing`);
              timedRow('tfjs-webgpu', await timeSpans(label, tfWork, first), cmp);
            }
          } finally {
            mm.dispose();
          }
        }
      }
    }
  } finally {
    tfjs?.dispose();
    record.timer.resolution_ns = timer.resolutionNs();
    record.timer.unusable_spans = timer.unusableSpans;
    timer.destroy();
  }
  addRatios(record.measurements);
  if (record.timer.kind === 'gpu-timestamp' && record.timer.resolution_ns !== null) {
    record.notes.push(`GPU timestamps: observed granularity ${fmtNs(record.timer.resolution_ns)}`);
  }
  record.hardware = hardwareReport(gpu.adapter, record.measurements);
  record.notes.push(...hardwareNotes(record.hardware));
  record.duration_s = (performance.now() - t0) / 1000;
  return record;
}

/** Per second of work, `a` over `b`, on the same clock (wall time for both when their timers differ). */
function speedup(a: Measurement, b: Measurement): number {
  if (a.timer === b.timer) return a.gops / b.gops;
  const wa = a.ops / (a.timer === 'cpu' ? a.median_ms : a.wall_median_ms);
  const wb = b.ops / (b.timer === 'cpu' ? b.median_ms : b.wall_median_ms);
  return wa / wb;
}

/** Fills vs_tfjs, vs_f32_gemm and vs_cpu from the measurements of the same size. */
export function addRatios(ms: Measurement[]): void {
  const ours = (m: Measurement) => m.version !== 'tfjs-webgpu' && m.version !== 'js-ref';
  for (const m of ms) {
    if (!ours(m)) continue;
    const same = ms.filter((o) => o.size === m.size && o !== m);
    const cpu = same.find((o) => o.kernel === m.kernel && o.version === 'js-ref');
    const tf = same.find((o) => o.kernel === 'gemm' && o.version === 'tfjs-webgpu');
    m.vs_cpu = cpu ? speedup(m, cpu) : null;
    m.vs_tfjs = m.kernel === 'gemm' && tf ? speedup(m, tf) : null;
    if (BENCH_KERNELS.find((k) => k.name === m.kernel)?.comparedWith === 'gemm') {
      const f32 = same.filter((o) => o.kernel === 'gemm' && ours(o));
      const best = f32.sort((x, y) => y.gops - x.gops)[0];
      m.vs_f32_gemm = best ? speedup(m, best) : null;
    }
  }
}

export function fmtS(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms >= 10 ? 0 : 2)} ms`;
}

export function fmtNs(ns: number): string {
  return ns >= 1e6 ? `${ns / 1e6} ms` : ns >= 1e3 ? `${ns / 1e3} µs` : `${ns} ns`;
}
