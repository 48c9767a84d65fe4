/**
 * The run configuration: everything that determines a run, validated by one schema. Defaults are the
 * study's subject: the 12-bit task, 12-10-7-5-4-3-2, a BNN with batch normalization and `ste_sign`
 * hidden activations, Adam 4e-4, batch 256 (docs/METHOD.md §2, §5).
 *
 * `parseConfig(input)` returns the full config (defaults filled in) or a ConfigError whose `issues` name
 * each bad field (as a dotted path) and the allowed values.
 */
import { z } from 'zod';
import { rint } from '../data/split.ts';
import { SCHEDULES } from '../info/schedule.ts';
import { binRangeIssue, EstimatorSchema } from '../info/settings.ts';
import { ACTIVATION_NAMES } from '../kernels/activation/ref.ts';
import { LARQ_BOP } from '../kernels/bop_update/ref.ts';

/** Bop's τ and γ when the configuration leaves them out (Larq's defaults). */
export const BOP_DEFAULTS = LARQ_BOP;

export const CONFIG_SCHEMA_VERSION = 1;

export const QUANTIZERS = [
  'ste_sign',
  'ste_identity',
  'approx_sign',
  'swish_sign',
  'magnitude_aware_sign',
  'ste_heaviside',
] as const;
/** k-bit uniform activations (docs/METHOD.md §2): clip to [−1, 1], 2^k levels, ste_sign's backward. */
export const KBIT_ACTIVATIONS = ['q2', 'q4', 'q8'] as const;
export const LAYER_ACTIVATIONS = [...ACTIVATION_NAMES, 'magnitude_aware_sign', ...KBIT_ACTIVATIONS] as const;
export type LayerActivation = (typeof LAYER_ACTIVATIONS)[number];

export const DATASETS = ['bits12', 'mnist', 'digits', 'circle', 'xor', 'spiral', 'gauss', 'custom'] as const;
const TOYS: readonly string[] = ['circle', 'xor', 'spiral', 'gauss'];
export const INITS = ['idnn', 'saxe', 'glorot'] as const;
/** Bop updates the binary weights only; every other parameter gets Adam (docs/METHOD.md §2). */
export const OPTIMIZERS = ['adam', 'sgd', 'bop'] as const;
/**
 * A layer's weights: float, binary (sign), ternary (TWN) or k-bit uniform (q2, q4, q8); the quantized
 * kinds keep clipped float latent weights like the binary ones (docs/METHOD.md §2).
 */
export const WEIGHT_KINDS = ['float', 'binary', 'ternary', 'q2', 'q4', 'q8'] as const;
export type WeightKind = (typeof WEIGHT_KINDS)[number];
export const SPLIT_MODES = ['shuffled', 'first-rows'] as const;
export const TRAINERS = ['auto', 'fused', 'layered'] as const;

const positiveInt = (max: number) => z.number().int().min(1).max(max);

export const LayerSchema = z.strictObject({
  width: positiveInt(16384),
  weights: z.enum(WEIGHT_KINDS),
  batchNorm: z.boolean(),
  activation: z.enum(LAYER_ACTIVATIONS),
});
export type LayerConfig = z.infer<typeof LayerSchema>;

const bnnLayer = (width: number): LayerConfig => ({
  width,
  weights: 'binary',
  batchNorm: true,
  activation: 'ste_sign',
});

export const DEFAULT_HIDDEN: LayerConfig[] = [10, 7, 5, 4, 3].map(bnnLayer);

