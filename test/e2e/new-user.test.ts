/**
 * End to end: the bugs a new user hit (issue #16 point 7), each driven as that user did, in Debian's
 * Chromium: a console free of errors (the favicon), a link of another version refused whole, a network
 * with no hidden layer that says so, plain validation messages that keep the rejected value, the plane's
 * PNG legend showing every layer under the colour bar, a log-loss axis fitted to the data, the
 * Benchmarks page never wider than the window, leaving a training run that says it paused, and the
 * MNIST preparation that says what it is doing.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/run-config.ts';
import { layerColor } from '../../src/view/colors.ts';
import { type ServedApp, serveApp } from '../browser.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

async function open(
  fragment: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; errors: string[] }> {
  const page = await app.browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${app.url}#${fragment}`);
  await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
  return { page, errors };
}

const state = (page: Page) => page.getByTestId('run-state').first().getAttribute('data-state');

async function playToEnd(page: Page, timeout = 120_000) {
  await page.getByTestId('play').click();
  await expect.poll(() => state(page), { timeout, interval: 250 }).toMatch(/^(done|stopped)$/);
}

const hex = (c: string): [number, number, number] => [
  Number.parseInt(c.slice(1, 3), 16),
  Number.parseInt(c.slice(3, 5), 16),
  Number.parseInt(c.slice(5, 7), 16),
];

describe('what a new user hit, fixed', () => {
  it('a link of another version is refused whole, and the page logs no error (favicon)', async () => {
    const { page, errors } = await open('v=99&epochs=5&replicas=1');
    const box = page.getByTestId('link-issues');
    await box.waitFor();
    expect(await box.textContent()).toMatch(/not opened.*Nothing of it was applied.*version 99/s);
    const d = defaultConfig();
    expect(await page.locator('[data-field="epochs"]').inputValue()).toBe(String(d.epochs));
    expect(await page.locator('[data-field="replicas"]').inputValue()).toBe(String(d.replicas));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a network with no hidden layer says there is no layer to track, before and after a run', async () => {
    const { page, errors } = await open('v=1&replicas=1&epochs=2&net=');
    const note = page.getByTestId('plane-note');
    expect(await note.textContent()).toMatch(/No hidden layer to track/);
    await playToEnd(page);
    expect(await state(page)).toBe('done');
    expect(await note.textContent()).toMatch(/No hidden layer to track/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a rejected width says "layer 1 width must be ≥ 1" and the box keeps the typed value', async () => {
    const { page, errors } = await open('v=1&replicas=1&epochs=2');
    const width = page.getByLabel('layer 1 width', { exact: true });
    await width.fill('0');
    await width.press('Tab');
    expect(await page.getByTestId('layer-issue').textContent()).toBe('layer 1 width must be ≥ 1');
    expect(await width.inputValue()).toBe('0');
    expect(await width.getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).not.toMatch(/net=0-/);
    // A valid value clears the message and applies.
    await width.fill('9');
    await width.press('Tab');
    await expect.poll(() => page.url()).toMatch(/net=9-bin/);
    expect(await page.getByTestId('layer-issue').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the plane PNG shows every layer below the colour bar; the log-loss axis fits the loss', async () => {
    const { page, errors } = await open('v=1&replicas=1&epochs=3');
    await playToEnd(page);
    const canvasHeight = await page.locator('info-plane canvas').evaluate((c: HTMLCanvasElement) => c.height);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('png-plane').click()]);
    const data = readFileSync((await png.path())!).toString('base64');
    const layers = 5;
    const colors = Array.from({ length: layers }, (_, i) => hex(layerColor(i, 'light')));
    // In the strip under the plot (the heading is 30 px, at device pixel ratio 1): the colour bar's row
    // first, then each layer's swatch on a row below it.
    const found = await page.evaluate(
      async ({ data, top, colors }) => {
        // Decoded in the page without fetch: the page's Content-Security-Policy allows no data: connections.
        const bytes = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
        const img = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const c = new OffscreenCanvas(img.width, img.height);
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, top, img.width, img.height - top).data;
        return colors.map((rgb) => {
          let n = 0;
          let minRow = Number.POSITIVE_INFINITY;
          for (let i = 0; i < d.length; i += 4) {
            if (Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 12) {
              n++;
              minRow = Math.min(minRow, Math.floor(i / 4 / img.width));
            }
          }
          return { n, minRow };
        });
      },
      { data, top: 30 + canvasHeight, colors },
    );
    for (const [i, f] of found.entries()) {
      expect(f.n, `layer ${i + 1} swatch pixels`).toBeGreaterThanOrEqual(20); // a 14 × 3 px swatch, its edges antialiased
      expect(f.minRow, `layer ${i + 1} swatch below the colour bar's row`).toBeGreaterThanOrEqual(18);
    }
    // Log loss: the axis spans the data (about 0.6–0.7 here), not the decades 0.1–10.
    await page.getByLabel('log loss').check();
    const chart = page.getByTestId('chart-loss');
    await expect.poll(() => chart.getAttribute('data-y-max')).not.toBeNull();
    await expect
      .poll(
        async () =>
          Number(await chart.getAttribute('data-y-max')) / Number(await chart.getAttribute('data-y-min')),
      )
      .toBeLessThan(4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Benchmarks: leaving a training run says it paused; the page is never wider than the window', async () => {
    const { page, errors } = await open('v=1&replicas=1&epochs=500');
    await page.getByTestId('play').click();
    await expect.poll(() => state(page), { timeout: 60_000 }).toBe('running');
    await page.getByTestId('bench-link').click();
    const notice = page.getByTestId('view-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Playground run was paused at epoch \d+ of 500/);
    await page.goto(`${app.url}#bench&kernels=gemm,xnor_gemm&sizes=32&spans=2&span_ms=1`);
    const run = page.getByTestId('bench-run');
    await expect.poll(() => run.isEnabled(), { timeout: 60_000 }).toBe(true);
    await run.click();
    await expect
      .poll(() => page.getByTestId('bench-status').getAttribute('data-done'), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe('true');
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await width()).toBeLessThanOrEqual(1280);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(width).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('preparing an MNIST run says what it is doing while it prepares', async () => {
    const { page, errors } = await open('v=1&data=mnist&mnist=2000&mnisttest=500&replicas=1&epochs=1');
    await page.getByTestId('play').click();
    await expect
      .poll(
        async () =>
          (await page.getByTestId('run-stage').count()) ? page.getByTestId('run-stage').textContent() : '',
        {
          timeout: 30_000,
          interval: 100,
        },
      )
      .toMatch(/loading the mnist data and building run 1 of 1|evaluating and estimating epoch 0/);
    await expect.poll(() => state(page), { timeout: 120_000, interval: 250 }).toMatch(/^(done|stopped)$/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
