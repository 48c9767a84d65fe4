/**
 * End to end, the capacity dial in the playground (Chromium, WebGPU on SwiftShader): the 4-bit preset
 * sets every hidden layer to 4-bit weights and activations (the link carries it), the optimizer select
 * offers Bop with its threshold τ (a τ of 0 is marked invalid), and a tiny run of that network with Bop
 * trains to the end without errors.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServedApp, serveApp } from '../browser.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

const state = (page: Page) => page.getByTestId('run-state').first().getAttribute('data-state');

it('4-bit preset, Bop with τ, a tiny run to the end', async () => {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.url}#v=1&epochs=2&replicas=1`);
  await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
  await page.getByTestId('preset-q4').click();
  await expect
    .poll(() => page.url())
    .toContain('net=10-q4-bn-q4,7-q4-bn-q4,5-q4-bn-q4,4-q4-bn-q4,3-q4-bn-q4');
  expect(await page.getByLabel('layer 1 weights').inputValue()).toBe('q4');
  expect(await page.getByLabel('layer 1 activation').inputValue()).toBe('q4');
  // Bop needs binary weights: make the first layer binary.
  await page.getByLabel('layer 1 weights').selectOption('binary');
  await page.locator('[data-field="optimizer.name"]').selectOption('bop');
  await expect.poll(() => page.url()).toContain('opt=bop');
  const tau = page.locator('[data-field="optimizer.tau"]');
  await tau.fill('0');
  await tau.press('Tab');
  await expect.poll(() => tau.getAttribute('aria-invalid')).toBe('true');
  await tau.fill('0.000001');
  await tau.press('Tab');
  await expect.poll(() => page.url()).toContain('tau=0.000001');
  await page.getByTestId('play').click();
  await expect.poll(() => state(page), { timeout: 120_000, interval: 250 }).toBe('done');
  expect(errors).toEqual([]);
  await page.close();
});
