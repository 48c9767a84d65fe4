/**
 * The kernel registry (src/kernels/index.ts), family by family: every kernel × version × case of each
 * family's checks against its CPU reference on seeded inputs, on the real adapter (SwiftShader on a
 * machine without a GPU). Integer kernels exactly, float kernels within the tolerance each check states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { KERNEL_CHECKS, KERNEL_SPECS } from '../src/kernels/index.ts';
import { checkRng } from '../src/kernels/run-checks.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

it('the registry checks each kernel once, in every version its wrapper has', () => {
  expect(new Set(KERNEL_CHECKS.map((c) => c.kernel)).size).toBe(KERNEL_CHECKS.length);
  for (const spec of KERNEL_SPECS) {
    for (const check of spec.checks) {
      const def = spec.kernels.find((k) => k.name === check.kernel);
      expect(def, `${check.kernel} is a kernel of ${spec.family}`).toBeDefined();
      expect([...check.versions].sort()).toEqual(Object.keys(def!.versions).sort());
    }
  }
});

for (const spec of KERNEL_SPECS) {
  for (const check of spec.checks) {
    describe(`${spec.family} ${check.kernel}`, () => {
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
}
