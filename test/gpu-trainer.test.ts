/**
 * The GPU trainer against the CPU reference trainer: the same network, initialisation and minibatches.
 * Float networks: the GPU's gradients equal the reference's (which test/cpu-trainer.test.ts checks against
 * finite differences). BNNs: 20 steps on both; the binary layers' forward passes (sign patterns) are
 * identical and the losses agree within a stated tolerance. And the GPU trainer is deterministic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { epochBatches, epochOrder } from '../src/nn/batches.ts';
import { CpuTrainer, tile } from '../src/nn/cpu-trainer.ts';
import { GpuTrainer } from '../src/nn/gpu-trainer.ts';
import { testGpu } from './gpu.ts';
import { batchOf, setup } from './train-fixtures.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

const bnn = (width: number) => ({
  width,
  weights: 'binary' as const,
  batchNorm: true,
  activation: 'ste_sign' as const,
});

describe('GPU trainer vs CPU reference', () => {
  it('a float network: the GPU gradients equal the reference gradients', async () => {
    const D = 5;
    const C = 3;
    const { config, data, plan, params } = setup(
      {
        replicas: 2,
        batchSize: 64,
        network: {
          hidden: [
            { width: 4, weights: 'float', batchNorm: false, activation: 'tanh' },
            { width: 3, weights: 'float', batchNorm: true, activation: 'sigmoid' },
          ],
          init: 'glorot',
        },
      },
      D,
      C,
      false,
      24,
      8,
    );
    const gpuT = await GpuTrainer.create(gpu, plan, config, data, params);
    const cpuT = new CpuTrainer(plan, config.replicas, params, config.optimizer);
    await gpuT.trainEpoch(1); // one full-batch step
    const order = epochOrder(config.seed, config.replicas, 0, 24);
    const { x, y } = batchOf(data, order, config.replicas, 24, D, 0, 24);
    const { grads } = cpuT.gradients(x, y, 24);
    const got = await gpuT.readGradients();
    for (const [i, g] of grads.layers.entries()) {
      for (const key of ['w', 'b', 'gamma', 'beta'] as const) {
        const ref = g[key];
        if (!ref) continue;
        const gpuG = got[i][key]!;
        for (let j = 0; j < ref.length; j++) {
          // f32 forward/backward through two layers vs float64: 1e-5 absolute on gradients of size ~0.1–1
          expect(
            Math.abs(gpuG[j] - ref[j]),
            `layer ${i} ${key}[${j}]: gpu ${gpuG[j]} ref ${ref[j]}`,
          ).toBeLessThan(1e-5 + 1e-4 * Math.abs(ref[j]));
        }
      }
    }
    gpuT.destroy();
  });

  it('a BNN: 20 steps agree — binary forward passes identical, losses within tolerance', async () => {
    const D = 12;
    const C = 2;
    const nTrain = 80;
    const { config, data, plan, params } = setup(
      { replicas: 3, batchSize: 16, network: { hidden: [bnn(10), bnn(7), bnn(5)] }, optimizer: { lr: 0.01 } },
      D,
      C,
      true,
      nTrain,
      40,
    );
    expect(plan.layers.slice(0, 3).every((l) => l.xnor)).toBe(true); // exercises the XNOR path
    const R = config.replicas;
    const gpuT = await GpuTrainer.create(gpu, plan, config, data, params);
    const cpuT = new CpuTrainer(plan, R, params, config.optimizer);
    const batches = epochBatches(nTrain, config.batchSize, true);
    expect(batches.length).toBe(5);
    for (let epoch = 1; epoch <= 4; epoch++) {
      const m = await gpuT.trainEpoch(epoch);
      const order = epochOrder(config.seed, R, epoch - 1, nTrain);
      for (const b of batches) {
        const { x, y } = batchOf(data, order, R, nTrain, D, b.start, b.size);
        cpuT.step(x, y, b.size);
      }
      const ref = cpuT.evaluate(data.xTest, data.yTest, 40);
      for (let r = 0; r < R; r++) {
        // f32 vs float64 through batch norm: the losses agree to ~1e-5; 1e-3 leaves room for the rare
        // BN output within rounding of 0, whose sign may differ.
        expect(Math.abs(m.testLoss[r] - ref.loss[r]), `epoch ${epoch} replica ${r} test loss`).toBeLessThan(
          1e-3,
        );
        expect(m.testAcc[r]).toBeCloseTo(ref.acc[r], 6);
      }
    }
    // After 20 steps: every binary layer's output over the test set, bit for bit.
    const outs = await gpuT.layerOutputs('test');
    const fwd = cpuT.forward(data.xTest, 40, false, true);
    for (let l = 0; l < 3; l++) {
      const ref = fwd.traces[l].out;
      let same = 0;
      for (let j = 0; j < ref.length; j++) if (outs[l][j] === ref[j]) same++;
      expect(same, `hidden layer ${l + 1}: ${ref.length - same} of ${ref.length} signs differ`).toBe(
        ref.length,
      );
    }
    gpuT.destroy();
  });

  it('is deterministic: the same configuration twice gives identical metrics', async () => {
    const run = async () => {
      const { config, data, plan, params } = setup(
        {
          replicas: 2,
          batchSize: 32,
          network: { hidden: [bnn(8), { width: 6, weights: 'float', batchNorm: false, activation: 'tanh' }] },
        },
        12,
        2,
        false,
        100,
        30,
      );
      const t = await GpuTrainer.create(gpu, plan, config, data, params);
      const ms = [await t.evaluate(), await t.trainEpoch(1), await t.trainEpoch(2), await t.trainEpoch(3)];
      t.destroy();
      return ms;
    };
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    expect(a[3].flipRatio.length).toBe(1);
    expect(tile([1], 1)).toEqual(Float64Array.from([1]));
  });
});
