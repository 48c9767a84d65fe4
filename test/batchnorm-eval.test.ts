/**
 * batchnorm_forward v2's evaluation (rows split among workgroups) against v1's: the same arithmetic per element, so y, mean
 * and invstd must be bit-identical (the kernel checks compare both with the float64 reference; this
 * holds v2 to v1 exactly), on shapes that leave the last workgroup's rows and columns part-empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { runOps } from '../src/gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../src/gpu/tensor.ts';
import { prepareBatchnormForward } from '../src/kernels/batchnorm/kernel.ts';
import { Rng } from '../src/util/rng.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

async function evaluate(version: string, R: number, B: number, N: number) {
  const rng = new Rng(17).derive(`bn eval ${R} ${B} ${N}`);
  const f = (shape: number[], label: string, data?: Float32Array) =>
    createTensor(gpu, 'f32', shape, label, data);
  const t = {
    x: f([R, B, N], 'x', rng.floats(R * B * N, -4, 4)),
    gamma: f([R, N], 'gamma', rng.floats(R * N, 0.5, 1.5)),
    beta: f([R, N], 'beta', rng.floats(R * N, -0.5, 0.5)),
    runningMean: f([R, N], 'running mean', rng.floats(R * N, -1, 1)),
    runningVar: f([R, N], 'running var', rng.floats(R * N, 0.1, 3)),
    y: f([R, B, N], 'y'),
    mean: f([R, N], 'mean'),
    invstd: f([R, N], 'invstd'),
  };
  await runOps(gpu, `bn eval ${version}`, [
    await prepareBatchnormForward(gpu, { ...t, training: false }, version),
  ]);
  const out = await Promise.all(
    [t.y, t.mean, t.invstd, t.runningMean, t.runningVar].map((u) => readTensor(gpu, u)),
  );
  destroyTensors(...Object.values(t));
  return out;
}

describe('batchnorm_forward v2 evaluation', () => {
  for (const [R, B, N] of [
    [1, 1, 1],
    [3, 257, 300],
    [2, 1000, 17],
    [1, 4096, 256],
  ]) {
    it(`is bit-identical to v1 at R=${R} B=${B} N=${N}, running statistics untouched`, async () => {
      const [v1, v2] = [await evaluate('v1', R, B, N), await evaluate('v2', R, B, N)];
      for (let i = 0; i < 5; i++)
        expect(new Uint32Array(v2[i].buffer)).toEqual(new Uint32Array(v1[i].buffer));
      expect(v2[1].some((m) => m !== 0)).toBe(true); // mean was written, not left at zero
    });
  }
});
