/**
 * The kernel registry: one KernelSpec per family, in dependency order (a family's check may use the
 * kernels before it). It drives test/kernels.test.ts, the app's self-check and the benchmarks
 * (`bitplane bench`, the Benchmarks view); KERNEL_CHECKS and BENCH_KERNELS are its two views.
 *
 * A family is named by its shaders' common prefix (shaders/<family>*.wgsl) and lives in
 * src/kernels/<family>/:
 *   ref.ts     the CPU reference: plain loops, the executable spec (imports nothing from src/gpu)
 *   kernel.ts  the typed wrapper: KernelDef (every version's WGSL, the TypeGPU layout), Params, prepare
 *   spec.ts    the family's KernelSpec: its checks (seeded inputs, cases, tolerance) and benchmark rows
 * Shared here: types.ts (the spec's shapes), compare.ts (the checker), layout.ts (binding entries),
 * run-checks.ts (the self-check's loop) and bench-shapes.ts (shapes several benchmark rows share).
 * test/kernel-contracts.test.ts holds each shader's Params and bindings to its wrapper's layout.
 */
import { activationSpec } from './activation/spec.ts';
import { adamUpdateSpec } from './adam_update/spec.ts';
import { batchnormSpec } from './batchnorm/spec.ts';
import { bopUpdateSpec } from './bop_update/spec.ts';
import { codeCountsSpec } from './code_counts/spec.ts';
import { countOfCountsSpec } from './count_of_counts/spec.ts';
import { fillU32Spec } from './fill_u32/spec.ts';
import { flipCountSpec } from './flip_count/spec.ts';
import { gatherRowsSpec } from './gather_rows/spec.ts';
import { gemmSpec } from './gemm/spec.ts';
import { kdeSpec } from './kde/spec.ts';
import { layerCodesSpec } from './layer_codes/spec.ts';
import { layerMinMaxSpec } from './layer_minmax/spec.ts';
import { magnitudeSignSpec } from './magnitude_sign/spec.ts';
import { packSignsSpec } from './pack_signs/spec.ts';
import { quantizeSpec } from './quantize/spec.ts';
import { reduceRowsSpec } from './reduce_rows/spec.ts';
import { sgdUpdateSpec } from './sgd_update/spec.ts';
import { softmaxXentSpec } from './softmax_xent/spec.ts';
import type { AnyBenchKernel, KernelCheck, KernelSpec } from './types.ts';
import { xnorGemmSpec } from './xnor_gemm/spec.ts';

export const KERNEL_SPECS: readonly KernelSpec[] = [
  packSignsSpec,
  xnorGemmSpec,
  gemmSpec,
  reduceRowsSpec,
  batchnormSpec,
  activationSpec,
  magnitudeSignSpec,
  quantizeSpec,
  softmaxXentSpec,
  sgdUpdateSpec,
  adamUpdateSpec,
  bopUpdateSpec,
  gatherRowsSpec,
  flipCountSpec,
  fillU32Spec,
  layerMinMaxSpec,
  layerCodesSpec,
  codeCountsSpec,
  countOfCountsSpec,
  kdeSpec,
];

/** Every kernel check, in dependency order. */
export const KERNEL_CHECKS: readonly KernelCheck[] = KERNEL_SPECS.flatMap((s) => s.checks);

/** The benchmark table's order: the GEMMs, then the layer kernels, then the rest in registry order. */
const BENCH_FIRST = ['gemm', 'xnor_gemm', 'pack_signs', 'activation'];

/** Every benchmarked kernel, in table order. */
export const BENCH_KERNELS: readonly AnyBenchKernel[] = [
  ...BENCH_FIRST.flatMap((f) => KERNEL_SPECS.find((s) => s.family === f)?.bench ?? []),
  ...KERNEL_SPECS.filter((s) => !BENCH_FIRST.includes(s.family)).flatMap((s) => s.bench),
];
