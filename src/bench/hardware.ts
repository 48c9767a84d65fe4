/**
 * What the adapter offers that matters for the GEMMs, and how far the measured GEMMs are from the
 * hardware's own bounds, for the benchmark record.
 *
 * Features: `subgroups` (with the subgroup size range), Dawn's `chromium-experimental-subgroup-matrix`
 * (with the matrix configurations the adapter lists, when it lists them) and `shader-f16`.
 *
 * Bounds, for the GPUs in KNOWN_GPUS only (the adapter does not report its SM count or clock): the XNOR
 * GEMM's is the popcount throughput (one 32-bit popcount covers 32 bit-MACs once the XNOR is done, and
 * the XNOR and the add run on wider pipes, so popcounts bound it); the float GEMM's is the FP32 FMA
 * throughput. Each is (per SM per clock) × SMs × boost clock: a peak no kernel reaches exactly (clocks
 * fall under load), stated with its source. Unknown GPUs, and software adapters, get "unknown".
 */
import type { AdapterSummary } from '../gpu/device.ts';

export interface KnownGpu {
  name: string;
  /** Matched against the adapter's vendor, architecture, device and description, lower-cased. */
  match: RegExp;
  sms: number;
  boostGHz: number;
  /** 32-bit popcounts per SM per clock. */
  popcPerSmClock: number;
  /** FP32 fused multiply-adds per SM per clock. */
  fmaPerSmClock: number;
}

const GUIDE =
  "NVIDIA CUDA C++ Programming Guide, table 'Throughput of Native Arithmetic Instructions' " +
  "(rows '32-bit bitwise population count' and '32-bit floating-point add, multiply, multiply-add')";
const SPECS = "SM count and boost clock: NVIDIA's product datasheet / architecture whitepaper";

/** Most specific first: the first match wins. */
export const KNOWN_GPUS: KnownGpu[] = [
  { name: 'NVIDIA H200', match: /h200/, sms: 132, boostGHz: 1.98, popcPerSmClock: 16, fmaPerSmClock: 128 },
  {
    name: 'NVIDIA H100 PCIe',
    match: /h100.*pcie/,
    sms: 114,
    boostGHz: 1.755,
    popcPerSmClock: 16,
    fmaPerSmClock: 128,
  },
  {
    name: 'NVIDIA H100 SXM5',
    match: /h100/,
    sms: 132,
    boostGHz: 1.98,
    popcPerSmClock: 16,
    fmaPerSmClock: 128,
  },
  { name: 'NVIDIA A100', match: /a100/, sms: 108, boostGHz: 1.41, popcPerSmClock: 16, fmaPerSmClock: 64 },
  { name: 'NVIDIA L4', match: /\bl4\b/, sms: 58, boostGHz: 2.04, popcPerSmClock: 16, fmaPerSmClock: 128 },
  {
    name: 'NVIDIA GeForce RTX 4090',
    match: /rtx 4090/,
    sms: 128,
    boostGHz: 2.52,
    popcPerSmClock: 16,
    fmaPerSmClock: 128,
  },
  {
    name: 'NVIDIA Tesla T4',
    match: /\bt4\b/,
    sms: 40,
    boostGHz: 1.59,
    popcPerSmClock: 16,
    fmaPerSmClock: 64,
  },
];

export interface HardwareReport {
  subgroups: boolean;
  subgroup_min_size: number | null;
  subgroup_max_size: number | null;
  subgroup_matrix: boolean;
  /** The adapter's subgroup-matrix configurations when it lists them; null when not offered or not listed. */
  subgroup_matrix_configs: unknown[] | null;
  shader_f16: boolean;
  /** The GPU in KNOWN_GPUS the adapter matched, or "unknown". */
  gpu: string;
  /** T bit-MAC/s (10^12), or null when unknown. */
  popcount_bound_tmacs: number | null;
  /** T FMA/s (10^12), or null when unknown. */
  fp32_peak_tfmas: number | null;
  source: string | null;
  /** Per XNOR GEMM measurement: the fraction of the popcount bound it reached. */
  xnor_vs_bound: { version: string; size: number; fraction: number }[];
  /** Per float GEMM measurement: the fraction of the FP32 peak it reached. */
  gemm_vs_peak: { version: string; size: number; fraction: number }[];
}