export const ConfigSchema = z.strictObject({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  replicas: positiveInt(256).default(4),
  data: z
    .strictObject({
      name: z.enum(DATASETS).default('bits12'),
      /** bits12 inputs as {0,1} ('binary') or mapped to ±1 ('pm1'). */
      encoding: z.enum(['binary', 'pm1']).default('binary'),
      /** Toys: number of samples. */
      samples: z.number().int().min(2).max(100_000).default(500),
      /** Toys: noise level (TensorFlow Playground's 0–50 %). */
      noise: z.number().min(0).max(0.5).default(0),
      /** MNIST: how many training images (the first of the official 60,000) to use. */
      mnistTrain: positiveInt(60_000).default(10_000),
      /**
       * MNIST: how many test images to use, the first of the official 10,000 in their order (default all).
       * Fewer make evaluation and the information-plane estimates cheaper (e.g. on a software GPU).
       */
      mnistTest: positiveInt(10_000).default(10_000),
      trainFraction: z.number().gt(0).lt(1).default(0.8),
      split: z.enum(SPLIT_MODES).default('shuffled'),
      /** Your own data (name 'custom'; src/data/custom.ts, docs/own-data.md): the file it was run on. */
      file: z
        .strictObject({
          /** "iris.csv", or "features.npy,labels.npy". */
          name: z.string().min(1).max(255),
          rows: positiveInt(1_000_000),
          columns: positiveInt(1_000_000),
          classes: z.number().int().min(2).max(1000),
          /** SHA-256 of the canonical parsed data (src/data/custom.ts canonicalHash). */
          sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
        })
        .optional(),
      /** Your own CSV: the label column by header name or 1-based index ('' = the last). */
      labelColumn: z.string().max(200).optional(),
      /** Your own CSV: is the first row a header ('auto' decides from the first two rows)? */
      header: z.enum(['auto', 'yes', 'no']).optional(),
      /** Your own data: column scaling with training-split statistics (ignored by the built-in datasets). */
      normalize: z.enum(['none', 'zscore', 'minmax']).optional(),
    })
    .prefault({}),
  network: z
    .strictObject({
      hidden: z.array(LayerSchema).max(16).default(DEFAULT_HIDDEN),
      /** The output layer is softmax + cross-entropy; only its weights can be binary. */
      outputWeights: z.enum(['float', 'binary']).default('float'),
      init: z.enum(INITS).default('idnn'),
      /**
       * Set the batch-norm running statistics from the training set before the epoch-0 evaluation
       * (src/nn/bn-calibration.ts; docs/METHOD.md §5). Absent (off) in old configurations, so their
       * records stay as they were; the study's experiments turn it on.
       */
      calibrateBatchNorm: z.boolean().optional(),
    })
    .prefault({}),
  optimizer: z
    .strictObject({
      name: z.enum(OPTIMIZERS).default('adam'),
      lr: z.number().gt(0).max(10).default(4e-4),
      beta1: z.number().min(0).lt(1).default(0.9),
      beta2: z.number().min(0).lt(1).default(0.999),
      eps: z.number().gt(0).max(1).default(1e-7),
      /** Latent weights of binary layers are clipped to [−clip, clip] after each update (Larq weight_clip). */
      clip: z.number().gt(0).max(100).default(1),
      /** Bop's threshold τ (default LARQ_BOP.tau); absent unless set, so older configurations are unchanged. */
      tau: z.number().gt(0, 'the Bop threshold tau must be > 0').max(1).optional(),
      /** Bop's adaptivity rate γ (default LARQ_BOP.gamma); absent unless set. */
      gamma: z.number().gt(0, 'the Bop adaptivity rate gamma must be > 0').max(1).optional(),
    })
    .prefault({}),
  batchSize: positiveInt(65_536).default(256),
  /**
   * Which GPU trainer: 'auto' takes the fused one (one kernel for many steps, src/nn/fused-trainer.ts)
   * when the network fits its limits, else the layered one; 'fused' insists (a network that does not fit
   * is refused, naming the limit); 'layered' is the dispatch-per-layer trainer. Same numbers either way,
   * within float rounding (docs/fused-trainer.md).
   */
  trainer: z.enum(TRAINERS).default('auto'),
  epochs: z.number().int().min(0).max(1_000_000).default(300),
  /** The information-plane estimator (src/info/settings.ts). Binary layers always use their exact sign codes. */
  estimator: EstimatorSchema.prefault({}),
  /** Which epochs are evaluated and estimated (src/info/schedule.ts); 0 and the last always are. */
  log: z
    .strictObject({
      schedule: z.enum(SCHEDULES).default('every'),
      every: positiveInt(1_000_000).default(1),
      points: positiveInt(100_000).default(400),
      /**
       * Step-level logging: also evaluate (and estimate) after every `steps` minibatch steps within the
       * first `stepEpochs` epochs (default 1), recorded at fractional epochs e − 1 + s/S (S steps per
       * epoch). Absent in old configurations.
       */
      steps: positiveInt(1_000_000).optional(),
      stepEpochs: positiveInt(1_000_000).optional(),
    })
    .prefault({}),
});

