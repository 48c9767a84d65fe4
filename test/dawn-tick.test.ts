/**
 * src/gpu/dawn-tick.ts: the throttle of Dawn's polling ticks. The rule with a fake clock, and that the
 * installed global still runs ordinary callbacks at once and still gets the binding's ticks through (a
 * GPU wait completes).
 */
import { describe, expect, it } from 'vitest';
import { CHAIN_GAP_MS, isNativeTick, SPIN_MS, throttledImmediate } from '../src/gpu/dawn-tick.ts';
import { testGpu } from './gpu.ts';

describe('Dawn tick throttle', () => {
  it('recognises a nameless native function, and nothing written in JS', () => {
    // A bound function is native-looking but named 'bound …'; Dawn's tick is nameless.
    expect(isNativeTick(() => {})).toBe(false);
    expect(isNativeTick(function named() {})).toBe(false);
    expect(isNativeTick(Math.max)).toBe(false);
    expect(isNativeTick((() => {}).bind(null))).toBe(false);
  });

  it('spins for SPIN_MS of a chain of ticks, then waits a timer; a gap starts a new chain', () => {
    let clock = 0;
    const calls: string[] = [];
    const tick = () => {};
    const schedule = throttledImmediate(
      () => calls.push('now'),
      () => calls.push('later'),
      () => clock,
      (fn) => fn === tick,
    );
    schedule(tick); // chain starts at 0
    clock = SPIN_MS / 2;
    schedule(tick);
    clock = SPIN_MS + 0.5;
    schedule(tick);
    schedule(() => {}); // another callback is never delayed
    clock += 1;
    schedule(tick);
    clock += CHAIN_GAP_MS + 1; // the wait ended; a new one starts
    schedule(tick);
    expect(calls).toEqual(['now', 'now', 'later', 'now', 'later', 'now']);
  });

  it('installed by the Node provider, it leaves setImmediate working and GPU waits completing', async () => {
    const gpu = await testGpu();
    try {
      const order: string[] = [];
      await new Promise<void>((done) =>
        setImmediate((a: string) => {
          order.push(a);
          done();
        }, 'ran'),
      );
      expect(order).toEqual(['ran']);
      const buf = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ });
      await buf.mapAsync(GPUMapMode.READ); // completes only through the binding's ticks
      expect(new Float32Array(buf.getMappedRange())).toEqual(new Float32Array(4));
      buf.destroy();
      await gpu.device.queue.onSubmittedWorkDone();
    } finally {
      gpu.destroy();
    }
  });
});
