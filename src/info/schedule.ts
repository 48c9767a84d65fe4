/**
 * Which epochs are logged (evaluated, and estimated in the information plane). Epoch 0 is the
 * initialisation and is always logged; so is the last epoch, so the final state is always seen.
 *
 *   every k — 0, k, 2k, …
 *   idnn    — IDNNs' log-spaced schedule: unique(floor(2^linspace(0, log2 E, points))), about 400 points
 *             for long runs (Shwartz-Ziv & Tishby's `np.unique(np.logspace(0, log2(E), 400, base=2, dtype=int))`)
 *   saxe    — Saxe et al.'s (ibsgd): every epoch below 20, every 5th below 100, every 20th below 2000, then
 *             every 100th
 */

export const SCHEDULES = ['every', 'idnn', 'saxe'] as const;
export type ScheduleKind = (typeof SCHEDULES)[number];

export interface Schedule {
  schedule: ScheduleKind;
  /** 'every': the interval k ≥ 1. */
  every: number;
  /** 'idnn': the number of log-spaced points before duplicates are removed. */
  points: number;
}

export function loggedEpochs(s: Schedule, epochs: number): number[] {
  const set = new Set<number>([0, epochs]);
  if (s.schedule === 'every') {
    for (let e = s.every; e <= epochs; e += s.every) set.add(e);
  } else if (s.schedule === 'idnn') {
    if (epochs >= 1) {
      const top = Math.log2(epochs);
      for (let i = 0; i < s.points; i++) {
        const x = s.points === 1 ? top : (top * i) / (s.points - 1);
        set.add(Math.min(epochs, Math.floor(2 ** x + 1e-9)));
      }
    }
  } else {
    for (let e = 0; e <= epochs; e++) {
      const keep = e < 20 || (e < 100 && e % 5 === 0) || (e < 2000 && e % 20 === 0) || e % 100 === 0;
      if (keep) set.add(e);
    }
  }
  return [...set].sort((a, b) => a - b);
}
