/**
 * The batch-norm backward reference (src/kernels/batchnorm/ref.ts) against central finite differences of the
 * training-mode forward reference, in float64: L = Σ w·y for fixed random w, so dL/dy = w.
 *
 * Tolerance: central differences have truncation error O(h²·|L'''|) and rounding error O(eps64·|L|/h);
 * with h = 1e-5 and |L| ~ 10 both are ≲ 1e-9, so |analytic − numeric| ≤ 1e-7 + 1e-6·|analytic|.
 * (The GPU kernel is checked against this same reference in src/kernels/batchnorm/spec.ts.)
 */
import { describe, expect, it } from 'vitest';
import { batchnormBackwardRef, batchnormForwardRef } from '../src/kernels/batchnorm/ref.ts';
import { reduceRowsRef } from '../src/kernels/reduce_rows/ref.ts';
import { Rng } from '../src/util/rng.ts';

const H = 1e-5;
const close = (analytic: number, numeric: number) =>
  Math.abs(analytic - numeric) <= 1e-7 + 1e-6 * Math.abs(analytic);

function setup(R: number, B: number, N: number) {
  const rng = new Rng(7).derive(`batchnorm grad R=${R} B=${B} N=${N}`);
  const fl = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => rng.range(lo, hi));
  return {
    x: fl(R * B * N, -2, 3),
    gamma: fl(R * N, 0.5, 1.5),
    beta: fl(R * N, -0.5, 0.5),
    w: fl(R * B * N, -1, 1),
    rm: new Array(R * N).fill(0),
    rv: new Array(R * N).fill(1),
  };
}

describe('batchnorm backward reference vs central finite differences', () => {
  for (const [R, B, N] of [
    [2, 2, 1],
    [2, 3, 2],
    [1, 5, 3],
  ]) {
    it(`R=${R} B=${B} N=${N}`, () => {
      const s = setup(R, B, N);
      const loss = (x: number[], gamma: number[], beta: number[]) => {
        const { y } = batchnormForwardRef(x, gamma, beta, s.rm, s.rv, R, B, N, { training: true });
        return y.reduce((acc, v, i) => acc + s.w[i] * v, 0);
      };
      const fwd = batchnormForwardRef(s.x, s.gamma, s.beta, s.rm, s.rv, R, B, N, { training: true });
      const g = batchnormBackwardRef(s.w, s.x, s.gamma, fwd.mean, fwd.invstd, R, B, N);
      const numeric = (which: 'x' | 'gamma' | 'beta', i: number) => {
        const at = (d: number) => {
          const args = { x: [...s.x], gamma: [...s.gamma], beta: [...s.beta] };
          args[which][i] += d;
          return loss(args.x, args.gamma, args.beta);
        };
        return (at(H) - at(-H)) / (2 * H);
      };
      const bad: string[] = [];
      const check = (which: 'x' | 'gamma' | 'beta', analytic: Float64Array) => {
        analytic.forEach((a, i) => {
          const n = numeric(which, i);
          if (!close(a, n)) bad.push(`d${which}[${i}]: backward ${a}, finite difference ${n}`);
        });
      };
      check('x', g.dx);
      check('gamma', g.dgamma);
      check('beta', g.dbeta);
      expect(bad, bad.join('\n')).toEqual([]);
      // dx sums to 0 over the batch (the mean is subtracted), a property the formula must keep.
      for (const v of reduceRowsRef(g.dx, R, B, N)) expect(Math.abs(v)).toBeLessThan(1e-12);
    });
  }

  it('training with B = 1 is refused', () => {
    const s = setup(2, 1, 3);
    expect(() => batchnormForwardRef(s.x, s.gamma, s.beta, s.rm, s.rv, 2, 1, 3, { training: true })).toThrow(
      /at least 2/,
    );
  });
});
