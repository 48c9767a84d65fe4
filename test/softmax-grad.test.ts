/**
 * The softmax cross-entropy reference (src/kernels/softmax_xent/ref.ts) against central finite differences of
 * its own loss, and its edge cases (ties, bad labels, huge logits, C = 1). Also two identities of the
 * optimizer references (src/kernels/sgd_update/ref.ts and adam_update/ref.ts). CPU only: these pin down the spec the GPU is checked
 * against.
 */
import { describe, expect, it } from 'vitest';
import { adamUpdateRef } from '../src/kernels/adam_update/ref.ts';
import { sgdUpdateRef } from '../src/kernels/sgd_update/ref.ts';
import { softmaxXentRef } from '../src/kernels/softmax_xent/ref.ts';
import { Rng } from '../src/util/rng.ts';

/** Mean loss over the minibatch: L = scale·Σ_b loss[r, b] per replica, scale = 1/B. */
function meanLoss(z: Float64Array, y: Uint32Array, R: number, B: number, C: number, r: number): number {
  const { loss } = softmaxXentRef(z, y, R, B, C, 1 / B);
  let s = 0;
  for (let b = 0; b < B; b++) s += loss[r * B + b];
  return s / B;
}

describe('softmaxXentRef gradient', () => {
  // Central differences in float64 with h = 1e-5: truncation ≈ h²·|L'''|/6 ≤ 1e-10 (softmax's third
  // derivatives are O(1)), rounding ≈ 1e-16·|L|/h ≤ 1e-9 for |L| ≤ 100. So 1e-7 absolute is loose
  // enough to be robust and tight enough to catch a missing 1/B, a wrong sign or a wrong class.
  const h = 1e-5;
  for (const [C, amp] of [
    [1, 4],
    [2, 4],
    [10, 4],
    [37, 4],
    [10, 100],
  ]) {
    it(`matches central differences for C=${C}, logits in ±${amp}`, () => {
      const rng = new Rng(7).derive(`softmax grad C=${C} amp=${amp}`);
      const R = 2;
      const B = 3;
      const z = Float64Array.from(rng.floats(R * B * C, -amp, amp));
      const y = Uint32Array.from({ length: R * B }, () => rng.int(0, C - 1));
      const { dlogits } = softmaxXentRef(z, y, R, B, C, 1 / B);
      for (let i = 0; i < z.length; i++) {
        const r = Math.floor(i / (B * C));
        const zi = z[i];
        z[i] = zi + h;
        const up = meanLoss(z, y, R, B, C, r);
        z[i] = zi - h;
        const down = meanLoss(z, y, R, B, C, r);
        z[i] = zi;
        expect(Math.abs((up - down) / (2 * h) - dlogits[i]), `logit ${i}`).toBeLessThan(1e-7);
      }
    });
  }

  it('rows of dlogits sum to zero and the label entry is the only negative one', () => {
    const rng = new Rng(8);
    const R = 2;
    const B = 5;
    const C = 10;
    const z = rng.floats(R * B * C, -4, 4);
    const y = Uint32Array.from({ length: R * B }, () => rng.int(0, C - 1));
    const { dlogits } = softmaxXentRef(z, y, R, B, C, 1);
    for (let row = 0; row < R * B; row++) {
      let s = 0;
      for (let c = 0; c < C; c++) {
        const d = dlogits[row * C + c];
        s += d;
        expect(d < 0).toBe(c === y[row]);
      }
      expect(Math.abs(s)).toBeLessThan(1e-15);
    }
  });
});

describe('softmaxXentRef edge cases', () => {
  it('ties in the argmax go to the lowest index', () => {
    const z = [1, 3, 3, 0, 2, 2, 2, 2];
    const { correct } = softmaxXentRef(z, [1, 2, 0, 3], 1, 2, 4, 1);
    expect(Array.from(correct)).toEqual([1, 0]); // row 0: argmax 1 (not 2); row 1: argmax 0 (not 3)
    expect(Array.from(softmaxXentRef(z, [2, 0], 1, 2, 4, 1).correct)).toEqual([0, 1]);
  });

  it('logits of ±100 give finite loss and gradient (no exp overflow)', () => {
    const { loss, dlogits } = softmaxXentRef([100, -100, 99, -100, 100, 0], [1, 0], 1, 2, 3, 0.5);
    expect(loss[0]).toBeCloseTo(200 + Math.log(1 + Math.exp(-1)), 12);
    expect(loss[1]).toBeCloseTo(200 + Math.log(1 + Math.exp(-100)), 12);
    for (const d of dlogits) expect(Number.isFinite(d)).toBe(true);
  });

  it('C = 1: zero loss, zero gradient, always correct', () => {
    const { loss, dlogits, correct } = softmaxXentRef([5, -3], [0, 0], 1, 2, 1, 0.5);
    expect(Array.from(loss)).toEqual([0, 0]);
    expect(Array.from(dlogits)).toEqual([0, 0]);
    expect(Array.from(correct)).toEqual([1, 1]);
  });

  it('a label ≥ C gives a NaN loss and NaN gradient row, correct 0, and leaves other rows alone', () => {
    const { loss, dlogits, correct } = softmaxXentRef([0, 1, 2, 0], [2, 1], 1, 2, 2, 1);
    expect(loss[0]).toBeNaN();
    expect(dlogits[0]).toBeNaN();
    expect(dlogits[1]).toBeNaN();
    expect(correct[0]).toBe(0);
    expect(loss[1]).toBeCloseTo(2 + Math.log(1 + Math.exp(-2)), 14);
    expect(correct[1]).toBe(0); // argmax of [2, 0] is 0, label 1
  });
});

describe('optimizer references', () => {
  it('Adam step 1 moves each weight by lr·g/(|g| + ε/sqrt(1 − β2)), at most lr', () => {
    // m = (1 − β1)g, v = (1 − β2)g², α_1 = lr·sqrt(1 − β2)/(1 − β1); Keras adds ε to sqrt(v) before
    // the bias correction, so step = lr·sqrt(1 − β2)·g/(sqrt(1 − β2)·|g| + ε).
    const g = [0.5, -2, 0, 1e-3];
    const w = new Float64Array(4);
    const m = new Float64Array(4);
    const v = new Float64Array(4);
    const [lr, eps] = [0.01, 1e-7];
    adamUpdateRef(w, m, v, g, { lr, beta1: 0.9, beta2: 0.999, eps, t: 1 });
    const s = Math.sqrt(0.001);
    g.forEach((gi, i) => {
      expect(w[i]).toBeCloseTo((-lr * s * gi) / (s * Math.abs(gi) + eps), 15);
      expect(Math.abs(w[i])).toBeLessThanOrEqual(lr);
    });
  });

  it('clipping keeps weights in [−c, c] after SGD and Adam steps', () => {
    const w = new Float64Array([0.95, -0.95, 0.2]);
    sgdUpdateRef(w, [-1, 1, 0], 0.1, 1);
    expect(Array.from(w)).toEqual([1, -1, 0.2]);
    const m = new Float64Array(3);
    const v = new Float64Array(3);
    adamUpdateRef(w, m, v, [-1, 1, -1], { lr: 0.5, beta1: 0.9, beta2: 0.999, eps: 1e-7, t: 1, clip: 0.5 });
    expect(Array.from(w)).toEqual([0.5, -0.5, 0.5]);
  });
});
