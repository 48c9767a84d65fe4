/**
 * It learns: a small budget of the 12-bit protocol (12-10-7-5-4-3-2, batch 256) takes both a tanh DNN and
 * a BNN (batch normalization, ste_sign, binary hidden weights) far above the majority-class rate. The
 * budget is cut by using Adam 1e-2 instead of 4e-4 and 15 epochs; the full-protocol figures are in the
 * README.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/run-config.ts';
import type { Gpu } from '../src/gpu/device.ts';
import { runTraining } from '../src/run/runner.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

const tanh = (width: number) => ({
  width,
  weights: 'float' as const,
  batchNorm: false,
  activation: 'tanh' as const,
});

async function finalTestAcc(network: object) {
  const config = parseConfig({ replicas: 2, epochs: 15, optimizer: { lr: 0.01 }, network });
  const record = await runTraining(gpu, config);
  expect(record.status).toBe('complete');
  expect(record.dataset.train).toBe(3277);
  return record.metrics.test_acc.map((row) => row[row.length - 1]);
}

describe('training on the 12-bit task', () => {
  // 2118 of 4096 labels are 1: the majority-class rate of a random test split is about 0.52.
  it('a tanh DNN fits far above the majority rate', async () => {
    for (const acc of await finalTestAcc({ hidden: [10, 7, 5, 4, 3].map(tanh) }))
      expect(acc).toBeGreaterThan(0.8);
  });

  it('a BNN with batch normalization fits far above the majority rate', async () => {
    for (const acc of await finalTestAcc({})) expect(acc).toBeGreaterThan(0.72);
  });
});
