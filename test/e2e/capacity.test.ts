/**
 * End to end, the capacity dial (Chromium, WebGPU on SwiftShader). In the playground: the 4-bit preset
 * sets every hidden layer to 4-bit weights and activations (the link carries it), the optimizer select
 * offers Bop with its threshold τ (a τ of 0 is marked invalid), and a tiny run of that network with Bop
 * trains to the end without errors. The capacity view: the widths trained at k = 1, 2, 4, 8 and float,
 * five planes on the same axes with five accuracy read-outs, the view in the link (reloaded, and back
 * from another view); the editor's per-layer bit widths (1, 2, 4, 8, float) survive a reload.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunRecord } from '../../src/run/record.ts';
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

async function exportJson(page: Page, index: number): Promise<RunRecord> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(`export-json-${index}`).click(),
  ]);
  return JSON.parse(readFileSync((await download.path())!, 'utf8'));
}

it('the capacity view trains k = 1, 2, 4, 8 and float on shared axes; the link carries the view', async () => {
  const page = await app.browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.url}#v=1&epochs=3&replicas=1`);
  await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
  // The editor offers every bit width per layer, and a reload keeps it (the link carries it).
  const weights = await page.getByLabel('layer 2 weights').locator('option').allTextContents();
  expect(weights).toEqual(['float', '1-bit', 'ternary', '2-bit', '4-bit', '8-bit']);
  await page.getByLabel('layer 2 weights').selectOption('q8');
  await page.getByLabel('layer 2 activation').selectOption('q8');
  await expect.poll(() => page.url()).toMatch(/net=10-bin-bn-ste_sign,7-q8-bn-q8,/);
  await page.reload();
  await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
  expect(await page.getByLabel('layer 2 weights').inputValue()).toBe('q8');
  expect(await page.getByLabel('layer 2 activation').inputValue()).toBe('q8');

  // The capacity view from the header: the same link after #capacity.
  await page.getByTestId('view-capacity').click();
  await expect.poll(() => page.url()).toMatch(/#capacity&v=1&.*epochs=3/);
  const link = page.url().split('#')[1];
  // The URL changes before Lit renders the header and the view: wait for them (seen racing in CI).
  await expect.poll(() => page.getByTestId('view-capacity').getAttribute('aria-current')).toBe('page');
  await expect.poll(() => page.locator('capacity-view info-plane').count()).toBe(5);
  await page.getByTestId('play').click();
  await expect
    .poll(() => page.getByTestId('run-state').first().getAttribute('data-state'), {
      timeout: 240_000,
      interval: 250,
    })
    .toBe('done');

  // Five planes, every one drawn, all on the same axes.
  const planes = page.locator('capacity-view [data-testid="info-plane"]');
  expect(await planes.count()).toBe(5);
  const ranges = await planes.evaluateAll((els) =>
    els.map((e) => [
      e.getAttribute('data-x-range'),
      e.getAttribute('data-y-range'),
      Number(e.getAttribute('data-points')),
    ]),
  );
  for (const [x, y, points] of ranges) {
    expect(x).toBe(ranges[0][0]);
    expect(y).toBe(ranges[0][1]);
    expect(points).toBeGreaterThan(0);
  }
  expect(Number(String(ranges[0][0]).split(',')[1])).toBeGreaterThan(0);
  // The ranges are the view's shared ones, handed to every plane (not each plane's own fit).
  const given = await page
    .locator('capacity-view info-plane')
    .evaluateAll((els) =>
      els.map(
        (e) =>
          JSON.stringify((e as unknown as { xRange?: number[]; yRange?: number[] }).xRange) +
          JSON.stringify((e as unknown as { yRange?: number[] }).yRange),
      ),
    );
  expect(given.every((g) => g === given[0] && !g.includes('undefined'))).toBe(true);
  expect(given[0]).toBe(`[${ranges[0][0]}][${ranges[0][1]}]`);
  const headings = await page
    .locator('capacity-view info-plane')
    .evaluateAll((els) => els.map((e) => e.getAttribute('heading')));
  expect(headings).toEqual(
    ['k = 1 (BNN)', 'k = 2', 'k = 4', 'k = 8', 'float'].map((k) => `${k}: information plane`),
  );
  // Five accuracy read-outs, at the last epoch, with the legend's names.
  const acc = page.getByTestId('capacity-accuracy');
  expect(await acc.count()).toBe(5);
  for (const text of await acc.allTextContents())
    expect(text).toMatch(/^train [\d.]+ · test [\d.]+ \(epoch 3\)$/);
  expect(await page.getByTestId('capacity-legend').textContent()).toMatch(
    /k = 1 \(BNN\).*k = 2.*k = 4.*k = 8.*float/s,
  );

  // What was trained: the same seed and epochs, the layer kinds of each k.
  const records: RunRecord[] = [];
  for (const i of [0, 1, 2, 3, 4]) records.push(await exportJson(page, i)); // one download at a time
  const kinds = records.map((r) =>
    r.config.network.hidden.map((l) => `${l.weights}-${l.batchNorm}-${l.activation}`),
  );
  expect(kinds.map((k) => k[1])).toEqual([
    'binary-true-ste_sign',
    'q2-true-q2',
    'q4-true-q4',
    'q8-true-q8',
    'float-true-hardtanh',
  ]);
  expect(kinds.every((k) => new Set(k).size === 1)).toBe(true); // every hidden layer alike
  expect(
    records.every(
      (r) => r.config.seed === records[0].config.seed && r.epochs.join() === records[0].epochs.join(),
    ),
  ).toBe(true);

  // Each network saves a figure: its plane on the shared axes, with all five networks' curves.
  const k4 = page.locator('capacity-view figure-export[label="k = 4"]');
  await k4.getByTestId('figure-format').selectOption('svg');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    k4.getByTestId('figure-export').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(
    /^bitplane-bits12-capacity-q4-seed\d+-ep3-figure-\d{8}-\d{6}\.svg$/,
  );
  const svg = readFileSync((await download.path())!, 'utf8');
  expect(svg).toContain(
    "k = 4: bitplane · bits12 · 10-7-5-4-3 (q4 weights, q4, batch norm) (with the other networks' curves)",
  );
  for (const label of ['k = 1 (BNN) train', 'k = 2 test', 'k = 8 train', 'float test'])
    expect(svg).toContain(`>${label}</text>`);

  // The link round-trips the view: away and back, and opened afresh.
  await page.getByTestId('view-playground').click();
  await expect.poll(() => page.url()).not.toContain('#capacity');
  await page.getByTestId('view-capacity').click();
  await expect.poll(() => page.url().split('#')[1]).toBe(link);
  const fresh = await app.browser.newPage({ viewport: { width: 1440, height: 1000 } });
  fresh.on('pageerror', (e) => errors.push(e.message));
  await fresh.goto(`${app.url}#${link}`);
  await fresh.getByTestId('adapter').waitFor({ timeout: 60_000 });
  await expect.poll(() => fresh.getByTestId('view-capacity').getAttribute('aria-current')).toBe('page');
  await expect.poll(() => fresh.locator('capacity-view info-plane').count()).toBe(5);
  expect(fresh.url().split('#')[1]).toBe(link);
  expect(errors).toEqual([]);
  await fresh.close();
  await page.close();
});
