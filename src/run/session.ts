/**
 * A training session: one configuration on one GPU, advanced epoch by epoch. The app drives it (play,
 * pause, step one epoch, reset = dispose and create anew) and `runTraining` loops over it. The session owns
 * the growing result record; every logged epoch appends to it, and a stop for any reason (diverged,
 * interrupted, a lost device) keeps what was computed.
 *
 *   const s = await TrainingSession.create(gpu, config);
 *   await s.start();                // epoch 0: the initialisation, evaluated and logged
 *   while (!s.done) await s.next(); // one epoch: trained, and evaluated if the schedule logs it
 *   s.record                        // the result record so far
 *   s.dispose();
 */

import type { RunConfig } from '../config/run-config.ts';
import type { DataFiles } from '../data/types.ts';
import type { Gpu } from '../gpu/device.ts';
import { loggedEpochs } from '../info/schedule.ts';
import { FusedTrainer } from '../nn/fused-trainer.ts';
import { type EpochMetrics, type GpuTrainer, KDE_MAX_SAMPLES } from '../nn/gpu-trainer.ts';
import { chooseTrainer, createTrainer } from '../nn/trainer-choice.ts';
import { median } from '../util/stats.ts';
import { checkRunBudget } from './budget.ts';
import { type PreparedRun, prepareRun } from './prepare.ts';
import { emptyRecord, type RunRecord } from './record.ts';

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** The metrics of a logged epoch; null for an epoch the schedule does not log. */
  metrics: EpochMetrics | null;
  /** Seconds spent training so far, and the estimated seconds left. */
  elapsed_s: number;
  eta_s: number;
}

/**
 * The host memory a session may take by default: in a browser, half the device memory it reports (4 GiB
 * when it does not say), at most 4 GiB (a tab's typed arrays rarely get more); elsewhere no limit here
 * (the command line checks against the machine's free memory before creating a session).
 */
function defaultHostBytes(): number {
  if (typeof document === 'undefined') return Number.POSITIVE_INFINITY;
  const gib = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? 8;
  return Math.min(gib / 2, 4) * 2 ** 30;
}

function estimationSize(record: RunRecord): number {
  const { set } = record.info;
  const { train, test } = record.dataset;
  return set === 'train' ? train : set === 'test' ? test : train + test;
}

export class TrainingSession {
  /** The last epoch trained (0 before the first). */
  epoch = 0;
  private readonly logged: Set<number>;
  private lastLogged = -1;
  private readonly epochMs: number[] = [];
  private trainMs = 0;
  private readonly t0 = performance.now();
  private disposed = false;

  private constructor(
    readonly gpu: Gpu,
    readonly config: RunConfig,
    readonly prepared: PreparedRun,
    private readonly trainer: GpuTrainer | FusedTrainer,
    readonly record: RunRecord,
    extraLogged: readonly number[],
  ) {
    this.logged = new Set([...loggedEpochs(config.log, config.epochs), ...extraLogged]);
  }

  /**
   * The estimation set's activations of every layer at the current parameters, in the order the
   * estimator counts them (training rows, then test rows, for the full set), as f32 [R, n, width] per
   * layer (the output layer's are its logits), with the n labels.
   */
  async estimationActivations(): Promise<{ layers: Float32Array[]; labels: Uint32Array; n: number }> {
    const set = this.config.estimator.set;
    const { yTrain, yTest } = this.prepared.data;
    const R = this.config.replicas;
    const parts = set === 'full' ? (['train', 'test'] as const) : ([set] as const);
    const outs: Float32Array[][] = [];
    for (const p of parts) outs.push(await this.trainer.layerOutputs(p));
    const sizes = parts.map((p) => (p === 'train' ? yTrain.length : yTest.length));
    const n = sizes.reduce((a, b) => a + b, 0);
    const labels = new Uint32Array(n);
    let at = 0;
    parts.forEach((p, j) => {
      labels.set(p === 'train' ? yTrain : yTest, at);
      at += sizes[j];
    });
    const layers = this.prepared.plan.layers.map((l, i) => {
      const W = l.width;
      const all = new Float32Array(R * n * W);
      for (let r = 0; r < R; r++) {
        let row = 0;
        outs.forEach((o, j) => {
          all.set(o[i].subarray(r * sizes[j] * W, (r + 1) * sizes[j] * W), (r * n + row) * W);
          row += sizes[j];
        });
      }
      return all;
    });
    return { layers, labels, n };
  }

