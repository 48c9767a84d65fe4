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
 * The study's protocol (docs/METHOD.md §5, §6): 20 replicas per experiment; every experiment records the
 * extra estimators (30 bins in [−1, 1], width 0.07, 30 adaptive bins, KDE at σ² = 1e-3 and 1e-1) beside its
 * primary one; batch-norm running statistics are calibrated on the training set before epoch 0; MNIST logs
 * every 47 minibatch steps (10 points) through its first epoch. Controls: the ReLU DNN, an
 * accuracy-matched float network, the two hybrids (binary weights with tanh; float weights with sign),
 * every quantizer on the 12-bit task and the digits, and both optimizers on both sides of MNIST.
 *
 * `quick` is the smoke-test version (`bitplane reproduce --quick`): the same networks and settings with
 * fewer epochs, replicas and logged points (and fewer MNIST training and test images), sized to finish on a 2-core machine
 * without a GPU. Its numbers are not evidence; only the full run's are.
 */
import type { ConfigInput, LayerActivation, LayerConfig } from '../config/run-config.ts';

export type ExperimentRole = 'dnn' | 'bnn' | 'hybrid';

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
  quick: {
    epochs: number;
    replicas: number;
    points: number;
    mnistTrain?: number;
    mnistTest?: number;
    /** Step-level logging every this many steps (MNIST's first epoch). */
    steps?: number;
  };
}

const IDNN =
  'Shwartz-Ziv & Tishby 2017 (IDNNs), 12-10-7-5-4-3-2 (20 replicas and 200 logged points ours; IDNNs average 20–50 runs over ~400)';
const SAXE_MNIST = 'Saxe et al. 2018 (artemyk/ibsgd), MNIST 784-1024-20-20-20-10';

/** Replicas per experiment in the full run (IDNNs average 20–50). */
export const STUDY_REPLICAS = 20;
/** Every extra estimator, in every experiment of the full run. */
const STUDY_ESTIMATORS = ['bins30', 'width0.07', 'adaptive30', 'kde1e-3', 'kde1e-1'] as const;
/** The quick run keeps the binned ones: the KDE bounds cost O(n²) per layer and logged epoch. */
const QUICK_ESTIMATORS = STUDY_ESTIMATORS.filter((n) => !n.startsWith('kde'));

/** The study's settings on top of a protocol: extra estimators, and batch-norm calibration where there is batch norm. */
const study = (c: ConfigInput): ConfigInput => ({
  ...c,
  replicas: STUDY_REPLICAS,
  network: {
    ...c.network,
    ...((c.network?.hidden ?? []).some((l) => l.batchNorm) ? { calibrateBatchNorm: true } : {}),
  },
  estimator: { ...c.estimator, estimators: [...STUDY_ESTIMATORS] },
});

const floatLayers = (widths: number[], activation: 'tanh' | 'relu'): LayerConfig[] =>
  widths.map((width) => ({ width, weights: 'float', batchNorm: false, activation }));

/** BinaryNet's block: sign weights, batch normalization, a quantizer (docs/METHOD.md §2). */
const binaryLayers = (widths: number[], activation: LayerActivation): LayerConfig[] =>
  widths.map((width) => ({ width, weights: 'binary', batchNorm: true, activation }));

const BITS12_HIDDEN = [10, 7, 5, 4, 3];
/** The 12-bit protocol (IDNNs): Adam 4e-4, batch 512, 8000 epochs, 80 % train, MI on all 4096 samples. */
const bits12 = (hidden: LayerConfig[], estimator: ConfigInput['estimator']): ConfigInput =>
  study({
    seed: 1,
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
  protocol: `binary weights + batch norm + ${q} (${note}); Adam 4e-4, batch 512, 8000 epochs, 20 replicas; sign codes counted exactly over all 4096 samples; IDNN log schedule of 200 points (153 distinct epochs)`,
  source: `${IDNN}, with BinaryNet layers (Courbariaux et al. 2016)`,
  config: bits12(binaryLayers(BITS12_HIDDEN, q as LayerActivation), IDNN_BINS),
  quick: BITS12_QUICK,
}));

const MNIST_HIDDEN = [1024, 20, 20, 20];
/** Saxe's MNIST protocol: SGD 1e-3, batch 128, MI on the 10,000 test images; 200 epochs (ours). */
const mnist = (hidden: LayerConfig[], optimizer: ConfigInput['optimizer']): ConfigInput =>
  study({
    seed: 1,
    data: { name: 'mnist', mnistTrain: 60_000 },
    network: { hidden, outputWeights: 'float', init: 'saxe' },
    optimizer,
    batchSize: 128,
    epochs: 200,
    estimator: { set: 'test', ...IDNN_BINS },
    // 469 steps per epoch at batch 128: every 47th step logs 10 points through the first epoch.
    log: { schedule: 'idnn', points: 80, steps: 47, stepEpochs: 1 },
  });
