/** The benchmark's record and the state its pipeline stages (harness.ts, measure.ts) pass along. */
import type { Gpu } from '../gpu/device.ts';
import type { AnyBenchKernel } from '../kernels/types.ts';
import type { HardwareReport } from './hardware.ts';
import type { BenchSettings } from './settings.ts';
import type { TfjsPeer } from './tfjs-peer.ts';
import type { SpanTimer } from './timer.ts';

export const BENCH_SCHEMA = 'bitplane.bench/1';

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
  /**
   * Per iteration: median and interquartile range over the timed spans, on the row's `timer` (GPU
   * timestamps where the adapter has them, else wall time; the CPU clock for 'js-ref').
   */
  median_ms: number;
  iqr_ms: number;
  /** The same spans timed encode-to-done on the CPU's clock, per iteration. */
  wall_median_ms: number;
  timer: TimerKind;
  /** 10^9 units of work per second (for the GEMMs, GMAC/s), from median_ms. */
  gops: number;
  iterations: number;
  spans: number;
  /** How the output was checked before it was timed. */
  check: string;
  /**
   * The ratios: work per second over a peer at the same size, both from median_ms (the median the table
   * shows), so a ratio is always the quotient of the two rows' medians (scaled by their work).
   * vs_tfjs: over TensorFlow.js's WebGPU matmul (float GEMM versions).
   */
  vs_tfjs: number | null;
  /** Over our fastest float GEMM at this size (XNOR GEMM versions). */
  vs_f32_gemm: number | null;
  /** Over the JavaScript CPU reference at this size (its median on the CPU clock). */
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
  /** Peer → what ran ('@tensorflow/tfjs-backend-webgpu 4.22.0', 'src/kernels refs (float64 JavaScript)'), or why not. */
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
  /** Runs a kernel's CPU reference elsewhere (the app: a Web Worker, so the page stays responsive). */
  reference?: CpuReference;
}

/**
 * A kernel's full CPU reference on `inputs`, run `repeat` times at least once (more while `repeat.spans`
 * runs fit in `repeat.spanMs`); the output and each run's milliseconds.
 */
export type CpuReference = (
  kernel: string,
  inputs: unknown,
  repeat: { timeIt: boolean; spans: number; spanMs: number },
) => Promise<{ output: ArrayLike<number>; times: number[] }>;

/** The reference loop itself (in this thread, or in the app's worker). */
export function repeatReference(
  reference: () => ArrayLike<number>,
  repeat: { timeIt: boolean; spans: number; spanMs: number },
): { output: ArrayLike<number>; times: number[] } {
  const times: number[] = [];
  let output: ArrayLike<number>;
  do {
    const c0 = performance.now();
    output = reference();
    times.push(performance.now() - c0);
  } while (repeat.timeIt && times.length < repeat.spans && times.reduce((a, b) => a + b, 0) < repeat.spanMs);
  return { output, times };
}

/** One run of the pipeline: what every stage reads and adds to. */
export interface BenchRun {
  gpu: Gpu;
  settings: BenchSettings;
  record: BenchRecord;
  timer: SpanTimer;
  /** ms per unit of work of the last measurement of each row ('gemm v1', 'gemm cpu', 'gemm tfjs'). */
  rates: Map<string, number>;
  tfjs?: TfjsPeer;
  reference?: CpuReference;
  signal?: AbortSignal;
  progress(line: string): void;
  add(m: Measurement): void;
  skip(kernel: string, version: string, size: number, reason: string): void;
}

/** One kernel at one size, and the rows of it that fit the budget. */
export interface PlannedSize {
  kernel: AnyBenchKernel;
  size: number;
  /** Units of work of one iteration. */
  work: number;
  dims: string;
  /** Versions of ours to check and time. */
  versions: string[];
  /** Whether TensorFlow.js's matmul runs at this size (float GEMM only). */
  tfjs: boolean;
}
