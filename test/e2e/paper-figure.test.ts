/**
 * End to end: figures for a paper (issue #16 point 4) from the playground in Debian's Chromium. After a
 * tiny run, "Save figure" gives an SVG of the plane, loss and accuracy with the caption naming the run
 * and its link, and PNGs at 2× and 3× of the stated size.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureSize } from '../../src/view/figure-draw.ts';
import { type ServedApp, serveApp } from '../browser.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

async function save(page: Page, kind: string, format: string): Promise<{ name: string; bytes: Buffer }> {
  await page.getByTestId('figure-kind').selectOption(kind);
  await page.getByTestId('figure-format').selectOption(format);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('figure-export').click(),
  ]);
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

/** A PNG's width and height, from its IHDR chunk. */
const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });

describe('figures for a paper', () => {
  it('SVG and 2×/3× PNG, with the caption', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}#v=1&replicas=2&epochs=3&seed=7`);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('figure-export').isDisabled()).toBe(true);
    await page.getByTestId('play').click();
    await expect
      .poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 120_000 })
      .toBe('done');
    const svg = await save(page, 'figure', 'svg');
    expect(svg.name).toMatch(/^bitplane-bits12-bnn-seed7-ep3-figure-\d{8}-\d{6}\.svg$/);
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(text).toContain(
      '>Dataset bits12 · network 10-7-5-4-3 (binary weights, ste_sign, batch norm) · 3 epochs · 2 replicas · seed 7</text>',
    );
    expect(text).toMatch(/>Estimator: .* · adapter google \/ swiftshader<\/text>/);
    expect(text).toContain(`>Link: ${app.url}#v=1&amp;seed=7&amp;replicas=2&amp;epochs=3</text>`);
    for (const label of ['I(X;T), bits', 'loss (cross-entropy)', 'accuracy', 'hidden 5 (binary)'])
      expect(text).toContain(`>${label}</text>`);
    const lines = (text.match(/>Link: /g) ?? []).length;
    expect(lines).toBe(1);
    const two = await save(page, 'figure', 'png2');
    expect(two.name).toMatch(/-figure@2x-\d{8}-\d{6}\.png$/);
    const fig = figureSize('figure', 3);
    expect(pngSize(two.bytes)).toEqual({ width: 2 * fig.width, height: 2 * fig.height });
    const three = await save(page, 'plane', 'png3');
    const plane = figureSize('plane', 3);
    expect(pngSize(three.bytes)).toEqual({ width: 3 * plane.width, height: 3 * plane.height });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the comparison saves a figure per run, each with both runs' curves", async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}#compare&v=1&replicas=1&epochs=2`);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    await page.getByTestId('play').click();
    await expect
      .poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 120_000 })
      .toBe('done');
    const bnn = page.locator('compare-view figure-export[label="BNN"]');
    await bnn.getByTestId('figure-format').selectOption('svg');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      bnn.getByTestId('figure-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^bitplane-bits12-bnn-in-dnn-tanh-vs-bnn-seed1-ep2-figure-\d{8}-\d{6}\.svg$/,
    );
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain(
      ">BNN: bitplane · bits12 · 10-7-5-4-3 (binary weights, ste_sign, batch norm) (with the DNN's curves)</text>",
    );
    for (const label of ['DNN train', 'DNN test', 'BNN train', 'BNN test'])
      expect(text).toContain(`>${label}</text>`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
