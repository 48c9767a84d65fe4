/**
 * The paper's experiments as presets: one row per experiment of "Understanding Learning Dynamics of
 * Binary Neural Networks via Information Bottleneck" (Raj, Nayak, Kalyani 2020) that bitplane can run,
 * each with the protocol it follows and where that protocol comes from (docs/METHOD.md §1, §5). The app
 * offers each as a link and a button; `bitplane reproduce` runs them all and writes the report.
 *
 * The paper's own setup is not public (only its abstract), so every experiment follows a published
 * protocol for the DNN (IDNNs for the 12-bit task, Saxe et al. for MNIST) and trains the BNN on the same
 * data, widths, schedule and estimation set, with BinaryNet's layers (binary weights, batch normalization, a
 * quantizer; and Adam on MNIST, where the DNN protocol uses SGD). Where a protocol or a number is ours (the
 * 8×8 digits have none in these papers; replicas and logged points are fewer than the papers'), the
 * source says so.
 *
 * `quick` is the smoke-test version (`bitplane reproduce --quick`): the same networks and settings with
 * fewer epochs, replicas and logged points (and fewer MNIST training and test images), sized to finish on a 2-core machine
 * without a GPU. Its numbers are not evidence; only the full run's are.
 */
import type { ConfigInput, LayerActivation, LayerConfig } from './config.ts';

export type ExperimentRole = 'dnn' | 'bnn';

export interface Experiment {
  /** Stable id: file names in the report, `--only`. */
  id: string;
  dataset: 'bits12' | 'mnist' | 'digits';
  role: ExperimentRole;
  title: string;
  /** The protocol in one line (what the report and the app show). */
  protocol: string;
  /** The source the protocol follows. */
  source: string;
  /** The full run's configuration (missing fields take the schema's defaults). */
  config: ConfigInput;
  /** What `--quick` changes. */
  quick: { epochs: number; replicas: number; points: number; mnistTrain?: number; mnistTest?: number };
}

const IDNN =
  'Shwartz-Ziv & Tishby 2017 (IDNNs), 12-10-7-5-4-3-2 (8 replicas and 200 logged points ours; IDNNs average 20–50 runs over ~400)';
const SAXE_MNIST = 'Saxe et al. 2018 (artemyk/ibsgd), MNIST 784-1024-20-20-20-10';

const floatLayers = (widths: number[], activation: 'tanh' | 'relu'): LayerConfig[] =>
  widths.map((width) => ({ width, weights: 'float', batchNorm: false, activation }));

/** BinaryNet's block: sign weights, batch normalization, a quantizer (docs/METHOD.md §2). */
const binaryLayers = (widths: number[], activation: LayerActivation): LayerConfig[] =>
  widths.map((width) => ({ width, weights: 'binary', batchNorm: true, activation }));

const BITS12_HIDDEN = [10, 7, 5, 4, 3];
/** The 12-bit protocol (IDNNs): Adam 4e-4, batch 512, 8000 epochs, 80 % train, MI on all 4096 samples. */
const bits12 = (hidden: LayerConfig[], estimator: ConfigInput['estimator']): ConfigInput => ({
  seed: 1,
  replicas: 8,
  data: { name: 'bits12', trainFraction: 0.8, split: 'shuffled' },
  network: { hidden, outputWeights: 'float', init: 'idnn' },
  optimizer: { name: 'adam', lr: 4e-4 },
  batchSize: 512,
  epochs: 8000,
  estimator: { set: 'full', ...estimator },
  log: { schedule: 'idnn', points: 200 },
});
const IDNN_BINS = { discretization: 'fixed', bins: 30, lo: -1, hi: 1 } as const;
const BITS12_QUICK = { epochs: 40, replicas: 2, points: 12 };

const QUANTIZER_NOTES: Record<string, string> = {
  ste_sign: 'sign, gradient passed where |x| ≤ 1 (BinaryNet)',
  ste_identity: 'sign, gradient passed everywhere',
  approx_sign: 'sign, gradient 2 − 2|x| inside [−1, 1] (Bi-Real Net)',
  swish_sign: 'sign, gradient of SignSwish 2σ(βx)(1+βx(1−σ(βx)))−1, β = 5 (BNN+)',
  magnitude_aware_sign: 'sign scaled by the mean |x| (Larq, after Bi-Real Net §3.3)',
};

