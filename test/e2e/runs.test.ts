/**
 * End to end: keep and compare runs (Chromium, WebGPU on SwiftShader). A result record written by
 * `bitplane run` opens from the file picker and is viewed like a live run; a broken file is refused by
 * name. A short run trained here is kept in the run list and is still there after a reload (IndexedDB);
 * two runs are overlaid: one layer of each in one plane, both runs labelled in the legend and the curves.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const record = readFileSync('test/fixtures/record-bnn-bits12.google-swiftshader.json');
const jsonFile = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/json', buffer });
const state = (page: Page) => page.getByTestId('run-state').first().getAttribute('data-state');

describe('keep and compare runs', () => {
  it('opens a record, keeps a trained run across a reload, overlays two runs', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}#v=1&replicas=1&epochs=2&net=4-float-tanh&batch=8&lr=0.01`);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });

    // A broken file is refused, naming the file and the field; a record opens and is viewed.
    const open = page.getByTestId('runs-open');
    await open.setInputFiles(
      jsonFile('broken.json', Buffer.from('{"schema":"bitplane.run/1","status":"complete"}')),
    );
    await expect
      .poll(() => page.getByTestId('runs-errors').textContent())
      .toContain('broken.json: field config must be an object');
    await open.setInputFiles(jsonFile('bnn.json', record));
    await expect.poll(() => page.getByTestId('record-view').getAttribute('data-runs')).toBe('1');
    const points =
      JSON.parse(record.toString()).info.layers.length * JSON.parse(record.toString()).epochs.length;
    expect(Number(await page.getByTestId('info-plane').getAttribute('data-points'))).toBe(points);
    expect(await page.getByTestId('runs-errors').count()).toBe(0);

    // Back to the live run: train 2 epochs; the finished run is kept.
    await page.getByTestId('runs-back').click();
    await page.getByTestId('play').click();
    await expect.poll(() => state(page), { timeout: 120_000, interval: 250 }).toBe('done');
    await expect.poll(() => page.getByTestId('runs-row').count()).toBe(2);

    // A reload keeps both runs (IndexedDB).
    await page.reload();
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('runs-row').count()).toBe(2);
    const rows = await page.getByTestId('runs-row').allTextContents();
    expect(rows.join('\n')).toMatch(/bits12.*4 \(float weights, tanh\).*2 \/ 2.*trained here/s);
    expect(rows.join('\n')).toContain('bnn.json');

    // Overlay both: the first hidden layer of each in one plane, both labelled.
    expect(await page.getByTestId('runs-overlay').isDisabled()).toBe(true);
    for (const tick of await page.getByTestId('runs-tick').all()) await tick.check();
    await page.getByTestId('runs-overlay').click();
    await expect.poll(() => page.getByTestId('record-view').getAttribute('data-runs')).toBe('2');
    const legend = await page.getByTestId('layer-toggle').allTextContents();
    expect(legend.length).toBe(2);
    expect(legend.join(' ')).toMatch(/1 · bits12 .* · hidden 1/);
    expect(legend.join(' ')).toMatch(/2 · bits12 .* · hidden 1/);
    const plane = await page.getByTestId('info-plane').getAttribute('aria-label');
    expect(plane).toBeTruthy();

    // A sweep directory: its run records open at once (overlaid); its other JSON files are skipped.
    const dir = mkdtempSync(join(tmpdir(), 'bitplane-sweep-'));
    writeFileSync(join(dir, 'sweep.json'), '{"schema":"bitplane.sweep/1"}');
    const other = JSON.parse(record.toString());
    other.config.seed = 8;
    writeFileSync(join(dir, 'seed7.json'), record);
    writeFileSync(join(dir, 'seed8.json'), JSON.stringify(other));
    await page.getByTestId('runs-open-dir').setInputFiles(dir);
    await expect.poll(() => page.getByTestId('runs-row').count()).toBe(4);
    await expect.poll(() => page.getByTestId('record-view').getAttribute('data-runs')).toBe('2');
    expect(await page.getByTestId('runs-errors').count()).toBe(0);
    expect((await page.getByTestId('layer-toggle').allTextContents()).join(' ')).toMatch(/seed 7 .*seed 8/);
    rmSync(dir, { recursive: true });

    // Delete one: the list and the overlay lose it.
    await page.getByTestId('runs-delete').first().click();
    await expect.poll(() => page.getByTestId('runs-row').count()).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('an edit mid-run asks first: cancelled, nothing changes; confirmed, the run so far is kept', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}#v=1&replicas=1&epochs=400&net=4-float-tanh&batch=8&lr=0.01`);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    await page.getByTestId('play').click();
    const epoch = async () =>
      Number((await page.getByTestId('epoch').first().textContent())?.match(/epoch (\d+)/)?.[1]);
    await expect.poll(epoch, { timeout: 120_000, interval: 250 }).toBeGreaterThanOrEqual(1);
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    const field = page.locator('[data-field="epochs"]');
    await field.fill('3');
    await field.press('Tab');
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain('A run is training');
    expect(page.url()).toContain('epochs=400');
    await expect.poll(() => field.inputValue()).toBe('400');
    expect(await state(page)).toBe('running');
    expect(await page.getByTestId('runs-row').count()).toBe(0);

    page.once('dialog', (d) => void d.accept());
    await field.fill('5');
    await field.press('Tab');
    await expect.poll(() => page.url()).toContain('epochs=5');
    await expect.poll(() => page.getByTestId('runs-row').count()).toBe(1);
    expect(await page.getByTestId('runs-row').first().textContent()).toMatch(/\/ 400 \(interrupted\)/);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('opens records dropped on the box; a file that is not JSON is refused by name', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${app.url}#v=1&replicas=1&epochs=2`);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      dt.items.add(new File(['not json'], 'notes.json', { type: 'application/json' }));
      return dt;
    }, record.toString());
    await page.dispatchEvent('[data-testid="runs-drop"]', 'drop', { dataTransfer });
    await expect.poll(() => page.getByTestId('record-view').getAttribute('data-runs')).toBe('1');
    expect(await page.getByTestId('runs-errors').textContent()).toMatch(/notes\.json: not JSON/);
    expect(await page.getByTestId('runs-row').textContent()).toContain('dropped.json');
    await page.close();
  }, 120_000);
});
