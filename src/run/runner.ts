/**
 * Runs a configuration on a GPU from start to finish and builds its result record: evaluate the
 * initialisation (epoch 0), then train epoch after epoch, appending each epoch's metrics. Stops early,
 * keeping what was computed, when the signal aborts ('interrupted') or a loss is NaN or infinite
 * ('diverged', with the epoch and replica in the message).
 */
import type { DataFiles } from '../data/types.ts';
import type { Gpu } from '../gpu/device.ts';
import { loggedEpochs } from '../info/schedule.ts';
import { type EpochMetrics, GpuTrainer } from '../nn/gpu-trainer.ts';
import type { RunConfig } from './config.ts';
import { prepareRun } from './prepare.ts';
import { emptyRecord, type RunRecord } from './record.ts';

export interface EpochReport {
  epoch: number;
  epochs: number;
  metrics: EpochMetrics;
  /** Seconds since training started, and the estimated seconds left. */
  elapsed_s: number;
  eta_s: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** After each logged epoch, with its metrics. */
  onEpoch?: (report: EpochReport) => void;
  /** After each epoch that is not logged. */
  onProgress?: (report: Omit<EpochReport, 'metrics'>) => void;
  files?: DataFiles;
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function runTraining(gpu: Gpu, config: RunConfig, options: RunOptions = {}): Promise<RunRecord> {
  const t0 = performance.now();
  const prepared = await prepareRun(config, options.files);
  const { dataset, split, plan } = prepared;
  const record = emptyRecord(config, plan, gpu.adapter, {
    name: dataset.name,
    source: dataset.source,
    inputs: dataset.D,
    classes: dataset.classes,
    train: split.train.length,
    test: split.test.length,
    biased_split: split.biased,
  });
  const trainer = await GpuTrainer.create(gpu, plan, config, prepared.data, prepared.params);
  const binaryIndex = plan.layers.map((l) => l.binaryWeights);
  const append = (epoch: number, m: EpochMetrics) => {
    record.epochs.push(epoch);
    for (let r = 0; r < config.replicas; r++) {
      record.metrics.train_loss[r].push(m.trainLoss[r]);
      record.metrics.test_loss[r].push(m.testLoss[r]);
      record.metrics.train_acc[r].push(m.trainAcc[r]);
      record.metrics.test_acc[r].push(m.testAcc[r]);
      let k = 0;
      record.metrics.flip_ratio[r].push(
        binaryIndex.map((b) => (b && epoch > 0 ? m.flipRatio[k++][r] : null)),
      );
    }
  };
  const diverged = (epoch: number, m: EpochMetrics, previous = 0): string | undefined => {
    for (let r = 0; r < config.replicas; r++) {
      if (!Number.isFinite(m.trainLoss[r]) || !Number.isFinite(m.testLoss[r])) {
        const since =
          epoch - previous > 1 ? ` (between epoch ${previous}, the last one logged, and ${epoch})` : '';
        return (
          `training diverged: the loss of replica ${r} is ${m.trainLoss[r]} at epoch ${epoch}${since}. ` +
          'Lower the learning rate (optimizer.lr) or add batch normalization; the epochs before are kept.'
        );
      }
    }
    return undefined;
  };
  const epochMs: number[] = [];
  const tTrain = performance.now();
  try {
    const m0 = await trainer.evaluate();
    append(0, m0);
    const bad0 = diverged(0, m0);
    if (bad0) {
      record.status = 'diverged';
      record.message = bad0;
    }
    const logged = new Set(loggedEpochs(config.log, config.epochs));
    let lastLogged = 0;
    for (let epoch = 1; epoch <= config.epochs && record.status === 'complete'; epoch++) {
      if (options.signal?.aborted) {
        // An interrupted run ends on a logged epoch: evaluate the state reached, unless that is done.
        if (lastLogged !== epoch - 1) append(epoch - 1, await trainer.evaluate());
        record.status = 'interrupted';
        record.message = `stopped after epoch ${epoch - 1} of ${config.epochs}`;
        break;
      }
      const te = performance.now();
      const m = logged.has(epoch) ? await trainer.trainEpoch(epoch) : await trainer.trainEpoch(epoch, false);
      epochMs.push(performance.now() - te);
      const elapsed = (performance.now() - tTrain) / 1000;
      const eta = (elapsed / epoch) * (config.epochs - epoch);
      if (!m) {
        options.onProgress?.({ epoch, epochs: config.epochs, elapsed_s: elapsed, eta_s: eta });
        continue;
      }
      append(epoch, m);
      const bad = diverged(epoch, m, lastLogged);
      lastLogged = epoch;
      if (bad) {
        record.status = 'diverged';
        record.message = bad;
      }
      options.onEpoch?.({ epoch, epochs: config.epochs, metrics: m, elapsed_s: elapsed, eta_s: eta });
    }
  } finally {
    trainer.destroy();
    record.timing.total_s = (performance.now() - t0) / 1000;
    record.timing.epoch_ms_median = median(epochMs);
  }
  return record;
}

/** Replica means of a metric, for progress lines. */
export function replicaMean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}
