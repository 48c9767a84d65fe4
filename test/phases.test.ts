import { describe, expect, it } from 'vitest';
import { phaseMeasures, summarizePhases } from '../src/info/phases.ts';

describe('phase measures (docs/METHOD.md §1)', () => {
  it('a DNN-like path: fit with expansion, then compress', () => {
    const epochs = [0, 1, 2, 4, 8, 16];
    const ixt = [2, 4, 6, 5, 4, 3]; // peaks at epoch 2, falls after
    const ity = [0.1, 0.5, 0.9, 0.95, 0.98, 1]; // 90 % of 1 first at epoch 2
    expect(phaseMeasures(epochs, ixt, ity)).toEqual({ ixtPeakEpoch: 2, ity90Epoch: 2, jointShare: 3 / 5 });
  });

  it('a BNN-like path: I(X;T) falls from the start while I(T;Y) rises', () => {
    const m = phaseMeasures([0, 1, 2, 3], [6, 5, 4, 3], [0.2, 0.4, 0.6, 0.8]);
    expect(m).toEqual({ ixtPeakEpoch: 0, ity90Epoch: 3, jointShare: 1 });
  });

  it('ties pick the first peak; a flat path has no joint steps', () => {
    expect(phaseMeasures([0, 5, 10], [3, 3, 3], [1, 1, 1])).toEqual({
      ixtPeakEpoch: 0,
      ity90Epoch: 0,
      jointShare: 0,
    });
    expect(() => phaseMeasures([0, 1], [1], [1, 2])).toThrow(/2 epochs, 1 I\(X;T\)/);
  });

  it('summarizes over replicas per layer', () => {
    const epochs = [0, 1, 2];
    // [replica][epoch][layer]
    const ixt = [
      [
        [1, 5],
        [2, 4],
        [3, 3],
      ],
      [
        [1, 5],
        [3, 4],
        [2, 3],
      ],
    ];
    const ity = [
      [
        [0, 0],
        [0.5, 0.5],
        [1, 1],
      ],
      [
        [0, 0],
        [1, 0.5],
        [1, 1],
      ],
    ];
    const s = summarizePhases(epochs, ixt, ity);
    expect(s[0].ixtPeakEpoch).toEqual({ mean: 1.5, min: 1, max: 2 });
    expect(s[1].jointShare).toEqual({ mean: 1, min: 1, max: 1 });
  });
});

describe('phase measures: edge cases', () => {
  it('an I(T;Y) that stays below 0 (Miller–Madow) takes its maximum; long runs do not overflow the stack', () => {
    expect(phaseMeasures([0, 1, 2], [1, 1, 1], [-0.3, -0.1, -0.2]).ity90Epoch).toBe(1);
    const n = 300_000;
    const epochs = Array.from({ length: n }, (_, i) => i);
    const m = phaseMeasures(
      epochs,
      epochs.map((e) => -e),
      epochs.map((e) => e),
    );
    expect(m).toEqual({ ixtPeakEpoch: 0, ity90Epoch: Math.ceil(0.9 * (n - 1)), jointShare: 1 });
  });
});
