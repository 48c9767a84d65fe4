/**
 * The KDE upper bound (Kolchinsky & Tracey; src/info/kde.ts) on the GPU for one float layer of R
 * replicas: `createKdeEstimator(gpu, { acts, labels, classes, sigma2 })` over one f32 [R, n, W] tensor
 * holding the whole (capped) estimation set → `ops` to encode (kde_pairwise, kde_reduce), `read()` →
 * KdeEstimate per replica, from per-(replica, class) sums reduced in a fixed order.
 */
import type { Gpu } from '../gpu/device.ts';
import { ShapeError } from '../gpu/errors.ts';
import type { PreparedOp } from '../gpu/kernel.ts';
import { createTensor, destroyTensors, type Tensor } from '../gpu/tensor.ts';
import { type KdeEstimate, kdeEstimate } from '../info/kde.ts';
import { kdePairwiseVersion, prepareKdePairwise, prepareKdeReduce } from '../kernels/kde/kernel.ts';
import { checkLabels, readTensors } from './estimator.ts';

export interface KdeEstimatorOptions {
  /** f32 [R, n, W]: one layer's activations over the (capped) estimation set */
  acts: Tensor<'f32'>;
  /** The n labels, < classes. */
  labels: ArrayLike<number>;
  classes: number;
  /** σ² */
  sigma2: number;
  /** kde_pairwise version (default: v2 when a row fits its tile). */
  version?: string;
}

export interface KdeEstimator {
  /** kde_pairwise then kde_reduce: encode after `acts` is written. */
  readonly ops: readonly PreparedOp[];
  /** Per-sample (lse_all, lse_class) f32 [R, n, 2] and per-(replica, class) sums f32 [R, C + 1]. */
  readonly lse: Tensor<'f32'>;
  readonly sums: Tensor<'f32'>;
  /** The bound per replica (one small read-back). */
  read(): Promise<KdeEstimate[]>;
  destroy(): void;
}

export async function createKdeEstimator(gpu: Gpu, options: KdeEstimatorOptions): Promise<KdeEstimator> {
  const { acts, classes, sigma2 } = options;
  if (acts.shape.length !== 3)
    throw new ShapeError(`kde: acts must be [R, n, W], got [${acts.shape.join(', ')}]`);
  const [R, n, W] = acts.shape;
  if (!Number.isInteger(classes) || classes < 1)
    throw new ShapeError(`kde: classes must be ≥ 1, got ${classes}`);
  const labelCounts = checkLabels('kde', options.labels, n, classes);
  const labels = createTensor(gpu, 'u32', [n], 'kde labels', Uint32Array.from(options.labels));
  const lse = createTensor(gpu, 'f32', [R, n, 2], 'kde log-sums');
  const sums = createTensor(gpu, 'f32', [R, classes + 1], 'kde sums');
  const ops = [
    await prepareKdePairwise(
      gpu,
      { acts, labels, out: lse, sigma2 },
      options.version ?? kdePairwiseVersion(gpu, W),
    ),
    await prepareKdeReduce(gpu, { lse, labels, sums, classes }),
  ];
  return {
    ops,
    lse,
    sums,
    async read() {
      const [s] = await readTensors(gpu, [sums]);
      return Array.from({ length: R }, (_, r) => {
        const row = s.subarray(r * (classes + 1), (r + 1) * (classes + 1));
        return kdeEstimate({
          n,
          dims: W,
          sigma2,
          sumAll: row[classes],
          sumByClass: Array.from(row.subarray(0, classes)),
          labelCounts,
        });
      });
    },
    destroy() {
      destroyTensors(labels, lse, sums);
    },
  };
}
