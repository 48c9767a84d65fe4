/**
 * The benchmark harness, a pipeline of small stages. For every selected kernel and size (and the peers
 * at that size):
 *
 * 1. plan: the rows whose estimated time (from the previous size's rate, scaled by the work) fits the
 *    budget; the others are skipped and listed with the estimate (SwiftShader would take minutes per
 *    2048³ float GEMM);
 * 2. check: make seeded inputs, get the oracle (measure.ts: the CPU reference, in full or sampled),
 *    prepare each version, run it once and compare; a mismatch is reported and the version not timed;
 * 3. time: calibrate the iterations per span, then time the spans (measure.ts);
 * 4. record: one Measurement per row; at the end the ratios between rows of the same size.
 *
 * Ratios compare the medians the table shows (work per second, >1 = this one is faster), measurements of
 * one run on one adapter.
 */

import { describeAdapter, type Gpu } from '../gpu/device.ts';
import type { GemmInputs } from '../kernels/gemm/spec.ts';
import { BENCH_KERNELS } from '../kernels/index.ts';
import type { AnyBenchKernel, BenchCase } from '../kernels/types.ts';
import { Rng } from '../util/rng.ts';
import { hardwareNotes, hardwareReport } from './hardware.ts';
import { estimateMs, fmtS, type Oracle, oracle, recordRow, timeSpans } from './measure.ts';
import { type BenchSettings, benchFragment } from './settings.ts';
import { SpanTimer, type SpanWork } from './timer.ts';
import {
  BENCH_SCHEMA,
  type BenchOptions,
  type BenchRecord,
  type BenchRun,
  type Measurement,
  type PlannedSize,
} from './types.ts';

export { fmtS, MAX_ITERATIONS, SAMPLE_OUTPUTS } from './measure.ts';
export type { BenchOptions, BenchRecord, Measurement, Skipped, TimerKind } from './types.ts';
export { BENCH_SCHEMA };

export const BENCH_SEED = 2020;

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

export async function runBench(
  gpu: Gpu,
  settings: BenchSettings,
  options: BenchOptions = {},
): Promise<BenchRecord> {
  const t0 = performance.now();
  const kernels = selectKernels(settings.kernels);
  const run = startRun(gpu, settings, options);
  try {
    await loadPeers(run, kernels, options);
    for (const step of plan(run, kernels)) await benchSize(run, step);
  } finally {
    run.tfjs?.dispose();
    run.record.timer.resolution_ns = run.timer.resolutionNs();
    run.record.timer.unusable_spans = run.timer.unusableSpans;
    run.timer.destroy();
  }
  return finish(run.record, gpu, t0);
}

/** The run's state and its empty record. */
function startRun(gpu: Gpu, settings: BenchSettings, options: BenchOptions): BenchRun {
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
    started: new Date().toISOString(),
    duration_s: 0,
  };
  const progress = (s: string) => options.onProgress?.(s);
  return {
    gpu,
    settings,
    record,
    timer,
    rates: new Map(),
    signal: options.signal,
    reference: options.reference,
    progress,
    add(m) {
      record.measurements.push(m);
      options.onMeasurement?.(m);
    },
    skip(kernel, version, size, reason) {
      record.skipped.push({ kernel, version, size, reason });
      progress(`skip ${kernel} ${version} ${size}: ${reason}`);
    },
  };
}

/** Loads TensorFlow.js when asked for and the float GEMM runs; names the CPU peer. */
async function loadPeers(run: BenchRun, kernels: readonly AnyBenchKernel[], options: BenchOptions) {
  const { settings, record } = run;
  if (settings.peers.includes('tfjs') && kernels.some((k) => k.name === 'gemm')) {
    if (!options.loadTfjs) record.peers.tfjs = 'not available here';
    else {
      try {
        run.tfjs = await options.loadTfjs(run.gpu);
        record.peers.tfjs = run.tfjs.name;
      } catch (e) {
        record.peers.tfjs = `could not be loaded: ${(e as Error).message}`;
      }
    }
    if (!run.tfjs) record.notes.push(`TensorFlow.js peer: ${record.peers.tfjs}`);
  }
  if (settings.peers.includes('cpu'))
    record.peers.cpu = 'src/kernels/*/ref.ts (float64 JavaScript references)';
}

/**
 * Stage 1: each kernel at each of its sizes, smallest first, with the rows that fit the budget. Lazy, so
 * each size is planned from the rates measured at the sizes before it. Each row runs at least
 * 1 + spans iterations (the checked run is the first calibration span).
 */