export function knownGpu(a: AdapterSummary): KnownGpu | null {
  if (a.software) return null;
  const text = [a.vendor, a.architecture, a.device, a.description]
    .join(' ')
    .toLowerCase()
    .replace(/[-_]/g, ' ');
  return KNOWN_GPUS.find((g) => g.match.test(text)) ?? null;
}

/** What the report reads of a benchmark row (bench/types.ts's Measurement has these and more). */
interface Rate {
  kernel: string;
  version: string;
  size: number;
  gops: number;
}

export function hardwareReport(a: AdapterSummary, measurements: readonly Rate[]): HardwareReport {
  const g = knownGpu(a);
  const popc = g ? (g.popcPerSmClock * 32 * g.sms * g.boostGHz) / 1000 : null; // 10^9·10^-12
  const fma = g ? (g.fmaPerSmClock * g.sms * g.boostGHz) / 1000 : null;
  const fraction = (kernel: string, peakT: number | null) =>
    peakT === null
      ? []
      : measurements
          .filter((m) => m.kernel === kernel && m.version !== 'tfjs-webgpu')
          .map((m) => ({ version: m.version, size: m.size, fraction: m.gops / 1000 / peakT }));
  return {
    subgroups: a.features.includes('subgroups'),
    subgroup_min_size: a.subgroupMinSize ?? null,
    subgroup_max_size: a.subgroupMaxSize ?? null,
    subgroup_matrix: a.features.includes('chromium-experimental-subgroup-matrix'),
    subgroup_matrix_configs: a.subgroupMatrixConfigs ?? null,
    shader_f16: a.features.includes('shader-f16'),
    gpu: g?.name ?? 'unknown',
    popcount_bound_tmacs: popc,
    fp32_peak_tfmas: fma,
    source: g
      ? `${g.popcPerSmClock} popcounts × 32 bit-MACs and ${g.fmaPerSmClock} FP32 FMAs per SM per clock (${GUIDE}) × ` +
        `${g.sms} SMs × ${g.boostGHz} GHz boost (${SPECS})`
      : null,
    xnor_vs_bound: fraction('xnor_gemm', popc),
    gemm_vs_peak: fraction('gemm', fma),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Lines for the record's notes (printed under the table). */
export function hardwareNotes(h: HardwareReport): string[] {
  const sub = h.subgroups
    ? `subgroups (sizes ${h.subgroup_min_size ?? '?'}–${h.subgroup_max_size ?? '?'})`
    : 'no subgroups';
  const matrix = h.subgroup_matrix
    ? `chromium-experimental-subgroup-matrix${h.subgroup_matrix_configs ? ` (${h.subgroup_matrix_configs.length} configurations: ${JSON.stringify(h.subgroup_matrix_configs)})` : ' (configurations not listed)'}`
    : 'no subgroup matrices';
  const lines = [`Adapter features: ${sub}; ${matrix}; ${h.shader_f16 ? 'shader-f16' : 'no shader-f16'}.`];
  if (h.popcount_bound_tmacs === null || h.fp32_peak_tfmas === null) {
    lines.push(
      'Hardware bounds: unknown for this adapter (not in the table of known GPUs, src/bench/hardware.ts).',
    );
    return lines;
  }
  lines.push(
    `Hardware bounds (${h.gpu}): popcount ${h.popcount_bound_tmacs.toFixed(1)} T bit-MAC/s, FP32 ${h.fp32_peak_tfmas.toFixed(1)} T FMA/s; ${h.source}.`,
  );
  const list = (xs: HardwareReport['xnor_vs_bound']) =>
    xs.map((x) => `${x.version} ${x.size}³ ${pct(x.fraction)}`).join(', ');
  if (h.xnor_vs_bound.length)
    lines.push(`XNOR GEMM, fraction of the popcount bound: ${list(h.xnor_vs_bound)}.`);
  if (h.gemm_vs_peak.length) lines.push(`Float GEMM, fraction of the FP32 peak: ${list(h.gemm_vs_peak)}.`);
  return lines;
}
