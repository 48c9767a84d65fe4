/**
 * The shapes of the kernel registry (index.ts). A kernel family (src/kernels/<family>/, the shaders'
 * common prefix) has one KernelSpec: its wrappers' definitions, its checks and its benchmark rows.
 *
 * Checks: each kernel × version × case runs on the GPU and on its CPU reference over seeded inputs and
 * returns the comparisons. Benchmark rows: seeded host inputs for a size, the GPU work of a version,
 * the CPU reference on the same inputs (in full, and for the GEMMs also at sampled outputs, for sizes
 * where the full reference takes too long in JavaScript). Work is counted in `unit`s: the GEMMs count
 * multiply-accumulates (M·N·K; for the binary GEMM one per bit, so 32 per XOR-popcounted word); the
 * elementwise kernels count input elements. The one registry serves the test suite, the app's
 * self-check and the benchmarks, so a new kernel version is checked and timed everywhere by adding it.
 */

import type { Gpu } from '../gpu/device.ts';
import type { KernelDef, PreparedOp } from '../gpu/kernel.ts';
import type { Rng } from '../util/rng.ts';
import type { Comparison, Tolerance } from './compare.ts';

export interface CheckCase {
  /** e.g. "R=2 M=33 N=17 K=70" */
  label: string;
  dims: Record<string, number>;
  /** Small enough for the in-browser self-check. */
  quick?: boolean;
}

export interface KernelCheck {
  kernel: string;
  versions: readonly string[];
  cases: readonly CheckCase[];
  /** Integer kernels compare exactly; float kernels state their tolerance in the Comparison summary. */
  exact: boolean;
  run(gpu: Gpu, version: string, c: CheckCase, rng: Rng): Promise<Comparison[]>;
}

/** A case from its dims, labelled "A=1 B=2". */
export function caseOf(dims: Record<string, number>, quick = false): CheckCase {
  return {
    label: Object.entries(dims)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    dims,
    quick,
  };
}

/** The GPU side of one kernel version at one size, ready to be recorded any number of times. */
export interface BenchCase {
  /** One iteration: these ops in order. */
  ops: readonly PreparedOp[];
  /** The output(s) after a run, concatenated in the order of the reference. */
  read(): Promise<ArrayLike<number>>;
  dispose(): void;
}

export interface BenchKernel<I = unknown> {
  /** The kernel's name (the WGSL file stem). */
  name: string;
  versions: readonly string[];
  /** 'gemm': size = M = N = K; 'rows': size = rows N of a layer ROW_WIDTH wide. */
  domain: 'gemm' | 'rows';
  unit: 'MAC' | 'element';
  /** e.g. "M=N=K=512" */
  describe(size: number): string;
  /** Units of work of one iteration. */
  work(size: number): number;
  inputs(size: number, rng: Rng): I;
  prepare(gpu: Gpu, version: string, inputs: I): Promise<BenchCase>;
  /** The full CPU reference of what `read` returns (the family's ref.ts, float64 where the reference is). */
  reference(inputs: I): ArrayLike<number>;
  /**
   * The reference at `count` random outputs only, for sizes where the full reference is too slow in
   * JavaScript: the indices into what `read` returns, and the reference values there.
   */
  sample?(inputs: I, rng: Rng, count: number): { indices: number[]; values: number[] };
  tolerance(inputs: I): Tolerance;
  /** Another kernel of the run this one is compared with at the same size ('xnor_gemm' vs 'gemm'). */
  comparedWith?: string;
}

/** A registry entry of any input type (each entry's methods only ever see its own inputs). */
// biome-ignore lint/suspicious/noExplicitAny: an existential over the entries' input types
export type AnyBenchKernel = BenchKernel<any>;

/** One kernel family: its wrappers, its checks against the CPU reference, its benchmark rows. */
export interface KernelSpec {
  /** The family's name: the folder under src/kernels/ and the prefix of its shaders' file names. */
  family: string;
  /** The wrappers' definitions (each version's WGSL and the bind-group layout). */
  kernels: readonly KernelDef[];
  checks: readonly KernelCheck[];
  bench: readonly AnyBenchKernel[];
  /** The family whose check runs this one's kernels, when it has no check of its own. */
  checkedBy?: string;
}