const bits12Bnns: Experiment[] = Object.entries(QUANTIZER_NOTES).map(([q, note]) => ({
  id: `bits12-bnn-${q.replaceAll('_', '-')}`,
  dataset: 'bits12',
  role: 'bnn',
  title: `12-bit task, BNN, ${q}`,
  protocol: `binary weights + batch norm + ${q} (${note}); Adam 4e-4, batch 512, 8000 epochs, 8 replicas; sign codes counted exactly over all 4096 samples; IDNN log schedule of 200 points (153 distinct epochs)`,
  source: `${IDNN}, with BinaryNet layers (Courbariaux et al. 2016)`,
  config: bits12(binaryLayers(BITS12_HIDDEN, q as LayerActivation), IDNN_BINS),
  quick: BITS12_QUICK,
}));

const MNIST_HIDDEN = [1024, 20, 20, 20];
/** Saxe's MNIST protocol: SGD 1e-3, batch 128, MI on the 10,000 test images; 200 epochs (ours). */
const mnist = (hidden: LayerConfig[], optimizer: ConfigInput['optimizer']): ConfigInput => ({
  seed: 1,
  replicas: 4,
  data: { name: 'mnist', mnistTrain: 60_000 },
  network: { hidden, outputWeights: 'float', init: 'saxe' },
  optimizer,
  batchSize: 128,
  epochs: 200,
  estimator: { set: 'test', ...IDNN_BINS },
  log: { schedule: 'idnn', points: 80 },
});
const MNIST_QUICK = { epochs: 2, replicas: 2, points: 3, mnistTrain: 1000, mnistTest: 500 };

const DIGITS_HIDDEN = [12, 10, 8, 6];
/** bitplane's digits protocol (IDNN-style): Adam 1e-3, batch 128, 3000 epochs, 80 % train, MI on all 1797. */
const digits = (hidden: LayerConfig[]): ConfigInput => ({
  seed: 1,
  replicas: 8,
  data: { name: 'digits', trainFraction: 0.8, split: 'shuffled' },
  network: { hidden, outputWeights: 'float', init: 'idnn' },
  optimizer: { name: 'adam', lr: 1e-3 },
  batchSize: 128,
  epochs: 3000,
  estimator: { set: 'full', ...IDNN_BINS },
  log: { schedule: 'idnn', points: 150 },
});
const DIGITS_QUICK = { epochs: 40, replicas: 2, points: 12 };

