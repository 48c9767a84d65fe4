/**
 * Batch-norm calibration (src/nn/bn-calibration.ts, link key bncal=1): the running statistics become the
 * training set's per-column mean and unbiased variance of the values before normalization, layer by layer;
 * after it, every batch-norm layer's normalized values over the training set have mean β = 0 and variance
 * near 1 at initialisation; the field is absent from old configurations and the epoch-0 record changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { BATCHNORM_EPS } from '../src/kernels/batchnorm/ref.ts';
import { columnStatistics } from '../src/nn/bn-calibration.ts';
import { parseLink, serializeLink } from '../src/run/link.ts';
import { TrainingSession } from '../src/run/session.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

const LINK = 'v=1&data=bits12&epochs=1&replicas=2&seed=3';

describe('columnStatistics', () => {
  it('gives each column its mean and unbiased variance, per replica', () => {
    // R = 2, n = 4, N = 2: replica 0 columns (1,2,3,4) and (0,0,0,8); replica 1 constant columns.
    const z = new Float32Array([1, 0, 2, 0, 3, 0, 4, 8, 5, -1, 5, -1, 5, -1, 5, -1]);
    const { mean, variance } = columnStatistics(z, 2, 4, 2);
    expect([...mean]).toEqual([2.5, 2, 5, -1]);
    expect([...variance]).toEqual([Math.fround(5 / 3), 16, 0, 0]);
    expect(() => columnStatistics(z, 2, 3, 2)).toThrow(/expected/);
  });
});

describe('calibrateBatchNorm on the GPU trainer', () => {
  it('the link key round-trips; old links have no such field', () => {
    const { config } = parseLink(`${LINK}&bncal=1`);
    expect(config.network.calibrateBatchNorm).toBe(true);
    expect(serializeLink(config)).toContain('bncal=1');
    expect('calibrateBatchNorm' in parseLink(LINK).config.network).toBe(false);
  });

  it('sets the running statistics from the training set, and the normalized values are standardized', async () => {
    const session = await TrainingSession.create(gpu, parseLink(LINK).config);
    try {
      const trainer = session.gpuTrainer;
      expect(await trainer.calibrateBatchNorm()).toBe(5);
      const R = 2;
      const params = await trainer.readParams();
      const z = await trainer.layerOutputs('train', 'z');
      const pre = await trainer.layerOutputs('train', 'pre');
      const n = session.record.dataset.train;
      for (const [i, l] of session.prepared.plan.layers.entries()) {
        if (!l.batchNorm) continue;
        const N = l.width;
        const want = columnStatistics(z[i], R, n, N);
        expect(params[i].runningMean).toEqual(want.mean);
        expect(params[i].runningVar).toEqual(want.variance);
        const got = columnStatistics(pre[i], R, n, N);
        for (let k = 0; k < R * N; k++) {
          expect(Math.abs(got.mean[k])).toBeLessThan(1e-4);
          // (z − mean)/sqrt(var + eps) has variance var/(var + eps).
          const v = want.variance[k];
          expect(got.variance[k]).toBeCloseTo(v / (v + BATCHNORM_EPS), 4);
        }
      }
    } finally {
      session.dispose();
    }
  }, 300_000);

  it('a run with bncal=1 calibrates before its epoch-0 record', async () => {
    const epoch0 = async (link: string) => {
      const session = await TrainingSession.create(gpu, parseLink(link).config);
      try {
        await session.start();
        return session.record.metrics.train_loss.map((r) => r[0]);
      } finally {
        session.dispose();
      }
    };
    const [plain, calibrated] = [await epoch0(LINK), await epoch0(`${LINK}&bncal=1`)];
    expect(calibrated).not.toEqual(plain);
  }, 300_000);
});