function* plan(run: BenchRun, kernels: readonly AnyBenchKernel[]): Generator<PlannedSize> {
  const { settings } = run;
  const sizes = {
    gemm: [...settings.sizes].sort((a, b) => a - b),
    rows: [...settings.rows].sort((a, b) => a - b),
  };
  const runs = settings.spans + 1;
  for (const kernel of kernels) {
    for (const size of sizes[kernel.domain]) {
      if (run.signal?.aborted) throw run.signal.reason ?? new Error('aborted');
      const work = kernel.work(size);
      const over = (key: string) => {
        const est = estimateMs(run, key, work);
        return est !== undefined && est > settings.spanMs && runs * est > settings.budgetS * 1000
          ? `estimated ${fmtS(est)} per iteration × ${runs} runs > budget ${settings.budgetS} s`
          : undefined;
      };
      const versions: string[] = [];
      for (const v of kernel.versions) {
        const why = over(`${kernel.name} ${v}`);
        if (why) run.skip(kernel.name, v, size, why);
        else versions.push(v);
      }
      let tfjs = kernel.name === 'gemm' && run.tfjs !== undefined;
      const tfjsWhy = tfjs ? over('gemm tfjs') : undefined;
      if (tfjsWhy) {
        run.skip(kernel.name, 'tfjs-webgpu', size, tfjsWhy);
        tfjs = false;
      }
      // A size every row skips costs nothing: no inputs are made.
      if (versions.length > 0 || tfjs)
        yield { kernel, size, work, dims: kernel.describe(size), versions, tfjs };
    }
  }
}

/** Stages 2–4 for one size: inputs and oracle, then each version of ours and the peer. */
async function benchSize(run: BenchRun, step: PlannedSize): Promise<void> {
  const { kernel, size, dims } = step;
  const rng = new Rng(BENCH_SEED).derive(`${kernel.name} ${size}`);
  run.progress(`${kernel.name} ${dims}: inputs`);
  const inputs = kernel.inputs(size, rng);
  const check = await oracle(run, step, inputs, rng);
  for (const version of step.versions) {
    if (run.signal?.aborted) throw run.signal.reason ?? new Error('aborted');
    const c = await kernel.prepare(run.gpu, version, inputs);
    try {
      await checkAndTime(run, step, version, `${kernel.name} ${version} ${dims}`, ourWork(c), c.read, check);
    } finally {
      c.dispose();
    }
  }
  if (step.tfjs && run.tfjs) {
    const mm = run.tfjs.matmul(inputs as GemmInputs);
    try {
      const work = (iters: number): SpanWork => ({ run: () => mm.run(iters) });
      await checkAndTime(run, step, 'tfjs-webgpu', `tf.matMul ${dims}`, work, mm.read, check);
    } finally {
      mm.dispose();
    }
  }
}

/** One iteration of ours = every op of the case, in order, in one compute pass. */
const ourWork =
  (c: BenchCase) =>
  (iters: number): SpanWork => ({
    encode(encoder) {
      const pass = encoder.beginComputePass({ label: 'bench work' });
      for (let i = 0; i < iters; i++) for (const op of c.ops) op.encode(pass);
      pass.end();
    },
  });

/** Runs a row once and checks it (a mismatch is a failure, not timed), then times and records it. */
async function checkAndTime(
  run: BenchRun,
  step: PlannedSize,
  version: string,
  label: string,
  work: (iters: number) => SpanWork,
  read: () => Promise<ArrayLike<number>>,
  check: Oracle,
): Promise<void> {
  run.progress(`${label}: check`);
  const first = await run.timer.time(label, work(1));
  const cmp = check.check(`${label} out`, await read());
  if (!cmp.ok) {
    run.record.failures.push({ kernel: step.kernel.name, version, size: step.size, reason: cmp.summary });
    run.progress(`MISMATCH ${cmp.summary}`);
    return;
  }
  run.progress(`${label}: timing`);
  recordRow(run, step, version, await timeSpans(run, label, work, first), check.note(cmp));
}

/** The ratios and closing notes. */
function finish(record: BenchRecord, gpu: Gpu, t0: number): BenchRecord {
  addRatios(record.measurements);
  if (record.timer.kind === 'gpu-timestamp' && record.timer.resolution_ns !== null) {
    record.notes.push(`GPU timestamps: observed granularity ${fmtNs(record.timer.resolution_ns)}`);
  }
  record.hardware = hardwareReport(gpu.adapter, record.measurements);
  record.notes.push(...hardwareNotes(record.hardware));
  record.duration_s = (performance.now() - t0) / 1000;
  return record;
}

/**
 * Work per second of `a` over `b`, each from its median_ms: the quotient of the medians the table shows
 * (scaled by the work), whatever clock each row was timed on (its `timer` column says which).
 */
export function speedup(a: Measurement, b: Measurement): number {
  return a.ops / a.median_ms / (b.ops / b.median_ms);
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

export function fmtNs(ns: number): string {
  return ns >= 1e6 ? `${ns / 1e6} ms` : ns >= 1e3 ? `${ns / 1e3} µs` : `${ns} ns`;
}
