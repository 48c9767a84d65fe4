/**
 * End to end: reading the information plane (issue #16 point 1) in Debian's Chromium. After a tiny run,
 * hovering a point reads out its layer, the mean, epoch, I(X;T), I(T;Y) and the loss and accuracy at
 * that epoch, and the loss and accuracy charts follow to that epoch; legend clicks hide and isolate
 * layers; the scrubber replays the trajectories up to an epoch; drag zooms, Shift-drag pans,
 * double-click resets.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/run/record.ts';
import { planeData } from '../../src/view/plane.ts';
import { type ServedApp, serveApp } from '../browser.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

const plot = (page: Page) => page.getByTestId('info-plane');
const shown = async (page: Page) => Number(await plot(page).getAttribute('data-shown'));
const range = async (page: Page, axis: 'x' | 'y') =>
  ((await plot(page).getAttribute(`data-${axis}-range`)) ?? '').split(',').map(Number);

/** The page position of plane values (x, y): the plot area is uPlot's .u-over, the ranges are on the plot. */
async function at(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('info-plane .u-over').boundingBox())!;
  const [x0, x1] = await range(page, 'x');
  const [y0, y1] = await range(page, 'y');
  return {
    x: box.x + ((x - x0) / (x1 - x0)) * box.width,
    y: box.y + (1 - (y - y0) / (y1 - y0)) * box.height,
  };
}

describe('reading the plane', () => {
  it('hover read-out, linked cursor, legend, scrubber, zoom and pan', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}#v=1&replicas=2&epochs=4`);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    await page.getByTestId('play').click();
    await expect
      .poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 120_000 })
      .toBe('done');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-json-0').click(),
    ]);
    const record: RunRecord = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    const plane = planeData(record);
    const total = plane.layers.reduce((n, l) => n + l.points.length, 0);
    expect(total).toBeGreaterThan(0);
    expect(await shown(page)).toBe(total);

    // Hover the first layer's last mean point.
    const last = plane.layers[0].points.at(-1)!;
    const p = await at(page, last.x, last.y);
    await page.mouse.move(p.x, p.y);
    const readout = page.getByTestId('plane-readout');
    await expect
      .poll(() => readout.textContent())
      .toMatch(
        new RegExp(
          `^${plane.layers[0].name} · mean · epoch ${last.epoch} · I\\(X;T\\) [\\d.]+ · I\\(T;Y\\) [\\d.]+ \\(s\\.d\\.`,
        ),
      );
    expect(await readout.textContent()).toMatch(
      /train loss [\d.]+ · test loss [\d.]+ · train accuracy [\d.]+ · test accuracy [\d.]+/,
    );
    // The loss and accuracy charts show the same epoch.
    for (const metric of ['loss', 'acc'])
      await expect
        .poll(() => page.getByTestId(`chart-${metric}`).getAttribute('data-cursor-epoch'))
        .toBe(String(last.epoch));
    await page.mouse.move(5, 5);

    // Legend: a click hides a layer, Shift-click isolates one, again shows all.
    const toggles = page.getByTestId('layer-toggle');
    const count = (i: number) => plane.layers[i].points.length;
    await toggles.nth(0).click();
    expect(await toggles.nth(0).getAttribute('aria-pressed')).toBe('false');
    expect(await shown(page)).toBe(total - count(0));
    await toggles.nth(1).click({ modifiers: ['Shift'] });
    expect(await shown(page)).toBe(count(1));
    await toggles.nth(1).click({ modifiers: ['Shift'] });
    expect(await shown(page)).toBe(total);

    // The scrubber replays up to an epoch, and back to live at its end.
    const scrubber = page.getByTestId('epoch-scrubber');
    await scrubber.fill('2');
    expect(await page.getByTestId('scrub-epoch').textContent()).toBe('2');
    const upTo2 = plane.layers.reduce((n, l) => n + l.points.filter((q) => q.epoch <= 2).length, 0);
    expect(await shown(page)).toBe(upTo2);
    await scrubber.fill(String(plane.maxEpoch));
    expect(await page.getByTestId('scrub-epoch').textContent()).toBe('live');
    expect(await shown(page)).toBe(total);

    // Drag to zoom into the lower-left quarter, Shift-drag to pan, double-click to reset.
    const full = await range(page, 'x');
    const box = (await page.locator('info-plane .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.7, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.95, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await range(page, 'x'))[1]).toBeLessThan(full[1] * 0.6);
    const zoomed = await range(page, 'x');
    expect(zoomed[0]).toBeGreaterThan(full[0]);
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const panned = await range(page, 'x');
    expect(panned[0]).toBeGreaterThan(zoomed[0]); // dragged left: the view moves right
    expect(panned[1] - panned[0]).toBeCloseTo(zoomed[1] - zoomed[0], 6);
    await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await expect.poll(() => range(page, 'x')).toEqual(full);
    expect(errors).toEqual([]);
    await page.close();
  });
});
