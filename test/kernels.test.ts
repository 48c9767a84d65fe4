/**
 * Every registered kernel × version × case against its CPU reference on seeded inputs, on the real
 * adapter (SwiftShader on a machine without a GPU). Integer kernels exactly, float kernels within the
 * tolerance each check states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { KERNEL_CHECKS } from '../src/kernels/index.ts';
import { checkRng } from '../src/kernels/run-checks.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

for (const check of KERNEL_CHECKS) {
  describe(check.kernel, () => {
    for (const version of check.versions) {
      for (const c of check.cases) {
        it(`${version} ${c.label}`, async () => {
          const results = await check.run(gpu, version, c, checkRng(check, c.label));
          expect(results.length).toBeGreaterThan(0);
          for (const r of results) expect(r.ok, r.summary).toBe(true);
        });
      }
    }
  });
}
