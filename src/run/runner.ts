/**
 * Runs a configuration from start to finish (the command line's loop over a TrainingSession) and returns
 * its result record. Stops early, keeping what was computed, when the signal aborts ('interrupted') or a
 * loss is NaN or infinite ('diverged', with the epoch and replica in the message).
 */

import type { RunConfig } from '../config/run-config.ts';
import type { DataFiles } from '../data/types.ts';
import type { Gpu } from '../gpu/device.ts';
import type { EpochMetrics } from '../nn/gpu-trainer.ts';
import type { RunRecord } from './record.ts';
import { type EpochReport, TrainingSession } from './session.ts';

export type { EpochReport } from './session.ts';

export interface RunOptions {
  signal?: AbortSignal;
  /** After each logged epoch, with its metrics. */
  onEpoch?: (report: EpochReport & { metrics: EpochMetrics }) => void;
  /** After each epoch that is not logged. */
  onProgress?: (report: EpochReport) => void;
  files?: DataFiles;
  /** Activations to hand over at these epochs (they are logged whatever the schedule says). */
  dump?: {
    epochs: readonly number[];
    write(epoch: number, acts: Awaited<ReturnType<TrainingSession['estimationActivations']>>): Promise<void>;
  };
}

export async function runTraining(gpu: Gpu, config: RunConfig, options: RunOptions = {}): Promise<RunRecord> {
  const dumpAt = new Set(options.dump?.epochs ?? []);
  const session = await TrainingSession.create(gpu, config, options.files, [...dumpAt]);
  const dump = async (epoch: number) => {
    if (options.dump && dumpAt.has(epoch))
      await options.dump.write(epoch, await session.estimationActivations());
  };
  try {
    await session.start();
    await dump(0);
    await loop();
  } catch (e) {
    // A failure mid-run (a GPU error, a lost device) keeps the epochs already logged.
    if (!session.record.epochs.length) throw e;
    const message = `stopped by an error after epoch ${session.epoch}: ${(e as Error).message ?? String(e)}`;
    session.fail(message);
    throw new RunFailedError(message, session.record, e);
  } finally {
    session.dispose();
  }
  return session.record;

  async function loop(): Promise<void> {
    while (!session.done) {
      if (options.signal?.aborted) {
        await session.interrupt();
        break;
      }
      const report = await session.next();
      if (report.metrics) {
        await dump(report.epoch);
        options.onEpoch?.({ ...report, metrics: report.metrics });
      } else options.onProgress?.(report);
    }
  }
}

/** A run that failed after some epochs were logged: `record` holds them (status 'interrupted', the message). */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
  constructor(
    message: string,
    readonly record: RunRecord,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** Replica means of a metric, for progress lines. */
export function replicaMean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}
