/**
 * Kernel checks: each kernel × version × case runs on the GPU and on its CPU reference over seeded
 * inputs and returns the comparisons. One registry (index.ts) serves the test suite, the app's
 * self-check and the benchmark harness, so a new kernel version is checked everywhere by adding it.
 */
import type { Comparison } from '../../ref/compare.ts';
import type { Rng } from '../../util/rng.ts';
import type { Gpu } from '../device.ts';

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
