/**
 * Faults inside a run (src/run/runner.ts, src/run/session.ts): a failure after some epochs were logged
 * keeps them (RunFailedError carries the record, status 'interrupted', the message naming the epoch and
 * the cause), and a run too large for the adapter is refused by TrainingSession.create, the app's path,
 * before anything is allocated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { BudgetError } from '../src/run/budget.ts';
import { parseLink } from '../src/run/link.ts';
import { RunFailedError, runTraining } from '../src/run/runner.ts';
import { TrainingSession } from '../src/run/session.ts';
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

describe('faults inside a run', () => {
  it('a failure after some epochs keeps them in the record it carries', async () => {
    const err = await runTraining(
      gpu,
      config('v=1&data=xor&samples=100&net=4-float-tanh&replicas=2&epochs=10'),
      {
        dump: {
          epochs: [0, 3],
          async write(epoch) {
            if (epoch === 3) throw new Error('disk gone');
          },
        },
      },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.message).toBe('stopped by an error after epoch 3: disk gone');
    expect(err.record.status).toBe('interrupted');
    expect(err.record.message).toBe(err.message);
    expect(err.record.epochs).toEqual([0, 1, 2, 3]);
    for (const row of err.record.metrics.test_acc) expect(row).toHaveLength(4);
  });

  it('a failure before the first epoch is logged is thrown as it is', async () => {
    const err = await runTraining(
      gpu,
      config('v=1&data=xor&samples=100&net=4-float-tanh&replicas=1&epochs=2'),
      {
        dump: {
          epochs: [0],
          async write() {
            throw new Error('at once');
          },
        },
      },
    ).catch((e) => e);
    // epoch 0 is logged before its dump: the record still has it
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.record.epochs).toEqual([0]);
  });

  it('TrainingSession.create refuses a run that cannot fit, before allocating, with the numbers', async () => {
    const t0 = performance.now();
    const err = await TrainingSession.create(
      gpu,
      config(
        'v=1&data=mnist&mnist=1000&mnisttest=1000&net=16384-float-relu,16384-float-relu&replicas=256&epochs=1',
      ),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(BudgetError);
    expect(err.message).toMatch(
      /hidden layer 2's weights \(256 replicas × 16384 × 16384\) needs a buffer of 256\.0 GiB/,
    );
    expect(performance.now() - t0).toBeLessThan(5000); // nothing was loaded or filled
  });
});
