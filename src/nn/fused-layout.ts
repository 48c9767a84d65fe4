/**
 * The fused trainer's limits, memory layout and shader prelude (shaders/fused_train.wgsl): which networks
 * it takes, where each parameter lives in its one parameter buffer, and the WGSL constants that describe
 * the network's shape to the kernel. Pure functions of the plan, so the run's choice of trainer (and the
 * message when a forced choice does not fit) needs no GPU.
 */
import { kbitActivation, kbitWeights } from '../config/run-config.ts';
import { ACTIVATIONS } from '../kernels/activation/ref.ts';
import type { LayerPlan, NetworkPlan } from './plan.ts';

/** What the fused kernel takes. Each bound is what its private and workgroup arrays are sized for. */
export const FUSED_LIMITS = {
  /** Units of every layer, and input features: a thread keeps a row of them in private memory. */
  maxUnits: 64,
  /** Σ widths of all layers: five workgroup arrays of this many floats (≤ 20 KiB of the 32 KiB). */
  maxTotalUnits: 1024,
  /**
   * Weights and biases of one replica: each thread's private copy and gradient accumulators, and the
   * size of the unrolled code (src/nn/fused-codegen.ts): SwiftShader took ~2 minutes to compile ~1,000.
   */
  maxPrivateParams: 512,
  /** Samples of one minibatch. */
  maxBatch: 4096,
} as const;

/** Workgroup width: 4 threads on a software adapter (fewest lanes to barrier), 64 on a real GPU. */
export function fusedWorkgroup(software: boolean): number {
  return software ? 4 : 64;
}

/** WGSL ids of the k-bit activations q2, q4, q8 (shaders/fused_common.wgsl). */
export const KBIT_IDS: Record<number, number> = { 2: 11, 4: 12, 8: 13 };

/**
 * WGSL id of each activation (the ACTIVATIONS table's), magnitude_aware_sign 10, q2 / q4 / q8 11 / 12 / 13,
 * none (output) 255.
 */
export function activationId(l: LayerPlan): number {
  if (l.activation === null) return 255;
  if (l.activation === 'magnitude_aware_sign') return 10;
  const bits = kbitActivation(l.activation);
  if (bits) return KBIT_IDS[bits];
  const a = ACTIVATIONS.find((e) => e.name === l.activation);
  if (!a) throw new Error(`fused trainer: unknown activation '${l.activation}'`);
  return a.id;
}

/** One tensor of the parameter buffer: [R, size] at `offset` (floats). */
export interface ParamBlock {
  offset: number;
  size: number;
}

export interface FusedLayerLayout {
  w: ParamBlock;
  bias?: ParamBlock;
  gamma?: ParamBlock;
  beta?: ParamBlock;
  runningMean?: ParamBlock;
  runningVar?: ParamBlock;
  /** First unit of this layer in a scratch row of S floats. */
  unitOffset: number;
  /** Offsets of its weights and bias in a thread's private arrays (bias: -1 when none). */
  privateW: number;
  privateB: number;
}

export interface FusedLayout {
  layers: FusedLayerLayout[];
  /** Floats in the parameter buffer (all replicas). */
  paramFloats: number;
  /** Σ widths. */
  S: number;
  /** Private weights and biases per replica. */
  PW: number;
  /** Widest row (inputs included). */
  maxW: number;
  /** Minibatch size the scratch rows are sized for. */
  BS: number;
}

/** Offsets of every tensor: per layer W [R, N, K], then bias, γ, β, running mean, running var [R, N]. */
export function fusedLayout(plan: NetworkPlan, R: number, batch: number): FusedLayout {
  let off = 0;
  let unit = 0;
  let priv = 0;
  const block = (size: number): ParamBlock => {
    const b = { offset: off, size };
    off += R * size;
    return b;
  };
  const layers = plan.layers.map((l): FusedLayerLayout => {
    const N = l.width;
    const lay: FusedLayerLayout = {
      w: block(N * l.fanIn),
      unitOffset: unit,
      privateW: priv,
      privateB: -1,
    };
    priv += N * l.fanIn;
    if (l.bias) {
      lay.bias = block(N);
      lay.privateB = priv;
      priv += N;
    }
    if (l.batchNorm) {
      lay.gamma = block(N);
      lay.beta = block(N);
      lay.runningMean = block(N);
      lay.runningVar = block(N);
    }
    unit += N;
    return lay;
  });
  const maxW = Math.max(plan.inputs, ...plan.layers.map((l) => l.width));
  return { layers, paramFloats: off, S: unit, PW: priv, maxW, BS: batch };
}

/**
 * Bytes of the scratch buffer: per replica Z, ZN, A, DZ [BS, S], the gradient partials [WG, PW] and the
 * column phases' reduction rows RED1, RED2 [WG, S].
 */
export function scratchBytes(layout: FusedLayout, R: number, WG: number): number {
  return R * (4 * layout.BS * layout.S + WG * layout.PW + 2 * WG * layout.S) * 4;
}