export const EXPERIMENTS: readonly Experiment[] = [
  {
    id: 'bits12-dnn-tanh',
    dataset: 'bits12',
    role: 'dnn',
    title: '12-bit task, DNN, tanh',
    protocol:
      'float weights, tanh; Adam 4e-4, batch 512, 8000 epochs, 8 replicas; 30 bins in [−1, 1] over all 4096 samples; IDNN log schedule of 200 points (153 distinct epochs)',
    source: IDNN,
    config: bits12(floatLayers(BITS12_HIDDEN, 'tanh'), IDNN_BINS),
    quick: BITS12_QUICK,
  },
  {
    id: 'bits12-dnn-relu',
    dataset: 'bits12',
    role: 'dnn',
    title: '12-bit task, DNN, ReLU',
    protocol:
      'float weights, ReLU; Adam 4e-4, batch 512, 8000 epochs, 8 replicas; bins of width 0.07 (Saxe) over all 4096 samples; IDNN log schedule of 200 points (153 distinct epochs)',
    source: `${IDNN}; ReLU and its binning from Saxe et al. 2018 (who find ReLU does not compress)`,
    config: bits12(floatLayers(BITS12_HIDDEN, 'relu'), { discretization: 'width', width: 0.07 }),
    quick: BITS12_QUICK,
  },
  ...bits12Bnns,
  {
    id: 'mnist-dnn-tanh',
    dataset: 'mnist',
    role: 'dnn',
    title: 'MNIST, DNN, tanh',
    protocol:
      '784-1024-20-20-20-10, tanh; SGD 1e-3, batch 128, 200 epochs on all 60,000 images, 4 replicas; 30 bins in [−1, 1] over the 10,000 test images; IDNN log schedule of 80 points (54 distinct epochs)',
    source: `${SAXE_MNIST} (epochs and binning ours: Saxe bin by width or use KDE)`,
    config: mnist(floatLayers(MNIST_HIDDEN, 'tanh'), { name: 'sgd', lr: 1e-3 }),
    quick: MNIST_QUICK,
  },
  {
    id: 'mnist-bnn',
    dataset: 'mnist',
    role: 'bnn',
    title: 'MNIST, BNN, ste_sign',
    protocol:
      '784-1024-20-20-20-10, binary weights + batch norm + ste_sign; Adam 1e-3, batch 128, 200 epochs on all 60,000 images, 4 replicas; sign codes over the 10,000 test images; IDNN log schedule of 80 points (54 distinct epochs)',
    source: `${SAXE_MNIST}, with BinaryNet layers and BinaryNet's optimizer, Adam 1e-3 (the DNN's SGD is not used for the BNN)`,
    config: mnist(binaryLayers(MNIST_HIDDEN, 'ste_sign'), { name: 'adam', lr: 1e-3 }),
    quick: MNIST_QUICK,
  },
  {
    id: 'mnist-bnn-narrow',
    dataset: 'mnist',
    role: 'bnn',
    title: 'MNIST, narrow BNN (reliable estimates)',
    protocol:
      '784-10-10-10-10-10, binary weights + batch norm + ste_sign: at most 2^10 = 1024 codes per layer, far below the 10,000 estimation samples, so no layer can reach the log2 N ceiling; otherwise as the MNIST BNN',
    source: `${SAXE_MNIST}, narrowed so that every plug-in estimate stays reliable (ours)`,
    config: mnist(binaryLayers([10, 10, 10, 10], 'ste_sign'), { name: 'adam', lr: 1e-3 }),
    quick: MNIST_QUICK,
  },
  {
    id: 'digits-dnn-tanh',
    dataset: 'digits',
    role: 'dnn',
    title: '8×8 digits, DNN, tanh',
    protocol:
      '64-12-10-8-6-10, tanh; Adam 1e-3, batch 128, 3000 epochs, 8 replicas; 30 bins in [−1, 1] over all 1797 samples; IDNN log schedule of 150 points (114 distinct epochs)',
    source: 'bitplane (IDNN-style protocol; no published one for this dataset)',
    config: digits(floatLayers(DIGITS_HIDDEN, 'tanh')),
    quick: DIGITS_QUICK,
  },
  {
    id: 'digits-bnn',
    dataset: 'digits',
    role: 'bnn',
    title: '8×8 digits, BNN, ste_sign',
    protocol:
      '64-12-10-8-6-10, binary weights + batch norm + ste_sign; Adam 1e-3, batch 128, 3000 epochs, 8 replicas; sign codes over all 1797 samples; IDNN log schedule of 150 points (114 distinct epochs)',
    source: 'bitplane (IDNN-style protocol; no published one for this dataset)',
    config: digits(binaryLayers(DIGITS_HIDDEN, 'ste_sign')),
    quick: DIGITS_QUICK,
  },
];

export const DATASET_TITLES: Record<Experiment['dataset'], string> = {
  bits12: 'The 12-bit task (IDNNs)',
  mnist: 'MNIST',
  digits: 'The 8×8 digits',
};

/** The experiment's configuration, full or quick. */
export function experimentConfig(e: Experiment, quick = false): ConfigInput {
  if (!quick) return e.config;
  const c = e.config;
  return {
    ...c,
    replicas: e.quick.replicas,
    epochs: e.quick.epochs,
    data: {
      ...c.data,
      ...(e.quick.mnistTrain ? { mnistTrain: e.quick.mnistTrain } : {}),
      ...(e.quick.mnistTest ? { mnistTest: e.quick.mnistTest } : {}),
    },
    log: { ...c.log, points: e.quick.points },
  };
}

export function experimentById(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}
