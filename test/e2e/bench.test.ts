/**
 * End to end: the benchmark page is reachable from the app, takes its settings from the link, checks and
 * times a tiny size (TensorFlow.js loaded from the app's own bundle, nothing fetched from elsewhere) and
 * shows the table and the copyable results. No timing assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_KERNELS } from '../../src/kernels/index.ts';
import { type ServedApp, serveApp } from '../browser.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

describe('the benchmark page in Chromium', () => {
  it('is reachable from the app and produces a table for a tiny size', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    const external: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (new URL(r.url()).hostname !== '127.0.0.1') external.push(r.url());
    });
    await page.goto(app.url);
    await page.getByTestId('bench-link').click();
    await page.getByTestId('bench-run').waitFor({ timeout: 60_000 });
    expect(page.url()).toMatch(/#bench$/);
    // The link carries the settings: the page follows it.
    await page.goto(`${app.url}#bench&kernels=gemm,xnor_gemm&sizes=32&spans=2&span_ms=1`);
    await expect.poll(() => page.locator('#sizes').inputValue(), { timeout: 10_000 }).toBe('32');
    const run = page.getByTestId('bench-run');
    await expect.poll(() => run.isEnabled(), { timeout: 60_000 }).toBe(true);
    await run.click();
    const status = page.getByTestId('bench-status');
    await expect
      .poll(() => status.getAttribute('data-done'), { timeout: 120_000, interval: 500 })
      .toBe('true');
    expect(await status.textContent()).toMatch(/done in .* 0 mismatches/);
    expect(page.url()).toMatch(/#bench&kernels=gemm,xnor_gemm&sizes=32&spans=2&span_ms=1$/);
    const versions = await page
      .getByTestId('bench-row')
      .evaluateAll((rows) =>
        rows.map((r) => `${r.getAttribute('data-kernel')} ${r.getAttribute('data-version')}`),
      );
    // Per kernel: its JavaScript reference, every version, then TensorFlow.js for the float GEMM.
    const expected = ['gemm', 'xnor_gemm'].flatMap((name) => {
      const k = BENCH_KERNELS.find((e) => e.name === name)!;
      return ['js-ref', ...k.versions, ...(name === 'gemm' ? ['tfjs-webgpu'] : [])].map(
        (v) => `${name} ${v}`,
      );
    });
    expect(versions).toEqual(expected);
    const md = (await page.getByTestId('bench-markdown').textContent()) ?? '';
    expect(md).toMatch(/^Adapter: .+/);
    expect(md).toMatch(/\| gemm +\| v2 +\| M=N=K=32 +\|/);
    const record = JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '');
    expect(record.schema).toBe('bitplane.bench/1');
    expect(record.adapter.runtime).toBe('browser');
    expect(record.peers.tfjs).toMatch(/^@tensorflow\/tfjs-backend-webgpu/);
    expect(record.measurements.every((m: { gops: number }) => Number.isFinite(m.gops))).toBe(true);
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs the JavaScript reference in a Web Worker: no task on the page over 200 ms meanwhile', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // A 640³ float GEMM: its float64 JavaScript reference takes about 0.3 s on this machine's CPU.
    await page.goto(`${app.url}#bench&kernels=gemm&sizes=640&spans=2&span_ms=1&peers=cpu&budget=600`);
    const run = page.getByTestId('bench-run');
    await expect.poll(() => run.isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    await run.click();
    const status = page.getByTestId('bench-status');
    await expect
      .poll(() => status.getAttribute('data-done'), { timeout: 240_000, interval: 500 })
      .toBe('true');
    expect(await status.textContent()).toMatch(/done in .* 0 mismatches/);
    const cpu = JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '').measurements.find(
      (m: { version: string }) => m.version === 'js-ref',
    );
    expect(cpu.median_ms).toBeGreaterThan(200); // the reference alone would have frozen the page
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    expect(Math.max(0, ...longTasks)).toBeLessThan(200);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
