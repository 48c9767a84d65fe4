/**
 * How the fused trainer splits an epoch into dispatches (src/nn/fused-trainer.ts `adapt`): pure, so the
 * rule is tested without a GPU. The split changes no number, only how long one dispatch runs.
 */

/** A dispatch aims at this many milliseconds (a browser's watchdog fires after seconds). */
export const DISPATCH_TARGET_MS = 100;

/** Fewest workgroups a replica group may have before steps are split instead (fills a CPU's cores). */
const MIN_GROUP = 8;

/** How `budget` replica-steps per dispatch split an epoch of R replicas × nSteps steps (see adapt). */
export function fusedSplit(
  budget: number,
  R: number,
  nSteps: number,
): { replicasPerDispatch: number; stepsPerDispatch: number } {
  if (budget >= R * nSteps) return { replicasPerDispatch: R, stepsPerDispatch: nSteps };
  const group = Math.floor(budget / nSteps);
  if (group >= Math.min(R, MIN_GROUP)) return { replicasPerDispatch: group, stepsPerDispatch: nSteps };
  const steps = Math.floor(budget / R);
  if (steps >= 1) return { replicasPerDispatch: R, stepsPerDispatch: steps };
  return { replicasPerDispatch: Math.max(1, Math.floor(budget)), stepsPerDispatch: 1 };
}
