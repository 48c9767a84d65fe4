/**
 * Training speed of the 12-bit protocol (12-10-7-5-4-3-2, batch 256, 3,277 training samples: 13 steps an
 * epoch) in replica-epochs per second: the fused trainer, the layered trainer, and (src/cli's
 * bench-train) a PyTorch-CPU peer, in the same run.
 *
 *   train      — epochs trained without evaluation (as between logged epochs), `epochs` per timed sample,
 *                after one warm-up epoch that compiles and fills caches; rate = R·epochs / wall seconds,
 *                median and interquartile range over `samples` samples
 *   playground — the app's default run (4 replicas, every epoch evaluated and estimated): epochs/s
 * Wall times run from the first submit to the GPU's completion (or the metrics' read-back).
 */

import { parseConfig } from '../config/run-config.ts';
import type { Gpu } from '../gpu/device.ts';
import { loggedEpochs } from '../info/schedule.ts';
import { FusedTrainer } from '../nn/fused-trainer.ts';
import { GpuTrainer } from '../nn/gpu-trainer.ts';
import { parseLink } from '../run/link.ts';
import { prepareRun } from '../run/prepare.ts';
import { type Summary, summarize } from '../util/stats.ts';

export const TRAIN_NETWORKS = {
  'BNN ste_sign + BN': 'v=1',
  'DNN tanh': 'v=1&net=10-float-tanh,7-float-tanh,5-float-tanh,4-float-tanh,3-float-tanh',
} as const;
export type TrainNetwork = keyof typeof TRAIN_NETWORKS;

export type TrainerKind = 'fused' | 'layered';

export interface TrainRate {
  network: TrainNetwork;
  trainer: TrainerKind;
  replicas: number;
  /** Epochs per timed sample. */
  epochs: number;
  /** replica-epochs per second over the samples. */
  rate: Summary;
}

interface Trainer {
  trainEpoch(epoch: number, evaluate: false): Promise<null>;
  destroy(): void;
}

async function createTrainer(gpu: Gpu, kind: TrainerKind, link: string, replicas: number) {
  const config = parseConfig({ ...parseLink(link).config, replicas });
  const p = await prepareRun(config);
  const t: Trainer =
    kind === 'fused'
      ? await FusedTrainer.create(gpu, p.plan, config, p.data, p.params)
      : await GpuTrainer.create(gpu, p.plan, config, p.data, p.params);
  return t;
}

/** replica-epochs/s of one trainer on one network. */
export async function measureTrainRate(
  gpu: Gpu,
  network: TrainNetwork,
  trainer: TrainerKind,
  replicas: number,
  epochs: number,
  samples: number,
): Promise<TrainRate> {
  const t = await createTrainer(gpu, trainer, TRAIN_NETWORKS[network], replicas);
  const rates: number[] = [];
  try {
    let e = 1;
    await t.trainEpoch(e++, false); // warm-up: pipelines, caches, the fused trainer's steps per dispatch
    for (let s = 0; s < samples; s++) {
      const t0 = performance.now();
      for (let i = 0; i < epochs; i++) await t.trainEpoch(e++, false);
      rates.push((replicas * epochs) / ((performance.now() - t0) / 1000));
    }
  } finally {
    t.destroy();
  }
  return { network, trainer, replicas, epochs, rate: summarize(rates) };
}

export interface PlaygroundRate {
  trainer: TrainerKind;
  /** Epochs per second, every epoch evaluated and estimated (the app's default run). */
  epochsPerSecond: Summary;
}

/** The app's default run: 4 replicas of the default BNN, the estimate at every epoch. */
export async function measurePlayground(
  gpu: Gpu,
  trainer: TrainerKind,
  epochs: number,
  samples: number,
): Promise<PlaygroundRate> {
  const config = parseConfig(parseLink('v=1').config);
  const p = await prepareRun(config);
  const t =
    trainer === 'fused'
      ? await FusedTrainer.create(gpu, p.plan, config, p.data, p.params)
      : await GpuTrainer.create(gpu, p.plan, config, p.data, p.params);
  const rates: number[] = [];
  try {
    await t.enableEstimation(config.estimator, config.estimator.set);
    let e = 1;
    await t.trainEpoch(e++);
    for (let s = 0; s < samples; s++) {
      const t0 = performance.now();
      for (let i = 0; i < epochs; i++) await t.trainEpoch(e++);
      rates.push(epochs / ((performance.now() - t0) / 1000));
    }
  } finally {
    t.destroy();
  }
  return { trainer, epochsPerSecond: summarize(rates) };
}

/** The 12-bit protocol of the study (docs/METHOD.md §5): batch 512, 8000 epochs, 200 points on the IDNN schedule. */
export const PROTOCOL_12BIT = { link: 'v=1&batch=512', epochs: 8000, points: 200 } as const;

export interface EstimateOverhead {
  replicas: number;
  /** Milliseconds per epoch of training alone (the epochs between logged ones). */
  trainMs: Summary;
  /** Milliseconds a logged epoch adds: the evaluation and the information-plane estimate. */
  loggedMs: Summary;
  /** Logged epochs of the protocol's schedule, and its epochs. */
  logged: number;
  epochs: number;
  /** What the estimate adds to the training time over the whole protocol: logged·loggedMs / (epochs·trainMs). */
  overhead: number;
}

/**
 * What the information-plane estimate costs the fused trainer over the 12-bit protocol, from a sample of
 * it: per epoch the time to train, per logged epoch the time the evaluation and estimate add (both
 * medians over `samples` epochs after a warm-up), then scaled by the protocol's schedule.
 */
export async function measureEstimateOverhead(
  gpu: Gpu,
  replicas: number,
  samples: number,
): Promise<EstimateOverhead> {
  const config = parseConfig({ ...parseLink(PROTOCOL_12BIT.link).config, replicas });
  const p = await prepareRun(config);
  const t = await FusedTrainer.create(gpu, p.plan, config, p.data, p.params);
  const train: number[] = [];
  const logged: number[] = [];
  try {
    await t.enableEstimation(config.estimator, 'full');
    let e = 1;
    await t.trainEpoch(e++); // warm-up: pipelines, caches, steps per dispatch
    await t.trainEpoch(e++, false);
    for (let s = 0; s < samples; s++) {
      let t0 = performance.now();
      await t.trainEpoch(e++, false);
      const plain = performance.now() - t0;
      train.push(plain);
      t0 = performance.now();
      await t.trainEpoch(e++);
      logged.push(Math.max(0, performance.now() - t0 - plain));
    }
  } finally {
    t.destroy();
  }
  const schedule = loggedEpochs(
    { ...config.log, schedule: 'idnn', points: PROTOCOL_12BIT.points },
    PROTOCOL_12BIT.epochs,
  ).length;
  const trainMs = summarize(train);
  const loggedMs = summarize(logged);
  return {
    replicas,
    trainMs,
    loggedMs,
    logged: schedule,
    epochs: PROTOCOL_12BIT.epochs,
    overhead: (schedule * loggedMs.median) / (PROTOCOL_12BIT.epochs * trainMs.median),
  };
}
