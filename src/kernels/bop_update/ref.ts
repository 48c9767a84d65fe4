/**
 * CPU reference of shaders/bop_update.wgsl (Bop: Helwegen et al. 2019, "Latent Weights Do Not Exist";
 * Larq's `Bop`). Plain float64 loops over flat arrays (every replica's binary weights); it updates w and
 * m in place, like the kernel.
 */

/** Larq's defaults: threshold τ = 1e-8 and adaptivity rate γ = 1e-4 (Helwegen et al. use τ 1e-8…1e-6). */
export const LARQ_BOP = { tau: 1e-8, gamma: 1e-4 } as const;

/** §2's sign: +1 for x ≥ 0 (so −0 and 0 count as +1), else −1. */
const signOf = (x: number): number => (x >= 0 ? 1 : -1);

/** Whether Bop flips a weight w whose gradient average is m: |m| > τ and m points the same way as w. */
export function bopFlips(w: number, m: number, tau: number): boolean {
  return Math.abs(m) > tau && signOf(m) === signOf(w);
}

/** m ← (1 − γ)·m + γ·g; w ← −w where bopFlips(w, m, τ). `decay` is 1 − γ as the kernel gets it (f32). */
export function bopUpdateRef(
  w: Float64Array,
  m: Float64Array,
  g: ArrayLike<number>,
  gamma: number,
  tau: number,
  decay = 1 - gamma,
): void {
  for (let i = 0; i < w.length; i++) {
    m[i] = decay * m[i] + gamma * g[i];
    if (bopFlips(w[i], m[i], tau)) w[i] = -w[i];
  }
}

/** The hyper-parameters' checks, shared by the wrapper and the run configuration. */
export function bopProblem(gamma: number, tau: number): string | undefined {
  if (!(Number.isFinite(tau) && tau > 0))
    return `the Bop threshold tau must be a finite number > 0, got ${tau}`;
  if (!(Number.isFinite(gamma) && gamma > 0 && gamma <= 1)) {
    return `the Bop adaptivity rate gamma must be in (0, 1], got ${gamma}`;
  }
  return undefined;
}