  /**
   * `extraLogged`: epochs to log besides the schedule's (e.g. those whose activations are dumped).
   */
  static async create(
    gpu: Gpu,
    config: RunConfig,
    files?: DataFiles,
    extraLogged: readonly number[] = [],
    hostBytes = defaultHostBytes(),
  ): Promise<TrainingSession> {
    // Limits before allocation: refused with the numbers before the data or the weights take memory.
    const { maxBufferSize, maxStorageBufferBindingSize } = gpu.device.limits;
    checkRunBudget(config, {
      maxBufferSize,
      maxStorageBufferBindingSize,
      hostBytes,
      sharedMemory: gpu.adapter.software,
    });
    const prepared = await prepareRun(config, files);
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
    const choice = chooseTrainer(gpu, plan, config, prepared.data.yTrain.length);
    record.trainer = choice;
    const trainer = await createTrainer(gpu, choice, plan, config, prepared.data, prepared.params);
    try {
      const { set, kde, kdeVariance } = config.estimator;
      await trainer.enableEstimation(config.estimator, set, {
        kde,
        kdeVariance,
      });
    } catch (e) {
      trainer.destroy();
      throw e;
    }
    if (config.estimator.kde) {
      const R = config.replicas;
      record.info.kde = {
        n: Math.min(KDE_MAX_SAMPLES, estimationSize(record)),
        variance: config.estimator.kdeVariance,
        ixt: Array.from({ length: R }, () => []),
        ity: Array.from({ length: R }, () => []),
      };
    }
    if (config.estimator.estimators?.length) {
      const R = config.replicas;
      record.info.estimates = {};
      for (const name of config.estimator.estimators) {
        const kdeN = Math.min(KDE_MAX_SAMPLES, estimationSize(record));
        record.info.estimates[name] = {
          ...(name.startsWith('kde') ? { n: kdeN } : {}),
          ixt: Array.from({ length: R }, () => []),
          ity: Array.from({ length: R }, () => []),
        };
      }
    }
    return new TrainingSession(gpu, config, prepared, trainer, record, extraLogged);
  }

  /** Training is over: every epoch done, or stopped (diverged / interrupted). */
  get done(): boolean {
    return this.record.status !== 'complete' || this.epoch >= this.config.epochs;
  }

  /** Evaluates and logs epoch 0 (the initialisation). */
  async start(): Promise<EpochReport> {
    if (this.lastLogged >= 0) throw new Error('session already started');
    if (this.config.network.calibrateBatchNorm && this.epoch === 0)
      await this.layeredOnly().calibrateBatchNorm();
    return this.log(0, await this.trainer.evaluate());
  }

  /** Trains the next epoch; evaluates and logs it when the schedule says so. */
  async next(): Promise<EpochReport> {
    if (this.lastLogged < 0) await this.start();
    if (this.done) throw new Error(`training is over (${this.record.status}, epoch ${this.epoch})`);
    const epoch = this.epoch + 1;
    const te = performance.now();
    const { steps, stepEpochs = 1 } = this.config.log;
    let m: EpochMetrics | null;
    if (steps && epoch <= stepEpochs) {
      // Step-level logging: the evaluations inside the epoch are logged at fractional epochs.
      const layered = this.layeredOnly();
      const S = layered.stepsPerEpoch;
      const evals = await layered.trainEpochSteps(epoch, steps, this.logged.has(epoch));
      m = null;
      for (const { step, metrics } of evals) {
        if (step === S) m = metrics;
        else if (this.record.status === 'complete') this.log(epoch - 1 + step / S, metrics);
      }
    } else {
      m = this.logged.has(epoch)
        ? await this.trainer.trainEpoch(epoch)
        : await this.trainer.trainEpoch(epoch, false);
    }
    const ms = performance.now() - te;
    this.epochMs.push(ms);
    this.trainMs += ms;
    this.epoch = epoch;
    if (!m || this.record.status !== 'complete') return this.report(null);
    return this.log(epoch, m);
  }

  /** Stops early at the current epoch, logging it if it was not ('interrupted'). */
  async interrupt(reason = `stopped after epoch ${this.epoch} of ${this.config.epochs}`): Promise<void> {
    if (this.record.status !== 'complete' || this.epoch >= this.config.epochs) return;
    if (this.lastLogged !== this.epoch) this.log(this.epoch, await this.trainer.evaluate(true));
    if (this.record.status !== 'complete') return; // that evaluation found a diverged loss: keep its message
    this.record.status = 'interrupted';
    this.record.message = reason;
    this.finishTiming();
  }

  /** Marks the run stopped by an outside failure (a lost device, a GPU error), keeping the record. */
  fail(message: string): void {
    if (this.record.status === 'complete') this.record.status = 'interrupted';
    this.record.message = message;
    this.finishTiming();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.finishTiming();
    this.trainer.destroy();
  }

  /** The trainer, for read-backs of layer outputs and parameters (dumps, checks). */
  /** The trainer when it is the layered one: batch-norm calibration and step logging are its alone. */
  private layeredOnly(): GpuTrainer {
    if (this.trainer instanceof FusedTrainer)
      throw new Error('internal: batch-norm calibration and step logging need the layered trainer');
    return this.trainer;
  }

