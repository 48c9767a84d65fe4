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
 * comparison trains the same data, seed and schedule twice.
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
