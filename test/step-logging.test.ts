/**
 * Step-level logging (log.steps / log.stepEpochs, link keys logsteps and logstepepochs): evaluations after
 * every K minibatch steps of the first epochs, recorded at fractional epochs e − 1 + s/S; training is the
 * same as without them (the whole-epoch numbers are identical), and the study reads the fractional epochs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { parseLink, serializeLink } from '../src/run/link.ts';
import type { RunRecord } from '../src/run/record.ts';
import { TrainingSession } from '../src/run/session.ts';
import { parseRecord } from '../src/study/records.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

// bits12: 3277 training rows at batch 256 → S = 13 steps per epoch.
const BASE = 'v=1&seed=4&replicas=2&epochs=2';

async function run(link: string): Promise<RunRecord> {
  const { config, issues } = parseLink(link);
  expect(issues).toEqual([]);
  const session = await TrainingSession.create(gpu, config);
  try {
    await session.start();
    while (!session.done) await session.next();
    return session.record;
  } finally {
    session.dispose();
  }
}

describe('step-level logging', () => {
  it('the link keys round-trip; old links have neither field', () => {
    const link = `${BASE}&logsteps=4&logstepepochs=1`;
    expect(serializeLink(parseLink(link).config)).toBe(link);
    const log = parseLink(BASE).config.log;
    expect('steps' in log || 'stepEpochs' in log).toBe(false);
  });

  it('logs fractional epochs within the first epoch and trains exactly as without them', async () => {
    const plain = await run(BASE);
    const stepped = await run(`${BASE}&logsteps=4`);
    expect(stepped.epochs).toEqual([0, 4 / 13, 8 / 13, 12 / 13, 1, 2]);
    const at = (r: RunRecord, e: number) => r.epochs.indexOf(e);
    for (const k of ['train_loss', 'test_loss', 'train_acc', 'test_acc'] as const) {
      for (const e of [0, 1, 2])
        for (let r = 0; r < 2; r++)
          expect(stepped.metrics[k][r][at(stepped, e)]).toBe(plain.metrics[k][r][at(plain, e)]);
    }
    for (let r = 0; r < 2; r++) {
      expect(stepped.info.ixt[r]).toHaveLength(6);
      const loss = stepped.metrics.train_loss[r];
      expect(loss[1]).not.toBe(loss[0]);
      expect(loss[1]).not.toBe(loss[4]);
    }
    const parsed = parseRecord(JSON.parse(JSON.stringify(stepped)), 'stepped.json');
    expect(parsed.replicas[0].epochs).toEqual(stepped.epochs);
  }, 300_000);
});
