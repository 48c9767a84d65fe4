/**
 * Network presets and the DNN-vs-BNN comparison. A preset rewrites the hidden layers' kind (weights,
 * batch normalization, activation) and keeps their widths, so the same architecture can be tried as a
 * DNN and as a BNN; with no hidden layers it starts from the study's 10-7-5-4-3.
 *
 *   dnn-tanh   float weights, tanh, no batch normalization        (IDNNs, Saxe et al.)
 *   dnn-relu   float weights, ReLU, no batch normalization        (Saxe et al.)
 *   bnn        binary weights, batch normalization, ste_sign      (BinaryNet; docs/METHOD.md §2)
 *   q2, q4, q8 k-bit weights and activations, batch normalization  (the capacity dial; docs/METHOD.md §2.1)
 *
 * The output layer is float in every preset. Nothing else (data, optimizer, seed, schedule) changes, so a
 * comparison trains the same data, seed and schedule twice, and the capacity view five times:
 *
 *   k = 1, 2, 4, 8   bnn, q2, q4, q8
 *   float            float weights, batch normalization, hardtanh: the limit of q_k as k grows (the same
 *                    clip window and normalization, no rounding; the choice sweeps/capacity.json makes)
 */
import { DEFAULT_HIDDEN, type LayerConfig, type RunConfig } from '../config/run-config.ts';

export const PRESETS = ['dnn-tanh', 'dnn-relu', 'bnn', 'q2', 'q4', 'q8'] as const;
export type PresetName = (typeof PRESETS)[number];

export const PRESET_LABELS: Record<PresetName, string> = {
  'dnn-tanh': 'DNN-tanh',
  'dnn-relu': 'DNN-ReLU',
  bnn: 'BNN',
  q2: '2-bit',
  q4: '4-bit',
  q8: '8-bit',
};

const KINDS: Record<PresetName, Omit<LayerConfig, 'width'>> = {
  'dnn-tanh': { weights: 'float', batchNorm: false, activation: 'tanh' },
  'dnn-relu': { weights: 'float', batchNorm: false, activation: 'relu' },
  bnn: { weights: 'binary', batchNorm: true, activation: 'ste_sign' },
  q2: { weights: 'q2', batchNorm: true, activation: 'q2' },
  q4: { weights: 'q4', batchNorm: true, activation: 'q4' },
  q8: { weights: 'q8', batchNorm: true, activation: 'q8' },
};

/** `config` with its hidden layers (widths kept) and output layer set to the preset. */
export function applyPreset(config: RunConfig, preset: PresetName): RunConfig {
  const widths = (config.network.hidden.length ? config.network.hidden : DEFAULT_HIDDEN).map((l) => l.width);
  return {
    ...config,
    network: {
      ...config.network,
      hidden: widths.map((width) => ({ width, ...KINDS[preset] })),
      outputWeights: 'float',
    },
  };
}

/** Which preset, if any, the network is exactly (for highlighting the preset buttons). */
export function presetOf(config: RunConfig): PresetName | null {
  const { hidden, outputWeights } = config.network;
  if (!hidden.length || outputWeights !== 'float') return null;
  for (const p of PRESETS) {
    const k = KINDS[p];
    if (
      hidden.every(
        (l) => l.weights === k.weights && l.batchNorm === k.batchNorm && l.activation === k.activation,
      )
    )
      return p;
  }
  return null;
}

export type DnnKind = 'dnn-tanh' | 'dnn-relu';

/** The comparison's two runs: the same configuration as a DNN (tanh or ReLU) and as a BNN. */
export function comparisonConfigs(
  config: RunConfig,
  dnn: DnnKind = 'dnn-tanh',
): { dnn: RunConfig; bnn: RunConfig } {
  return { dnn: applyPreset(config, dnn), bnn: applyPreset(config, 'bnn') };
}

/** The capacity view's five networks, fewest bits first: k = 1, 2, 4, 8 and float. */
export const CAPACITY_KINDS = ['bnn', 'q2', 'q4', 'q8', 'float'] as const;
export type CapacityKind = (typeof CAPACITY_KINDS)[number];

export const CAPACITY_LABELS: Record<CapacityKind, string> = {
  bnn: 'k = 1 (BNN)',
  q2: 'k = 2',
  q4: 'k = 4',
  q8: 'k = 8',
  float: 'float',
};

/** Float weights and hardtanh after batch normalization: q_k without the rounding (docs/METHOD.md §2.1). */
const FLOAT_LIMIT: Omit<LayerConfig, 'width'> = { weights: 'float', batchNorm: true, activation: 'hardtanh' };

/**
 * The capacity view's runs: the same configuration (data, seed, optimizer, schedule, widths) with every
 * hidden layer at k = 1, 2, 4, 8 bits (weights and activations together) and as float.
 */
export function capacityConfigs(
  config: RunConfig,
): { kind: CapacityKind; label: string; config: RunConfig }[] {
  return CAPACITY_KINDS.map((kind) => {
    if (kind !== 'float') return { kind, label: CAPACITY_LABELS[kind], config: applyPreset(config, kind) };
    const bnn = applyPreset(config, 'bnn');
    const hidden = bnn.network.hidden.map((l) => ({ width: l.width, ...FLOAT_LIMIT }));
    return { kind, label: CAPACITY_LABELS[kind], config: { ...bnn, network: { ...bnn.network, hidden } } };
  });
}