const MNIST_QUICK = { epochs: 2, replicas: 2, points: 3, mnistTrain: 1000, mnistTest: 500, steps: 4 };
const MNIST_STEPS = '; logged every 47 steps through the first epoch (10 points)';

const DIGITS_HIDDEN = [12, 10, 8, 6];
/** bitplane's digits protocol (IDNN-style): Adam 1e-3, batch 128, 3000 epochs, 80 % train, MI on all 1797. */
const digits = (hidden: LayerConfig[], estimator: ConfigInput['estimator'] = IDNN_BINS): ConfigInput =>
  study({
    seed: 1,
    data: { name: 'digits', trainFraction: 0.8, split: 'shuffled' },
    network: { hidden, outputWeights: 'float', init: 'idnn' },
    optimizer: { name: 'adam', lr: 1e-3 },
    batchSize: 128,
    epochs: 3000,
    estimator: { set: 'full', ...estimator },
    log: { schedule: 'idnn', points: 150 },
  });
const DIGITS_QUICK = { epochs: 40, replicas: 2, points: 12 };
/** The controls' quick runs are shorter still, so that `--quick` stays within CI's 10 minutes. */
const CONTROL_QUICK = { epochs: 10, replicas: 2, points: 4 };

/**
 * The accuracy-matched float network: the tanh DNN narrowed until its training accuracy after the
 * protocol's 8000 epochs is near the BNN's (~0.86 on the 12-bit task). Found by a short search.
 */
const MATCHED_HIDDEN = [2, 2, 2, 2, 2];
const MATCHED_SEARCH = 'search in docs/reproducing.md';

const STUDY_NOTE =
  'batch-norm statistics calibrated on the training set before epoch 0; extra estimators bins30, width0.07, adaptive30, kde1e-3, kde1e-1';

/** The controls (docs/METHOD.md §5): each isolates one difference between the BNN and the tanh DNN. */
const CONTROLS: Experiment[] = [
  {
    id: 'bits12-dnn-tanh-matched',
    dataset: 'bits12',
    role: 'dnn',
    title: '12-bit task, accuracy-matched DNN, tanh',
    protocol: `12-${MATCHED_HIDDEN.join('-')}-2, float weights, tanh: as narrow as it must be for its training accuracy to stay near the BNN's ~0.86 (${MATCHED_SEARCH}); otherwise the tanh DNN's protocol`,
    source: `${IDNN}; narrowed to match the BNN's accuracy (ours)`,
    config: bits12(floatLayers(MATCHED_HIDDEN, 'tanh'), IDNN_BINS),
    quick: CONTROL_QUICK,
  },
  {
    id: 'bits12-hybrid-binary-weights',
    dataset: 'bits12',
    role: 'hybrid',
    title: '12-bit task, hybrid: binary weights, tanh activations',
    protocol: `binary weights + batch norm + tanh (float activations, 30 bins in [−1, 1]); otherwise the BNN's protocol; ${STUDY_NOTE}`,
    source: `${IDNN}; the hybrid is ours`,
    config: bits12(binaryLayers(BITS12_HIDDEN, 'tanh'), IDNN_BINS),
    quick: CONTROL_QUICK,
  },
  {
    id: 'bits12-hybrid-sign-activations',
    dataset: 'bits12',
    role: 'hybrid',
    title: '12-bit task, hybrid: float weights, sign activations',
    protocol: `float weights + batch norm + ste_sign (sign codes counted exactly); otherwise the BNN's protocol; ${STUDY_NOTE}`,
    source: `${IDNN}; the hybrid is ours`,
    config: bits12(
      BITS12_HIDDEN.map((width) => ({ width, weights: 'float', batchNorm: true, activation: 'ste_sign' })),
      IDNN_BINS,
    ),
    quick: CONTROL_QUICK,
  },
  {
    id: 'digits-dnn-relu',
    dataset: 'digits',
    role: 'dnn',
    title: '8×8 digits, DNN, ReLU',
    protocol: `64-12-10-8-6-10, ReLU; bins of width 0.07 (Saxe); otherwise the digits DNN's protocol; ${STUDY_NOTE}`,
    source: 'bitplane (IDNN-style protocol; ReLU and its binning from Saxe et al. 2018)',
    config: digits(floatLayers(DIGITS_HIDDEN, 'relu'), { discretization: 'width', width: 0.07 }),
    quick: CONTROL_QUICK,
  },
  ...Object.entries(QUANTIZER_NOTES)
    .filter(([q]) => q !== 'ste_sign')
    .map(
      ([q, note]): Experiment => ({
        id: `digits-bnn-${q.replaceAll('_', '-')}`,
        dataset: 'digits',
        role: 'bnn',
        title: `8×8 digits, BNN, ${q}`,
        protocol: `64-12-10-8-6-10, binary weights + batch norm + ${q} (${note}); otherwise the digits BNN's protocol; ${STUDY_NOTE}`,
        source: 'bitplane (IDNN-style protocol; no published one for this dataset)',
        config: digits(binaryLayers(DIGITS_HIDDEN, q as LayerActivation)),
        quick: CONTROL_QUICK,
      }),
    ),
  {
    id: 'mnist-dnn-tanh-adam',
    dataset: 'mnist',
    role: 'dnn',
    title: 'MNIST, DNN, tanh, Adam',
    protocol: `784-1024-20-20-20-10, tanh; Adam 1e-3 (the BNN's optimizer); otherwise the MNIST DNN's protocol${MNIST_STEPS}; ${STUDY_NOTE}`,
    source: `${SAXE_MNIST}, with the BNN's optimizer (ours)`,
    config: mnist(floatLayers(MNIST_HIDDEN, 'tanh'), { name: 'adam', lr: 1e-3 }),
    quick: MNIST_QUICK,
  },
  {
    id: 'mnist-bnn-sgd',
    dataset: 'mnist',
    role: 'bnn',
    title: 'MNIST, BNN, ste_sign, SGD',
    protocol: `784-1024-20-20-20-10, binary weights + batch norm + ste_sign; SGD 1e-3 (the DNN's optimizer); otherwise the MNIST BNN's protocol${MNIST_STEPS}; ${STUDY_NOTE}`,
    source: `${SAXE_MNIST}, with BinaryNet layers and the DNN's optimizer (ours)`,
    config: mnist(binaryLayers(MNIST_HIDDEN, 'ste_sign'), { name: 'sgd', lr: 1e-3 }),
    quick: MNIST_QUICK,
  },
];