/**
 * Why the network does not fit the fused kernel (a sentence naming the limit), or null when it does.
 * `maxBinding`: the adapter's maxStorageBufferBindingSize, when known.
 */
export function fusedMisfit(
  plan: NetworkPlan,
  R: number,
  batchSize: number,
  nTrain: number,
  WG: number,
  maxBinding = 128 * 1024 * 1024,
): string | null {
  const L = FUSED_LIMITS;
  if (plan.inputs > L.maxUnits) {
    return `the fused trainer takes at most ${L.maxUnits} input features; this dataset has ${plan.inputs}`;
  }
  for (const l of plan.layers) {
    // What the kernel implements: binary, k-bit or float weights, and the activations of its ACTIVATIONS
    // table, magnitude_aware_sign and the k-bit ones.
    if (l.quantizedWeights && !kbitWeights(l.weights)) {
      return `the fused trainer takes binary, k-bit or float weights; ${l.name} has ${l.weights} weights`;
    }
    if (
      l.activation !== null &&
      l.activation !== 'magnitude_aware_sign' &&
      !kbitActivation(l.activation) &&
      !ACTIVATIONS.some((e) => e.name === l.activation)
    ) {
      return `the fused trainer has no ${l.activation} activation (${l.name})`;
    }
    if (l.width > L.maxUnits) {
      return `the fused trainer takes layers of at most ${L.maxUnits} units; ${l.name} has ${l.width}`;
    }
  }
  const B = Math.min(batchSize, nTrain);
  if (B > L.maxBatch)
    return `the fused trainer takes minibatches of at most ${L.maxBatch} samples; batchSize is ${B}`;
  const layout = fusedLayout(plan, R, B);
  if (layout.S > L.maxTotalUnits) {
    return `the fused trainer takes at most ${L.maxTotalUnits} units in all layers together; this network has ${layout.S}`;
  }
  if (layout.PW > L.maxPrivateParams) {
    return `the fused trainer takes at most ${L.maxPrivateParams} weights and biases per replica; this network has ${layout.PW}`;
  }
  const bytes = scratchBytes(layout, R, WG);
  if (bytes > maxBinding) {
    return `the fused trainer's scratch (${R} replicas × batch ${B} × ${layout.S} units) needs ${(bytes / 2 ** 20).toFixed(0)} MiB, more than the adapter's largest storage binding (${(maxBinding / 2 ** 20).toFixed(0)} MiB)`;
  }
  return null;
}

const u32Array = (name: string, xs: number[]): string =>
  `const ${name} = array<u32, ${xs.length}>(${xs.map((v) => `${v >>> 0}u`).join(', ')});`;

/** The constants shaders/fused_train.wgsl expects above its text. */
export function fusedPrelude(plan: NetworkPlan, layout: FusedLayout): string {
  const none = 0xffffffff;
  const ls = layout.layers;
  const at = (b: ParamBlock | undefined) => (b ? b.offset : none);
  return [
    `// generated by src/nn/fused-layout.ts for ${plan.layers.map((l) => l.width).join('-')} on ${plan.inputs} inputs`,
    `const NL: u32 = ${plan.layers.length}u;`,
    `const NP: u32 = ${layout.paramFloats}u;`,
    `const D: u32 = ${plan.inputs}u;`,
    `const C: u32 = ${plan.classes}u;`,
    `const S: u32 = ${layout.S}u;`,
    `const PW: u32 = ${layout.PW}u;`,
    `const MAXW: u32 = ${layout.maxW}u;`,
    `const BS: u32 = ${layout.BS}u;`,
    u32Array(
      'L_N',
      plan.layers.map((l) => l.width),
    ),
    u32Array(
      'L_K',
      plan.layers.map((l) => l.fanIn),
    ),
    u32Array(
      'L_UOFF',
      ls.map((l) => l.unitOffset),
    ),
    u32Array(
      'L_WOFF',
      ls.map((l) => l.privateW),
    ),
    u32Array(
      'L_BOFF',
      ls.map((l) => (l.privateB < 0 ? none : l.privateB)),
    ),
    u32Array('L_ACT', plan.layers.map(activationId)),
    u32Array(
      'L_BN',
      plan.layers.map((l) => (l.batchNorm ? 1 : 0)),
    ),
    u32Array(
      'L_CLIP',
      plan.layers.map((l) => (l.binaryWeights || l.quantizedWeights ? 1 : 0)),
    ),
    u32Array(
      'L_PW',
      ls.map((l) => l.w.offset),
    ),
    u32Array(
      'L_PB',
      ls.map((l) => at(l.bias)),
    ),
    u32Array(
      'L_PG',
      ls.map((l) => at(l.gamma)),
    ),
    u32Array(
      'L_PBE',
      ls.map((l) => at(l.beta)),
    ),
    u32Array(
      'L_PRM',
      ls.map((l) => at(l.runningMean)),
    ),
    u32Array(
      'L_PRV',
      ls.map((l) => at(l.runningVar)),
    ),
    '',
  ].join('\n');
}
