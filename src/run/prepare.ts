/**
 * From a run configuration to what the trainer needs: the dataset (loaded and checked), its seeded
 * split, the network plan and the initial parameters. Every random stream derives from config.seed:
 * 'data' (generated toys), 'split', 'init', 'shuffle'.
 */

import type { RunConfig } from '../config/run-config.ts';
import { normalizeColumns } from '../data/custom.ts';
import { loadDataset } from '../data/load.ts';
import { type Split, splitIndices } from '../data/split.ts';
import type { DataFiles, Dataset } from '../data/types.ts';
import type { TrainData } from '../nn/gpu-trainer.ts';
import { initParams, type LayerParams } from '../nn/init.ts';
import { type NetworkPlan, planNetwork } from '../nn/plan.ts';
import { Rng } from '../util/rng.ts';

export interface PreparedRun {
  config: RunConfig;
  dataset: Dataset;
  split: Split;
  data: TrainData;
  plan: NetworkPlan;
  params: LayerParams[];
}

function rows(ds: Dataset, idx: Uint32Array): { x: Float32Array; y: Uint32Array } {
  const x = new Float32Array(idx.length * ds.D);
  const y = new Uint32Array(idx.length);
  idx.forEach((i, j) => {
    x.set(ds.inputs.subarray(i * ds.D, (i + 1) * ds.D), j * ds.D);
    y[j] = ds.labels[i];
  });
  return { x, y };
}

export async function prepareRun(config: RunConfig, files?: DataFiles): Promise<PreparedRun> {
  const root = new Rng(config.seed);
  const { name, samples, noise, encoding, mnistTrain, mnistTest, file, labelColumn, header } = config.data;
  const loaded = await loadDataset(
    { name, samples, noise, encoding, mnistTrain, mnistTest, file, labelColumn, header },
    root.derive('data'),
    files,
  );
  const split: Split = loaded.predefinedSplit
    ? { ...loaded.predefinedSplit, biased: false }
    : splitIndices(
        loaded.N,
        { trainFraction: config.data.trainFraction, mode: config.data.split },
        root.derive('split'),
      );
  // Your own data's scaling, with statistics of the training rows only (custom.ts normalizeColumns).
  const dataset =
    name === 'custom'
      ? {
          ...loaded,
          inputs: normalizeColumns(loaded.inputs, loaded.D, split.train, config.data.normalize ?? 'none'),
        }
      : loaded;
  const train = rows(dataset, split.train);
  const test = rows(dataset, split.test);
  const pm1 = name === 'bits12' && encoding === 'pm1';
  const plan = planNetwork(config, dataset.D, dataset.classes, pm1);
  const params = initParams(plan, config.replicas, config.network.init, config.seed);
  return {
    config,
    dataset,
    split,
    plan,
    params,
    data: { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y },
  };
}
