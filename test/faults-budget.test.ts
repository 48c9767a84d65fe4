/**
 * Limits before allocation (src/run/budget.ts): the memory a run needs, from its configuration alone,
 * against the adapter's limits and a host budget. The two configurations of the reliability review that
 * took a machine down are refused with the numbers; the defaults and the study's runs fit.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/run-config.ts';
import {
  BudgetError,
  checkRunBudget,
  datasetShape,
  estimateRunMemory,
  formatBytes,
} from '../src/run/budget.ts';
import { parseLink } from '../src/run/link.ts';

const GiB = 2 ** 30;
/** Dawn on SwiftShader (this machine): 1 GiB buffers, GPU memory is host memory. */
const SWIFTSHADER = {
  maxBufferSize: GiB,
  maxStorageBufferBindingSize: GiB,
  hostBytes: 12 * GiB,
  sharedMemory: true,
};

const config = (link: string) => {
  const { config, issues } = parseLink(link);
  expect(issues).toEqual([]);
  return config;
};

describe('memory budget', () => {
  it('counts weights, optimizer state, activations, estimator tables and data from the configuration', () => {
    const c = config('v=1&net=100-float-relu&replicas=2&opt=adam&batch=64');
    const e = estimateRunMemory(c);
    // bits12: 12 inputs, 2 classes; weights (12·100 + 2·100) + (100·2 + 2·2) per replica, f32
    const params = 12 * 100 + 200 + 100 * 2 + 4;
    expect(e.gpu.weights).toBe(2 * params * 4);
    expect(e.gpu.optimizer).toBe(3 * e.gpu.weights); // gradients and Adam's two moments
    expect(e.gpu.data).toBe(4096 * 13 * 4);
    expect(e.gpuTotal).toBe(Object.values(e.gpu).reduce((a, b) => a + b, 0));
    expect(e.host).toBeGreaterThan(e.gpu.weights);
    expect(datasetShape(c)).toEqual({ D: 12, classes: 2, train: 3277, test: 819 });
    expect(datasetShape(config('v=1&data=mnist&mnist=1000&mnisttest=500'))).toMatchObject({
      D: 784,
      train: 1000,
      test: 500,
    });
  });

  it('refuses the 16384-wide MNIST net with 256 replicas, naming the buffer, the limit and the numbers', () => {
    const c = config(
      'v=1&data=mnist&mnist=1000&mnisttest=1000&net=16384-float-relu,16384-float-relu&replicas=256&epochs=1',
    );
    const err = (() => {
      try {
        checkRunBudget(c, SWIFTSHADER);
      } catch (e) {
        return e as BudgetError;
      }
    })();
    expect(err).toBeInstanceOf(BudgetError);
    expect(err!.message).toMatch(
      /hidden layer 2's weights \(256 replicas × 16384 × 16384\) needs a buffer of 256\.0 GiB/,
    );
    expect(err!.message).toMatch(/maxStorageBufferBindingSize \(1\.0 GiB\)/);
    expect(err!.message).toMatch(/the host needs about [\d.]+ TiB/);
    expect(err!.message.split('\n')).toHaveLength(1);
  });

  it('refuses 16 replicas of a 4096 × 4096 layer on a 1 GiB adapter (exactly the limit fails in Dawn)', () => {
    const c = config('v=1&net=4096-float-relu,4096-float-relu&replicas=16&epochs=1');
    expect(() => checkRunBudget(c, SWIFTSHADER)).toThrow(
      /hidden layer 2's weights .* needs a buffer of 1\.0 GiB/,
    );
    // 15 replicas: 0.94 GiB, below the limit
    expect(() =>
      checkRunBudget(config('v=1&net=4096-float-relu,4096-float-relu&replicas=15'), SWIFTSHADER),
    ).not.toThrow();
  });

  it('counts GPU memory against the host on a software adapter only, and a GPU budget where one is given', () => {
    const c = config('v=1&net=2048-float-relu,2048-float-relu&replicas=8');
    const e = estimateRunMemory(c);
    const hostBytes = (e.host + e.gpuTotal) / 2;
    expect(() => checkRunBudget(c, { ...SWIFTSHADER, hostBytes })).toThrow(/software adapter/);
    expect(() => checkRunBudget(c, { ...SWIFTSHADER, hostBytes, sharedMemory: false })).not.toThrow();
    expect(() =>
      checkRunBudget(c, { ...SWIFTSHADER, sharedMemory: false, gpuBytes: e.gpuTotal - 1 }),
    ).toThrow(/the GPU needs about/);
  });

  it('lets the defaults and every dataset at its defaults through', () => {
    for (const data of ['bits12', 'mnist', 'digits', 'circle', 'xor', 'spiral', 'gauss']) {
      const c = parseConfig({ data: { name: data } });
      expect(() => checkRunBudget(c, { ...SWIFTSHADER, hostBytes: 2 * GiB }), data).not.toThrow();
    }
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3)).toBe('3 B');
  });
});
