/**
 * The app's transport (src/run/controller.ts) on the real adapter: play, pause, step, a lost device,
 * a diverging run, reset while an epoch is in flight, and the comparison's two sessions in step. A run
 * played with pauses and steps gives the same numbers as one run straight through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { RunController, type TransportView } from '../src/run/controller.ts';
import { parseLink } from '../src/run/link.ts';
import { comparisonConfigs } from '../src/run/presets.ts';
import type { RunRecord } from '../src/run/record.ts';
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

const TINY = 'v=1&data=xor&samples=80&net=4-float-tanh,3-bin-bn-ste_sign&replicas=2&epochs=4&batch=16';

/** The record without its timings (the only part that differs between identical runs). */
const numbers = (r: RunRecord) => ({ ...r, timing: null });

describe('run controller', () => {
  it('plays to the end, with updates along the way, and matches a straight run', async () => {
    const views: TransportView[] = [];
    const c = new RunController(gpu, [config(TINY)], { onUpdate: (v) => views.push(v) });
    await c.play();
    const v = c.view;
    expect(v.state).toBe('done');
    expect(v.epoch).toBe(4);
    expect(v.records[0].epochs).toEqual([0, 1, 2, 3, 4]);
    expect(views.map((x) => x.state)).toContain('loading');
    expect(views.map((x) => x.state)).toContain('running');
    expect(views.at(-1)?.state).toBe('done');
    // While preparing, the view names the step under way (and only then).
    const stages = views.filter((x) => x.stage).map((x) => `${x.state}: ${x.stage}`);
    expect(stages).toContain('loading: loading the xor data and building run 1 of 1');
    expect(stages).toContain('loading: evaluating and estimating epoch 0 of run 1 of 1');
    expect(views.every((x) => x.state === 'loading' || x.stage === undefined)).toBe(true);
    const revisions = views.map((x) => x.revision);
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
    expect(v.eta_s).toBe(0);
    const straight = await runTraining(gpu, config(TINY));
    expect(numbers(v.records[0])).toEqual(numbers(straight));
    await c.dispose();
  });

  it('steps one epoch at a time, pauses and resumes, and still gives the same numbers', async () => {
    const c = new RunController(gpu, [config(TINY)]);
    await c.step();
    expect(c.view.epoch).toBe(1);
    expect(c.view.state).toBe('paused');
    expect(c.view.records[0].epochs).toEqual([0, 1]);
    await c.step();
    expect(c.view.epoch).toBe(2);
    const playing = c.play();
    c.pause();
    await playing;
    expect(c.view.state).toBe('paused');
    expect(c.view.epoch).toBe(3); // the epoch in flight finishes
    await c.play();
    expect(c.view.state).toBe('done');
    const straight = await runTraining(gpu, config(TINY));
    expect(numbers(c.view.records[0])).toEqual(numbers(straight));
    await c.step(); // over: nothing happens
    expect(c.view.epoch).toBe(4);
    await c.dispose();
  });

  it('a lost device stops the run with its message and keeps the records', async () => {
    const c = new RunController(gpu, [config(TINY)]);
    await c.step();
    c.fail('The GPU device was lost (test).');
    expect(c.view.state).toBe('stopped');
    expect(c.view.message).toBe('The GPU device was lost (test).');
    expect(c.view.records[0].status).toBe('interrupted');
    expect(c.view.records[0].epochs).toEqual([0, 1]);
    await c.play();
    expect(c.view.epoch).toBe(1);
    await c.dispose();
  });

  it('a diverging run stops with the session message, keeping the epochs before', async () => {
    const c = new RunController(gpu, [
      config('v=1&data=digits&net=16-float-linear,16-float-linear&opt=sgd&lr=10&epochs=30&replicas=1'),
    ]);
    await c.play();
    expect(c.view.state).toBe('stopped');
    expect(c.view.message).toMatch(/training diverged: the loss of replica 0 is/);
    expect(c.view.records[0].status).toBe('diverged');
    expect(Number.isFinite(c.view.records[0].metrics.train_loss[0][0])).toBe(true);
    await c.dispose();
  });

  it('reset (dispose) during an epoch waits for it and sends no more updates', async () => {
    let after = 0;
    let disposed = false;
    const c = new RunController(gpu, [config(TINY)], {
      onUpdate: () => {
        if (disposed) after++;
      },
    });
    const playing = c.play();
    await new Promise((r) => setTimeout(r, 50));
    disposed = true;
    await c.dispose();
    await playing;
    expect(after).toBe(0);
  });

  it('a configuration that cannot be created stops with its message', async () => {
    const files = {
      kind: 'browser' as const,
      read: () => Promise.reject(new Error('HTTP 404 digits.csv.gz')),
    };
    const c = new RunController(gpu, [config('v=1&data=digits')], { files });
    await c.step();
    expect(c.view.state).toBe('stopped');
    expect(c.view.message).toBe('training stopped: HTTP 404 digits.csv.gz');
    expect(c.view.records).toEqual([]);
    await c.dispose();
  });

  it('advances the comparison’s DNN and BNN together', async () => {
    const { dnn, bnn } = comparisonConfigs(config(TINY));
    const c = new RunController(gpu, [dnn, bnn]);
    await c.step();
    await c.step();
    expect(c.view.records.map((r) => r.epochs)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(c.view.records[0].layers[0].binary).toBe(false);
    expect(c.view.records[1].layers[0].binary).toBe(true);
    await c.dispose();
  });
});
