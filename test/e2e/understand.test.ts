/**
 * End to end: understanding a run before and while it trains (issue #16 point 5), in Debian's Chromium:
 * the "What am I looking at?" panel and its guided example, the time estimate before Play (from the
 * pace measured on this adapter), and the warning for a network far too small for its dataset.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedApp, serveApp } from '../browser.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

async function open(page: Page, fragment: string) {
  await page.goto(`${app.url}#${fragment}`);
  await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
}

describe('understanding the run', () => {
  it('explainer, guided example, time estimate and the too-small warning', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await open(page, 'v=1&replicas=1&epochs=40');
    // No warning for the 12-bit task; no estimate before anything trained here.
    expect(await page.getByTestId('capacity-warning').count()).toBe(0);
    const estimate = page.getByTestId('run-estimate');
    expect(await estimate.textContent()).toMatch(/after a first epoch/);
    // One epoch measures this adapter's pace; after a reset the run's time is estimated.
    await page.getByTestId('step').click();
    await expect
      .poll(() => page.getByTestId('epoch').textContent(), { timeout: 60_000 })
      .toContain('epoch 1 / 40');
    await page.getByTestId('reset').click();
    await expect.poll(() => estimate.textContent()).toMatch(/^about \d+:\d\d on this adapter/);
    // The estimate survives a reload (kept per adapter) and scales with the epochs.
    await page.reload();
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    const seconds = async () => {
      const m = /about (\d+):(\d\d)/.exec((await page.getByTestId('run-estimate').textContent()) ?? '');
      return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
    };
    await expect.poll(seconds).toBeGreaterThan(0);
    const s40 = await seconds();
    await open(page, 'v=1&replicas=1&epochs=400');
    // Ten times the epochs, ten times the time, less 10 % and the rounding of both shown values to a
    // second (the fused trainer made s40 small enough, ~2 s, for rounding alone to cost a whole 9×).
    await expect.poll(seconds).toBeGreaterThanOrEqual(9 * s40 - 5);
    // The explainer and its example.
    await page.getByText('What am I looking at?').click();
    expect(await page.getByTestId('explainer').textContent()).toMatch(
      /I\(X;T\).*Compression.*log₂N.*hollow.*sign pattern/s,
    );
    await page.getByTestId('explainer-example').click();
    await expect
      .poll(() => page.url())
      .toContain('net=10-float-tanh,7-float-tanh,5-float-tanh,4-float-tanh,3-float-tanh');
    // MNIST with the 12-bit-sized network: warned.
    await open(page, 'v=1&data=mnist&replicas=1&epochs=3');
    const warnings = page.getByTestId('capacity-warning');
    await expect.poll(() => warnings.count()).toBeGreaterThan(0);
    expect(await warnings.allTextContents()).toContain(
      'Network too small: layer 5 has 3 sign units: at most 8 codes for 10 classes, so it cannot keep them apart.',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
