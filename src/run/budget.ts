/**
 * The memory a run needs, computed from its configuration alone (no data loaded, nothing allocated), and
 * the check against the adapter's limits and a host budget that runs before anything is allocated. The
 * command line and the app refuse a run through the same `checkRunBudget`.
 *
 * The estimate counts f32 storage (4 bytes a number), per replica R:
 *   weights    R · Σ_l (fanIn_l · width_l + bias or batch-norm parameters)
 *   optimizer  gradients and, for Adam, two moments: 2× or 3× the weights
 *   activations training minibatch (pre-activation, normalized, output and their gradients:
 *              6 · R · B · width_l per layer) and one evaluation chunk (3 · R · rows · width_l)
 *   estimator  per hidden layer, one code per sample and replica (R · n), and for KDE the pairwise
 *              distances of up to 4096 samples per replica (R · m²)
 *   data       the training and test inputs (N · D), once on the GPU and twice on the host
 * The host holds the initial weights (R · params), the data and the estimation set's activations when
 * they are read back. It is a lower bound of what the code allocates, close enough to refuse a run that
 * cannot fit before it takes the machine down.
 */
import type { RunConfig } from '../config/run-config.ts';

/** The KDE bound's sample cap (the trainer's KDE_MAX_SAMPLES, kept here so this module needs no GPU code). */
const KDE_SAMPLES = 4096;
const F32 = 4;

const TOYS = ['circle', 'xor', 'spiral', 'gauss'];

/** Inputs, classes and train/test sizes of the configured dataset, without loading it. */
export function datasetShape(config: RunConfig): { D: number; classes: number; train: number; test: number } {
  const d = config.data;
  const split = (n: number) => {
    const train = Math.round(n * d.trainFraction);
    return { train, test: n - train };
  };
  switch (d.name) {
    case 'bits12':
      return { D: 12, classes: 2, ...split(4096) };
    case 'mnist':
      return { D: 784, classes: 10, train: d.mnistTrain, test: d.mnistTest };
    case 'digits':
      return { D: 64, classes: 10, ...split(1797) };
    case 'custom': {
      // Your own data: its file part says its shape (a run without one is refused before this).
      const f = d.file;
      return { D: f?.columns ?? 0, classes: f?.classes ?? 0, ...split(f?.rows ?? 0) };
    }
    default:
      if (!TOYS.includes(d.name)) throw new Error(`datasetShape: unknown dataset ${d.name}`);
      return { D: 2, classes: 2, ...split(d.samples) };
  }
}

export interface MemoryEstimate {
  /** Bytes on the GPU, by part. */
  gpu: { weights: number; optimizer: number; activations: number; estimator: number; data: number };
  gpuTotal: number;
  /** Bytes on the host (JavaScript heap and typed arrays). */
  host: number;
  /** The largest single GPU buffer, and what it holds. */
  largestBuffer: { bytes: number; what: string };
}