export const EXPERIMENTS: readonly Experiment[] = [
  {
    id: 'bits12-dnn-tanh',
    dataset: 'bits12',
    role: 'dnn',
    title: '12-bit task, DNN, tanh',
    protocol:
      'float weights, tanh; Adam 4e-4, batch 512, 8000 epochs, 20 replicas; 30 bins in [−1, 1] over all 4096 samples; IDNN log schedule of 200 points (153 distinct epochs)',
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
      'float weights, ReLU; Adam 4e-4, batch 512, 8000 epochs, 20 replicas; bins of width 0.07 (Saxe) over all 4096 samples; IDNN log schedule of 200 points (153 distinct epochs)',
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
      '784-1024-20-20-20-10, tanh; SGD 1e-3, batch 128, 200 epochs on all 60,000 images, 20 replicas; 30 bins in [−1, 1] over the 10,000 test images; IDNN log schedule of 80 points (54 distinct epochs)',
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
      '784-1024-20-20-20-10, binary weights + batch norm + ste_sign; Adam 1e-3, batch 128, 200 epochs on all 60,000 images, 20 replicas; sign codes over the 10,000 test images; IDNN log schedule of 80 points (54 distinct epochs)',
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
      '64-12-10-8-6-10, tanh; Adam 1e-3, batch 128, 3000 epochs, 20 replicas; 30 bins in [−1, 1] over all 1797 samples; IDNN log schedule of 150 points (114 distinct epochs)',
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
      '64-12-10-8-6-10, binary weights + batch norm + ste_sign; Adam 1e-3, batch 128, 3000 epochs, 20 replicas; sign codes over all 1797 samples; IDNN log schedule of 150 points (114 distinct epochs)',
    source: 'bitplane (IDNN-style protocol; no published one for this dataset)',
    config: digits(binaryLayers(DIGITS_HIDDEN, 'ste_sign')),
    quick: DIGITS_QUICK,
  },
  ...CONTROLS,
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
    estimator: { ...c.estimator, estimators: [...QUICK_ESTIMATORS] },
    log: { ...c.log, points: e.quick.points, ...(e.quick.steps ? { steps: e.quick.steps } : {}) },
  };
}

export function experimentById(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}
