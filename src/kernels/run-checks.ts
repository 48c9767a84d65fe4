/**
 * Runs kernel checks one after another (the in-browser self-check and the test suite use the same
 * checks). Each case gets its own seeded stream, so a failure can be reproduced from its label alone.
 */

import type { Gpu } from '../gpu/device.ts';
import { Rng } from '../util/rng.ts';
import type { KernelCheck } from './types.ts';

export interface CheckResult {
  kernel: string;
  version: string;
  case: string;
  exact: boolean;
  ok: boolean;
  /** One line per compared tensor, or the error message. */
  details: string[];
}

export const CHECK_SEED = 1234;

/** The stream a check case draws its inputs from. */
export function checkRng(check: KernelCheck, caseLabel: string): Rng {
  return new Rng(CHECK_SEED).derive(`${check.kernel} ${caseLabel}`);
}

export async function runChecks(
  gpu: Gpu,
  checks: readonly KernelCheck[],
  options: { quick?: boolean; onResult?: (r: CheckResult) => void } = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    for (const version of check.versions) {
      for (const c of check.cases) {
        if (options.quick && !c.quick) continue;
        let result: CheckResult;
        try {
          const comparisons = await check.run(gpu, version, c, checkRng(check, c.label));
          result = {
            kernel: check.kernel,
            version,
            case: c.label,
            exact: check.exact,
            ok: comparisons.length > 0 && comparisons.every((x) => x.ok),
            details: comparisons.map((x) => x.summary),
          };
        } catch (e) {
          result = {
            kernel: check.kernel,
            version,
            case: c.label,
            exact: check.exact,
            ok: false,
            details: [String(e)],
          };
        }
        results.push(result);
        options.onResult?.(result);
      }
    }
  }
  return results;
}