  get gpuTrainer(): GpuTrainer {
    return this.trainer instanceof FusedTrainer ? this.trainer.layered : this.trainer;
  }

  private report(metrics: EpochMetrics | null): EpochReport {
    const elapsed = this.trainMs / 1000;
    const epochs = this.config.epochs;
    const eta = this.epoch > 0 ? (elapsed / this.epoch) * (epochs - this.epoch) : Number.NaN;
    return { epoch: this.epoch, epochs, metrics, elapsed_s: elapsed, eta_s: eta };
  }

  private log(epoch: number, m: EpochMetrics): EpochReport {
    const { record, config } = this;
    const binary = this.prepared.plan.layers.map((l) => l.binaryWeights);
    record.epochs.push(epoch);
    // A replica whose loss is NaN or infinite has diverged: its accuracy and estimates at this epoch are
    // read from NaN activations and mean nothing, so they are recorded as missing (NaN; null in JSON).
    const diverged = Array.from(
      { length: config.replicas },
      (_, r) => !Number.isFinite(m.trainLoss[r]) || !Number.isFinite(m.testLoss[r]),
    );
    for (let r = 0; r < config.replicas; r++) {
      record.metrics.train_loss[r].push(m.trainLoss[r]);
      record.metrics.test_loss[r].push(m.testLoss[r]);
      record.metrics.train_acc[r].push(diverged[r] ? Number.NaN : m.trainAcc[r]);
      record.metrics.test_acc[r].push(diverged[r] ? Number.NaN : m.testAcc[r]);
      let k = 0;
      record.metrics.flip_ratio[r].push(binary.map((b) => (b && epoch > 0 ? m.flipRatio[k++][r] : null)));
    }
    if (m.info) this.logInfo(m, diverged);
    const previous = this.lastLogged;
    this.lastLogged = epoch;
    for (let r = 0; r < config.replicas; r++) {
      if (diverged[r]) {
        const since =
          previous >= 0 && epoch - previous > 1
            ? ` (between epoch ${previous}, the last one logged, and ${epoch})`
            : '';
        // The fused trainer knows the first step that made a parameter non-finite.
        const at = this.trainer instanceof FusedTrainer ? this.trainer.divergence : null;
        if (at) record.diverged_at = at;
        const first = at
          ? ` The first non-finite parameter appeared at step ${at.step} (epoch ${at.epoch}) in replica ${at.replica}.`
          : '';
        record.status = 'diverged';
        record.message =
          `training diverged: the loss of replica ${r} is ${m.trainLoss[r]} at epoch ${epoch}${since}. ` +
          `Lower the learning rate (optimizer.lr) or add batch normalization; the epochs before are kept.${first}`;
        break;
      }
    }
    if (this.done) this.finishTiming();
    return this.report(m);
  }

  /** Appends the estimates of a logged epoch; a diverged replica's are missing (NaN, or null for KDE). */
  private logInfo(m: EpochMetrics, diverged: readonly boolean[]): void {
    const info = this.record.info;
    const est = m.info!;
    if (est.length && est[0].length) {
      info.n = est[0][0].n;
      info.ceilings = { ixt: est[0][0].log2N, ity: est[0][0].hY };
    }
    for (let r = 0; r < this.config.replicas; r++) {
      const nan = diverged[r];
      info.ixt[r].push(est.map((layer) => (nan ? Number.NaN : layer[r].ixt)));
      info.ity[r].push(est.map((layer) => (nan ? Number.NaN : layer[r].ity)));
      info.near_ceiling[r].push(est.map((layer) => !nan && layer[r].saturated));
      info.occupied[r].push(est.map((layer) => (nan ? Number.NaN : layer[r].occupied)));
      if (info.kde && m.kde) {
        info.kde.ixt[r].push(m.kde.map((layer) => (layer && !nan ? layer[r].ixt : null)));
        info.kde.ity[r].push(m.kde.map((layer) => (layer && !nan ? layer[r].ity : null)));
      }
      for (const [name, x] of Object.entries(info.estimates ?? {})) {
        // Binary layers (null) and an estimator the trainer did not compute (no float layer) are null.
        const got = m.estimates?.[name] ?? est.map(() => null);
        x.ixt[r].push(got.map((layer) => (layer ? layer[r].ixt : null)));
        x.ity[r].push(got.map((layer) => (layer ? layer[r].ity : null)));
      }
    }
  }

  private finishTiming(): void {
    this.record.timing.total_s = (performance.now() - this.t0) / 1000;
    this.record.timing.epoch_ms_median = this.epochMs.length ? median(this.epochMs) : 0;
  }
}
