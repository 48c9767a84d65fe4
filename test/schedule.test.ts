import { describe, expect, it } from 'vitest';
import { loggedEpochs } from '../src/info/schedule.ts';

describe('logging schedules', () => {
  it('every k, with epoch 0 and the last epoch', () => {
    expect(loggedEpochs({ schedule: 'every', every: 1, points: 0 }, 3)).toEqual([0, 1, 2, 3]);
    expect(loggedEpochs({ schedule: 'every', every: 4, points: 0 }, 10)).toEqual([0, 4, 8, 10]);
    expect(loggedEpochs({ schedule: 'every', every: 5, points: 0 }, 0)).toEqual([0]);
  });

  it("IDNNs' log-spaced schedule: about 400 distinct epochs over 10,000, dense early", () => {
    const e = loggedEpochs({ schedule: 'idnn', every: 1, points: 400 }, 10000);
    expect(e[0]).toBe(0);
    expect(e[e.length - 1]).toBe(10000);
    expect(e.slice(0, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(e.length).toBeGreaterThan(250);
    expect(e.length).toBeLessThanOrEqual(402);
    expect(new Set(e).size).toBe(e.length);
  });

  it("Saxe's schedule", () => {
    const e = loggedEpochs({ schedule: 'saxe', every: 1, points: 0 }, 2500);
    expect(e.slice(0, 21)).toEqual([...Array(20).keys(), 20]);
    expect(e).toContain(95);
    expect(e).not.toContain(96);
    expect(e).toContain(1980);
    expect(e).not.toContain(1990);
    expect(e).toContain(2100);
    expect(e).not.toContain(2120);
    expect(e[e.length - 1]).toBe(2500);
  });
});
