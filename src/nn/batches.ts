/**
 * Minibatch order: every replica shuffles the training set anew each epoch from its own stream,
 *   rng(seed).derive('shuffle').derive('replica r').derive('epoch e'),
 * and walks it in batches of B. The last, partial batch is kept (Keras and PyTorch do the same), except
 * a single leftover sample when the network has batch normalization (its variance is undefined; PyTorch
 * refuses a training batch of 1).
 */
import { Rng } from '../util/rng.ts';

export interface BatchSlice {
  start: number;
  size: number;
}

export function epochBatches(nTrain: number, batchSize: number, hasBatchNorm: boolean): BatchSlice[] {
  const out: BatchSlice[] = [];
  for (let start = 0; start < nTrain; start += batchSize) {
    const size = Math.min(batchSize, nTrain - start);
    if (size === 1 && hasBatchNorm && out.length > 0) break;
    out.push({ start, size });
  }
  return out;
}

/** Positions into the training set, [R, nTrain]: replica r's order for `epoch` (0-based: the first epoch trained is 0). */
export function epochOrder(seed: number, replicas: number, epoch: number, nTrain: number): Uint32Array {
  const out = new Uint32Array(replicas * nTrain);
  const root = new Rng(seed).derive('shuffle');
  const order = Array.from({ length: nTrain }, (_, i) => i);
  for (let r = 0; r < replicas; r++) {
    for (let i = 0; i < nTrain; i++) order[i] = i;
    root.derive(`replica ${r}`).derive(`epoch ${epoch}`).shuffle(order);
    out.set(order, r * nTrain);
  }
  return out;
}