export function estimateRunMemory(config: RunConfig): MemoryEstimate {
  const R = config.replicas;
  const { D, classes, train, test } = datasetShape(config);
  const set = config.estimator.set;
  const n = set === 'train' ? train : set === 'test' ? test : train + test;
  const batch = Math.min(config.batchSize, Math.max(train, 1));
  const widths = [...config.network.hidden.map((l) => l.width), classes];
  let fanIn = D;
  let params = 0;
  let acts = 0;
  let largest = { bytes: (train + test) * D * F32, what: 'the dataset inputs' };
  const consider = (bytes: number, what: string) => {
    if (bytes > largest.bytes) largest = { bytes, what };
  };
  // Evaluation runs over chunks of the estimation set (the trainer keeps its buffers near 16 MiB).
  const widest = Math.max(D, ...widths);
  const chunk = Math.max(
    1,
    Math.min(train + test, 4096, Math.max(256, Math.floor((4 << 20) / (R * widest)))),
  );
  widths.forEach((w, i) => {
    const name = i < widths.length - 1 ? `hidden layer ${i + 1}` : 'the output layer';
    const binary =
      i < widths.length - 1
        ? config.network.hidden[i].weights === 'binary'
        : config.network.outputWeights === 'binary';
    params += (binary ? 2 : 1) * fanIn * w + 2 * w; // binary layers also hold sign(W)
    acts += R * (6 * batch + 3 * chunk) * w;
    consider(R * fanIn * w * F32, `${name}'s weights (${R} replicas × ${w} × ${fanIn})`);
    consider(R * batch * w * F32, `${name}'s training activations (${R} replicas × ${batch} × ${w})`);
    fanIn = w;
  });
  const hidden = config.network.hidden.length;
  const kdeM = Math.min(KDE_SAMPLES, n);
  const estimator = R * n * hidden * F32 + (config.estimator.kde ? R * kdeM * kdeM * F32 : 0);
  if (config.estimator.kde) consider(R * kdeM * kdeM * F32, `the KDE distances (${R} × ${kdeM}²)`);
  const weights = R * params * F32;
  const gpu = {
    weights,
    optimizer: weights * (config.optimizer.name === 'adam' ? 3 : 1),
    activations: acts * F32,
    estimator,
    data: (train + test) * (D + 1) * F32,
  };
  const gpuTotal = Object.values(gpu).reduce((a, b) => a + b, 0);
  const readback = config.network.hidden.reduce((s, l) => s + R * n * l.width * F32, 0);
  const host = weights + 2 * gpu.data + readback;
  return { gpu, gpuTotal, host, largestBuffer: largest };
}

export interface MemoryBudget {
  /** The adapter's maxBufferSize and maxStorageBufferBindingSize (device.limits). */
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** Bytes the run may take on the host. */
  hostBytes: number;
  /** Bytes the run may take on the GPU, where known (WebGPU does not say how much memory an adapter has). */
  gpuBytes?: number;
  /** A software adapter (SwiftShader, llvmpipe): its "GPU" memory is host memory, counted in hostBytes. */
  sharedMemory?: boolean;
}

/** A run that cannot fit: the message gives the numbers and what to change. */
export class BudgetError extends Error {
  override name = 'BudgetError';
  constructor(
    readonly estimate: MemoryEstimate,
    readonly reasons: string[],
  ) {
    super(
      `this run does not fit: ${reasons.join('; ')}. ` +
        'Use fewer replicas, narrower layers, fewer samples or a smaller estimation set.',
    );
  }
}

/** Bytes in a readable unit. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/** Throws a BudgetError unless the run's estimate fits `budget`; returns the estimate. */
export function checkRunBudget(config: RunConfig, budget: MemoryBudget): MemoryEstimate {
  const e = estimateRunMemory(config);
  const reasons: string[] = [];
  const big = e.largestBuffer;
  const bindLimit = Math.min(budget.maxBufferSize, budget.maxStorageBufferBindingSize);
  // Strictly below the limit: a buffer of exactly the limit passes createBuffer but its bind group fails
  // (measured on Dawn/SwiftShader: 16 replicas of a 4096 × 4096 layer, 1 GiB, against a 1 GiB limit).
  if (big.bytes >= bindLimit) {
    const limit =
      budget.maxStorageBufferBindingSize <= budget.maxBufferSize
        ? 'maxStorageBufferBindingSize'
        : 'maxBufferSize';
    reasons.push(
      `${big.what} needs a buffer of ${formatBytes(big.bytes)}, not below this adapter's ${limit} (${formatBytes(bindLimit)})`,
    );
  }
  const hostNeed = budget.sharedMemory ? e.host + e.gpuTotal : e.host;
  if (hostNeed > budget.hostBytes)
    reasons.push(
      `the host needs about ${formatBytes(hostNeed)}${budget.sharedMemory ? ' (a software adapter: GPU memory is host memory)' : ''}, more than the ${formatBytes(budget.hostBytes)} allowed`,
    );
  if (budget.gpuBytes !== undefined && e.gpuTotal > budget.gpuBytes)
    reasons.push(
      `the GPU needs about ${formatBytes(e.gpuTotal)}, more than the ${formatBytes(budget.gpuBytes)} allowed`,
    );
  if (reasons.length) throw new BudgetError(e, reasons);
  return e;
}