export type RunConfig = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export interface ConfigIssue {
  /** Dotted path of the bad field, e.g. "network.hidden.2.activation". */
  field: string;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid run configuration:\n${issues.map((i) => `  ${i.field}: ${i.message}`).join('\n')}`);
  }
}

function describeIssue(issue: z.core.$ZodIssue): ConfigIssue {
  const field = issue.path.map(String).join('.') || '(config)';
  let message = issue.message;
  if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (issue.code === 'unrecognized_keys') {
    return { field, message: `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` };
  }
  return { field, message };
}

/** Validates and fills defaults; throws ConfigError naming every bad field. */
export function parseConfig(input: unknown): RunConfig {
  const r = ConfigSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(r.error.issues.map(describeIssue));
  const config = r.data;
  crossCheck(config);
  return config;
}

/** Rules that span fields. */
function crossCheck(c: RunConfig): void {
  const issues: ConfigIssue[] = [];
  const range = binRangeIssue(c.estimator.lo, c.estimator.hi);
  if (range)
    issues.push({ field: 'estimator.lo', message: range }, { field: 'estimator.hi', message: range });
  const batchNorm = c.network.hidden.some((l) => l.batchNorm);
  if (batchNorm && c.batchSize < 2) {
    issues.push({
      field: 'batchSize',
      message: 'batch normalization needs minibatches of at least 2 samples',
    });
  }
  if (TOYS.includes(c.data.name)) {
    // The split point as src/data/split.ts computes it (numpy's rint): both parts must be non-empty, and
    // batch normalization needs two training samples.
    const nTrain = rint(c.data.samples * c.data.trainFraction);
    if (nTrain < (batchNorm ? 2 : 1) || nTrain > c.data.samples - 1) {
      issues.push({
        field: 'data.trainFraction',
        message: `${c.data.samples} samples at ${c.data.trainFraction} leave ${nTrain} for training and ${c.data.samples - nTrain} for testing; both need samples${batchNorm ? ' (training at least 2, for batch normalization)' : ''}`,
      });
    }
  }
  if (c.data.name === 'mnist' && c.data.split !== 'shuffled') {
    issues.push({
      field: 'data.split',
      message: 'MNIST uses its official train/test split; leave split at "shuffled"',
    });
  }
  c.network.hidden.forEach((l, i) => {
    if (l.width > 4096 && c.data.name !== 'mnist') {
      issues.push({
        field: `network.hidden.${i}.width`,
        message: `${l.width} is larger than this dataset needs (max 4096)`,
      });
    }
  });
  const binaryWeights =
    c.network.hidden.some((l) => l.weights === 'binary') || c.network.outputWeights === 'binary';
  if (c.optimizer.name === 'bop' && !binaryWeights) {
    issues.push({
      field: 'optimizer.name',
      message:
        'Bop updates binary weights, and this network has none (make a layer binary, or use adam or sgd)',
    });
  }
  if (issues.length) throw new ConfigError(issues);
}

/** The defaults, as a full config. */
export function defaultConfig(): RunConfig {
  return parseConfig({});
}

/** The bit width of a k-bit activation (q2, q4, q8), else undefined. */
export function kbitActivation(a: LayerActivation): number | undefined {
  return (KBIT_ACTIVATIONS as readonly string[]).includes(a) ? Number(a.slice(1)) : undefined;
}

/** The bit width of k-bit weights (q2, q4, q8), else undefined (float, binary, ternary). */
export function kbitWeights(w: WeightKind): number | undefined {
  return w.startsWith('q') ? Number(w.slice(1)) : undefined;
}

/** Is the activation a quantizer (binary output, STE backward)? */
export function isQuantizer(a: LayerActivation): boolean {
  return (QUANTIZERS as readonly string[]).includes(a);
}
