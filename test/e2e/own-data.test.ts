/**
 * End to end: your own data in the app (Chromium, WebGPU on SwiftShader). Choose "Your data", upload a
 * bad CSV (its problems are listed by row and column), then a good one with the file picker, and train
 * two epochs; the link then names the file and its hash. Opening that link says which file it needs;
 * another file dropped on the box is refused as a reproduction (both hashes shown), the right one runs.
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

async function open(fragment: string): Promise<{ page: Page; errors: string[] }> {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.url}#${fragment}`);
  await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
  return { page, errors };
}

/** 40 rows, 3 features, labels "no"/"yes". */
function goodCsv(shift = 0): string {
  const rows = Array.from({ length: 40 }, (_, i) => {
    const c = i % 2;
    return `${(c + ((i * 7) % 5) / 10 + shift).toFixed(2)},${(-c + ((i * 3) % 4) / 10).toFixed(2)},${(i % 9) / 9},${c ? 'yes' : 'no'}`;
  });
  return `x1,x2,x3,label\n${rows.join('\n')}\n`;
}

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

/** Drops a file on the upload box as a drag from the desktop would. */
async function drop(page: Page, name: string, text: string) {
  const dataTransfer = await page.evaluateHandle(
    ([n, t]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], n, { type: 'text/csv' }));
      return dt;
    },
    [name, text],
  );
  await page.dispatchEvent('[data-testid="data-upload-drop"]', 'drop', { dataTransfer });
}

const state = (page: Page) => page.getByTestId('run-state').first().getAttribute('data-state');

describe('your own data in the app', () => {
  let link = '';

  it('lists a bad file’s problems by row and column, trains 2 epochs on a good one', async () => {
    const { page, errors } = await open('v=1&replicas=1&epochs=2&net=4-float-tanh&batch=8&lr=0.01');
    await page.getByText('Your data', { exact: true }).click();
    const input = page.getByTestId('data-upload-input');
    await input.setInputFiles(csvFile('bad.csv', 'x,y,label\n1,2,0\n1,oops,1\n3,4,1\n'));
    await expect
      .poll(() => page.getByTestId('data-upload-issues').textContent())
      .toContain('bad.csv, row 3, column 2: "oops" is not a number');

    await input.setInputFiles(csvFile('good.csv', goodCsv()));
    await expect
      .poll(() => page.getByTestId('data-upload-ok').textContent())
      .toMatch(/good\.csv: 40 rows × 3 features, 2 classes \(no, yes\); SHA-256/);
    await expect
      .poll(() => page.url())
      .toMatch(/data=custom&file=good\.csv&rows=40&cols=3&classes=2&sha=[0-9a-f]{64}/);
    await page.getByTestId('data-normalize').selectOption('zscore');
    await expect.poll(() => page.url()).toContain('norm=zscore');

    await page.getByTestId('play').click();
    await expect.poll(() => state(page), { timeout: 120_000, interval: 250 }).toBe('done');
    expect(await page.getByTestId('epoch').first().textContent()).toBe('epoch 2 / 2');
    expect(await page.getByTestId('run-message').count()).toBe(0);
    expect(errors).toEqual([]);
    link = new URL(page.url()).hash.slice(1);
    await page.close();
  });

  it('a link names the file it needs, refuses another file, runs on the right one (dropped)', async () => {
    expect(link).toContain('sha=');
    const sha = /sha=([0-9a-f]{64})/.exec(link)?.[1];
    const { page, errors } = await open(link);
    await expect
      .poll(() => page.getByTestId('data-upload-needed').textContent())
      .toContain(`good.csv (40 rows × 3 columns, 2 classes, SHA-256 ${sha})`);

    await drop(page, 'good.csv', goodCsv(0.5));
    const refusal = page.getByTestId('data-upload-mismatch');
    await expect.poll(() => refusal.textContent()).toContain('would not be a reproduction');
    expect(await refusal.textContent()).toContain(`SHA-256 ${sha}`);
    expect(page.url()).toContain(`sha=${sha}`); // the configuration still names the linked file

    await drop(page, 'good.csv', goodCsv());
    await expect.poll(() => page.getByTestId('data-upload-ok').count()).toBe(1);
    expect(await page.getByTestId('data-upload-mismatch').count()).toBe(0);
    await page.getByTestId('play').click();
    await expect.poll(() => state(page), { timeout: 120_000, interval: 250 }).toBe('done');
    expect(errors).toEqual([]);
    await page.close();
  });
});
