/**
 * The runner: the logging schedule decides which epochs are evaluated and recorded; a diverging run
 * stops with a message naming the epoch and keeps what it computed; an aborted run ends cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { parseLink } from '../src/run/link.ts';
import { runTraining } from '../src/run/runner.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

const config = (link: string) => {
  const { config, issues } = parseLink(link);
  expect(issues).toEqual([]);
  return config;
};

describe('runner', () => {
  it('records only the logged epochs', async () => {
    const r = await runTraining(
      gpu,
      config('v=1&data=xor&samples=100&net=4-float-tanh&replicas=1&epochs=5&log=every&logk=2'),
    );
    expect(r.epochs).toEqual([0, 2, 4, 5]);
    expect(r.metrics.test_acc[0].length).toBe(4);
  });

  it('stops a diverging run at the epoch it diverged, keeping the epochs before', async () => {
    const r = await runTraining(
      gpu,
      config('v=1&data=digits&net=16-float-linear,16-float-linear&opt=sgd&lr=10&epochs=30&replicas=1'),
    );
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(
      /loss of replica 0 is (NaN|Infinity|-Infinity) at epoch \d+\. Lower the learning rate/,
    );
    expect(r.epochs[0]).toBe(0);
    expect(r.epochs.length).toBeLessThan(31);
    expect(Number.isFinite(r.metrics.train_loss[0][0])).toBe(true);
  });

  it('an aborted run ends on a logged epoch with what it computed', async () => {
    const controller = new AbortController();
    const r = await runTraining(
      gpu,
      config(
        'v=1&data=digits&net=16-bin-bn-ste_sign,4-float-tanh&replicas=2&epochs=1000&log=every&logk=7&lr=0.05',
      ),
      {
        signal: controller.signal,
        onProgress: ({ epoch }) => {
          if (epoch === 3) controller.abort();
        },
      },
    );
    expect(r.status).toBe('interrupted');
    expect(r.epochs).toEqual([0, 3]);
    expect(r.metrics.train_loss[1].length).toBe(2);
    // The flip ratio at the stopping epoch counts the flips since epoch 0 (not a placeholder 0).
    expect(r.metrics.flip_ratio[0][1][0]).toBeGreaterThan(0);
    expect(r.metrics.flip_ratio[0][1][1]).toBeNull();
  });
});
