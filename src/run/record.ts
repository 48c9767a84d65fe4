/**
 * The result record (`"schema": "bitplane.run/1"`), written by `bitplane run` and exported by the app:
 * the configuration and its link, the adapter, the layers, the logged epochs and, per replica and logged
 * epoch, losses, accuracies and flip ratios. Documented in the README ("Result records").
 */

import { kbitActivation, type LayerActivation, type RunConfig } from '../config/run-config.ts';
import { type AdapterSummary, describeAdapter } from '../gpu/device.ts';
import { kbitCodesExact } from '../nn/kbit-codes.ts';
import type { NetworkPlan } from '../nn/plan.ts';
import { serializeLink } from './link.ts';

export const RECORD_SCHEMA = 'bitplane.run/1';

export interface LayerRecord {
  index: number;
  name: string;
  width: number;
  /** Binary (sign) weights. */
  binary: boolean;
  /** Binary activations (a quantizer): the information plane reads the sign pattern exactly. */
  binary_output: boolean;
  batch_norm: boolean;
  activation: string | null;
  /** The forward product runs as an XNOR-popcount GEMM. */
  xnor: boolean;
  /**
   * k-bit layers only (q2, q4, q8): their codes are the level indices, k bits per unit, counted exactly
   * while width·k ≤ 64 (`exact`) and hashed past that (src/nn/kbit-codes.ts).
   */
  kbit_codes?: { bits: number; exact: boolean };
}

export interface RunRecord {
  schema: typeof RECORD_SCHEMA;
  /** 'complete', or why it stopped early: 'interrupted' (Ctrl-C / stop) or 'diverged' (NaN or Inf loss). */
  status: 'complete' | 'interrupted' | 'diverged';
  message?: string;
  config: RunConfig;
  /** The URL fragment that reproduces the run (without '#'). */
  link: string;
  adapter: AdapterSummary & { name: string };
  dataset: {
    name: string;
    source: string;
    inputs: number;
    classes: number;
    train: number;
    test: number;
    /** IDNNs' unshuffled split: its test set is not a sample of the data. */
    biased_split: boolean;
  };
  layers: LayerRecord[];
  /** The logged epochs; 0 is the initialisation. */
  epochs: number[];
  metrics: {
    /** [replica][logged epoch] */
    train_loss: number[][];
    test_loss: number[][];
    train_acc: number[][];
    test_acc: number[][];
    /** [replica][logged epoch][layer]: share of the layer's binary weights whose sign changed since the last logged epoch; null for float layers and epoch 0. */
    flip_ratio: (number | null)[][][];
  };
  /**
   * The information plane (src/info/): per replica, logged epoch and layer, I(X;T) and I(T;Y) in bits,
   * estimated over the estimation set with the settings given.
   */
  info: InfoRecord;
  /** The GPU trainer that ran (src/nn/trainer-choice.ts): 'fused' or 'layered', and why. */
  trainer?: { name: 'fused' | 'layered'; reason: string };
  /** Fused trainer, diverged run: the first step (from 1), its epoch and the replica with a non-finite parameter. */
  diverged_at?: { step: number; epoch: number; replica: number };
  timing: {
    started: string;
    /** Wall time of the whole run, seconds. */
    total_s: number;
    /** Milliseconds per trained epoch (training + evaluation), median over the run. */
    epoch_ms_median: number;
  };
}

export interface InfoRecord {
  /** The estimator settings (discretization, bins, range or width, corrections; see the README). */
  settings: Record<string, unknown>;
  /** Which samples the estimates are over: the whole dataset, or its training or test part. */
  set: 'full' | 'train' | 'test';
  /** Number of samples in the estimation set. */
  n: number;
  /** The layers estimated (indices into `layers`): every hidden layer. */
  layers: number[];
  /** The plot's ceilings: log2 n for I(X;T), H(Y) of the estimation set for I(T;Y). */
  ceilings: { ixt: number; ity: number };
  /** [replica][logged epoch][layer], bits. */
  ixt: number[][][];
  ity: number[][][];
  /** [replica][logged epoch][layer]: the plug-in estimate sits near log2 n, where it says little. */
  near_ceiling: boolean[][][];
  /** Distinct codes per [replica][logged epoch][layer]. */
  occupied: number[][][];
  /** The KDE upper bound (float layers; null for binary ones), when enabled: over the first n samples. */
  kde?: { n: number; variance: number; ixt: (number | null)[][][]; ity: (number | null)[][][] };
  /**
   * The extra estimators of `estimator.estimators` (src/info/settings.ts), by name: [replica][logged
   * epoch][layer], bits; null for binary layers, whose exact codes are the same under every estimator.
   * `n` is given where the estimate is over fewer samples than `n` above (the KDE bounds).
   */
  estimates?: Record<string, { n?: number; ixt: (number | null)[][][]; ity: (number | null)[][][] }>;
}

export function emptyRecord(
  config: RunConfig,
  plan: NetworkPlan,
  adapter: AdapterSummary,
  dataset: RunRecord['dataset'],
): RunRecord {
  const R = config.replicas;
  return {
    schema: RECORD_SCHEMA,
    status: 'complete',
    config,
    link: serializeLink(config),
    adapter: { ...adapter, name: describeAdapter(adapter) },
    dataset,
    layers: plan.layers.map((l) => ({
      index: l.index,
      name: l.name,
      width: l.width,
      binary: l.binaryWeights,
      binary_output: l.binaryOutput,
      batch_norm: l.batchNorm,
      activation: l.activation,
      xnor: l.xnor,
      ...kbitCodesOf(l.activation, l.width),
    })),
    epochs: [],
    metrics: {
      train_loss: Array.from({ length: R }, () => []),
      test_loss: Array.from({ length: R }, () => []),
      train_acc: Array.from({ length: R }, () => []),
      test_acc: Array.from({ length: R }, () => []),
      flip_ratio: Array.from({ length: R }, () => []),
    },
    info: {
      settings: { ...config.estimator },
      set: config.estimator.set,
      n: 0,
      layers: plan.layers.filter((l) => l.activation !== null).map((l) => l.index),
      ceilings: { ixt: 0, ity: 0 },
      ixt: Array.from({ length: R }, () => []),
      ity: Array.from({ length: R }, () => []),
      near_ceiling: Array.from({ length: R }, () => []),
      occupied: Array.from({ length: R }, () => []),
    },
    timing: { started: new Date().toISOString(), total_s: 0, epoch_ms_median: 0 },
  };
}

/** The `kbit_codes` field of a k-bit layer's entry; nothing for other layers (older records unchanged). */
function kbitCodesOf(
  activation: LayerActivation | null,
  width: number,
): { kbit_codes?: { bits: number; exact: boolean } } {
  const bits = activation ? kbitActivation(activation) : undefined;
  return bits ? { kbit_codes: { bits, exact: kbitCodesExact(bits, width) } } : {};
}
