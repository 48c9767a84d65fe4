/**
 * End to end: the built app in Debian's Chromium finds a WebGPU adapter, runs the kernel self-check on
 * it (the #checks view) and shows every kernel matching its CPU reference. The playground is tested in
 * playground.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedApp, serveApp } from '../browser.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

describe('the app in Chromium', () => {
  it('shows the adapter and kernels verified against their CPU references', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}#checks`);
    const adapter = page.getByTestId('adapter');
    await adapter.waitFor({ timeout: 60_000 });
    expect(await adapter.textContent()).toMatch(/Adapter: .+/);
    const summary = page.getByTestId('check-summary');
    await expect
      .poll(async () => (await summary.textContent())?.trim() ?? '', { timeout: 120_000, interval: 500 })
      .toMatch(/^(\d+) of \1 match their CPU reference$/);
    const rows = page.getByTestId('check-row');
    expect(await rows.count()).toBeGreaterThan(3);
    const xnor = page
      .locator('[data-testid="check-row"][data-kernel="xnor_gemm"][data-version="v1"]')
      .first();
    expect(await xnor.getAttribute('data-ok')).toBe('true');
    expect(await xnor.textContent()).toContain('exact match');
    const bits12 = page.locator('[data-testid="dataset-source"][data-name="bits12"]');
    expect(await bits12.textContent()).toMatch(
      /reconstructed .* rule that reproduces the original 4096 labels/,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says how to get WebGPU when the browser has none', async () => {
    const page = await app.browser.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });
    });
    await page.goto(app.url);
    const error = page.getByTestId('gpu-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(
      /WebGPU is not available.*Chrome or Edge.*enable-unsafe-webgpu/s,
    );
    await page.close();
  });
});
