/**
 * Which GPU trainer a run gets: the fused one (src/nn/fused-trainer.ts) when the network fits its limits,
 * else the layered one; `config.trainer` ('auto' | 'fused' | 'layered', link key `trainer`, CLI
 * `--trainer`) overrides. A network forced onto the fused trainer that does not fit is a ConfigError on
 * the field `trainer` naming the limit (exit code 2 in the CLI). The record keeps the choice and why.
 */

import { ConfigError, type RunConfig } from '../config/run-config.ts';
import type { Gpu } from '../gpu/device.ts';
import { fusedMisfit, fusedWorkgroup } from './fused-layout.ts';
import { FusedTrainer } from './fused-trainer.ts';
import { GpuTrainer, type TrainData } from './gpu-trainer.ts';
import type { LayerParams } from './init.ts';
import type { NetworkPlan } from './plan.ts';

export interface TrainerChoice {
  name: 'fused' | 'layered';
  /** One sentence: asked for, or fits / does not fit (and which limit). */
  reason: string;
}

/** The choice for this network on this adapter; throws ConfigError when 'fused' is forced and does not fit. */
export function chooseTrainer(
  gpu: Pick<Gpu, 'adapter' | 'device'>,
  plan: NetworkPlan,
  config: RunConfig,
  nTrain: number,
): TrainerChoice {
  if (config.trainer === 'layered') return { name: 'layered', reason: 'asked for (trainer=layered)' };
  const misfit =
    config.optimizer.name === 'bop'
      ? 'the fused trainer has no Bop (it trains with Adam or SGD)'
      : config.network.calibrateBatchNorm || config.log.steps
        ? 'the fused trainer does not calibrate batch norm (bncal) or log at minibatch steps (logsteps)'
        : fusedMisfit(
            plan,
            config.replicas,
            config.batchSize,
            nTrain,
            fusedWorkgroup(gpu.adapter.software),
            gpu.device.limits.maxStorageBufferBindingSize,
          );
  if (config.trainer === 'fused') {
    if (misfit) throw new ConfigError([{ field: 'trainer', message: `"fused" does not fit: ${misfit}` }]);
    return { name: 'fused', reason: 'asked for (trainer=fused)' };
  }
  return misfit
    ? { name: 'layered', reason: `the network does not fit the fused trainer: ${misfit}` }
    : { name: 'fused', reason: 'the network fits the fused trainer' };
}

/** The trainer of the choice, over the given data and initial parameters. */
export async function createTrainer(
  gpu: Gpu,
  choice: TrainerChoice,
  plan: NetworkPlan,
  config: RunConfig,
  data: TrainData,
  params: LayerParams[],
): Promise<GpuTrainer | FusedTrainer> {
  return choice.name === 'fused'
    ? FusedTrainer.create(gpu, plan, config, data, params)
    : GpuTrainer.create(gpu, plan, config, data, params);
}
