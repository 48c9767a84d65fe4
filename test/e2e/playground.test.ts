/**
 * End to end: the playground in Debian's Chromium (WebGPU on SwiftShader), driven as a user would —
 * clicks, typed values, links — with tiny runs (a few epochs, one or two replicas) to stay fast:
 *
 *   - pick the 12-bit task and the BNN preset, train a few epochs; the charts draw (canvas pixels); the
 *     page stays responsive (no long task over 100 ms while training);
 *   - a link restores every control, and opened twice gives identical result records (exported JSON);
 *   - a malformed link names its bad fields, applies the rest, renders its text as text;
 *   - the paper experiments: Load stops the run and sets the configuration the experiment's link holds,
 *     and its link, opened, does the same;
 *   - a diverging run and a lost GPU (the GPU process crashed through the DevTools protocol) stop with a
 *     message and keep their curves;
 *   - the DNN-vs-BNN view trains both; the theme toggle switches the page and the charts.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../src/run/experiments.ts';
import type { RunRecord } from '../../src/run/record.ts';
import { experimentAppFragment, experimentFragment } from '../../src/view/experiments.ts';
import { type ServedApp, serveApp } from '../browser.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

async function open(fragment = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: { start: number; duration: number }[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${app.url}${fragment ? `#${fragment}` : ''}`);
  await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
  return { page, errors };
}

const state = (page: Page) => page.getByTestId('run-state').first().getAttribute('data-state');

async function playToEnd(page: Page, timeout = 120_000) {
  await page.getByTestId('play').click();
  await expect.poll(() => state(page), { timeout, interval: 250 }).toMatch(/^(done|stopped)$/);
}

/** Types a value into a labelled number field and commits it (the change event, as Tab does). */
async function type(field: Locator, value: string) {
  await field.fill(value);
  await field.press('Tab');
}

async function exportJson(page: Page, index = 0): Promise<RunRecord> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(`export-json-${index}`).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^bitplane-.*\.json$/);
  return JSON.parse(readFileSync((await download.path())!, 'utf8'));
}

/** Pixels of a chart canvas that are drawn (not transparent), and those close to an RGB colour. */
async function pixels(
  canvas: Locator,
  rgb?: [number, number, number],
): Promise<{ drawn: number; matching: number }> {
  return canvas.evaluate((c: HTMLCanvasElement, rgb) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    let matching = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) drawn++;
      if (
        rgb &&
        d[i + 3] > 200 &&
        Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 40
      )
        matching++;
    }
    return { drawn, matching };
  }, rgb);
}

/** Pixels of a metric chart's curves: train (#0072B2) or test (#D55E00, drawn last, may cover train). */
async function curvePixels(page: Page, metric: 'loss' | 'acc', scope = ''): Promise<number> {
  const canvas = page.locator(`${scope} metric-chart[metric="${metric}"] canvas`.trim());
  return (await pixels(canvas, [0, 114, 178])).matching + (await pixels(canvas, [213, 94, 0])).matching;
}

/** The record without what legitimately differs between two identical runs: timings. */
const numbers = (r: RunRecord) => ({ ...r, timing: null });

describe('the playground in Chromium', () => {
  it('trains the 12-bit task as a BNN, draws the charts live and stays responsive', async () => {
    const { page, errors } = await open();
    // Pick another dataset, then the 12-bit task; the picker says the rule is a reconstruction.
    await page.getByText('Circle', { exact: true }).click();
    await expect.poll(() => page.url()).toContain('data=circle');
    expect(await page.getByTestId('dataset-circle').isChecked()).toBe(true);
    await page.keyboard.press('ArrowRight'); // a radio group: the arrow keys move the choice
    await expect.poll(() => page.url()).toContain('data=xor');
    await page.getByText('12-bit task', { exact: true }).click();
    expect(await page.getByTestId('dataset-bits12').isChecked()).toBe(true);
    expect(await page.getByTestId('dataset-note').textContent()).toMatch(
      /reconstructed rule that reproduces the original 4096 labels/,
    );
    // Presets: DNN-tanh, then the BNN.
    await page.getByTestId('preset-dnn-tanh').click();
    await expect.poll(() => page.url()).toContain('net=10-float-tanh,7-float-tanh');
    await page.getByTestId('preset-bnn').click();
    expect(await page.getByTestId('preset-bnn').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('layer-row').count()).toBe(5);
    // A tiny run: 3 epochs, 2 replicas, typed into the training controls.
    await type(page.locator('[data-field="epochs"]'), '3');
    await type(page.locator('[data-field="replicas"]'), '2');
    await expect.poll(() => page.url()).toMatch(/#v=1&replicas=2&epochs=3$/);
    const t0 = await page.evaluate(() => performance.now());
    await playToEnd(page);
    const t1 = await page.evaluate(() => performance.now());
    expect(await state(page)).toBe('done');
    expect(await page.getByTestId('epoch').textContent()).toContain('epoch 3 / 3');
    // The loss and accuracy charts have drawn their curves (train #0072B2, test #D55E00: test may cover train).
    for (const metric of ['loss', 'acc']) {
      const chart = page.locator(`metric-chart[metric="${metric}"] canvas`);
      const train = await pixels(chart, [0, 114, 178]);
      const test = await pixels(chart, [213, 94, 0]);
      expect(train.matching + test.matching, `${metric} curve pixels`).toBeGreaterThan(30);
      expect(test.matching, `${metric} test curve pixels`).toBeGreaterThan(5);
    }
    // The information plane: axes always; once the estimator fills the record, its points too.
    const record = await exportJson(page);
    expect(record.schema).toBe('bitplane.run/1');
    expect(record.status).toBe('complete');
    expect(record.epochs).toEqual([0, 1, 2, 3]);
    expect(record.layers.filter((l) => l.binary).length).toBe(5);
    const plane = page.locator('info-plane canvas');
    expect((await pixels(plane)).drawn).toBeGreaterThan(2000);
    if (record.info.ixt.some((r) => r.length)) {
      expect(Number(await page.getByTestId('info-plane').getAttribute('data-points'))).toBeGreaterThan(0);
      // The last epoch's colour on the light theme's scale (viridis' yellow end).
      expect((await pixels(plane, [253, 231, 37])).matching).toBeGreaterThan(10);
    }
    // Responsive while training: no main-thread task over 100 ms (an epoch's encoding yields to the event
    // loop every 25 ms, src/gpu/submit.ts). The e2e files run one at a time (vite.config.ts), so other
    // test files do not stretch the page's task times.
    const long = await page.evaluate(
      ([a, b]) =>
        (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter(
          (t) => t.start >= a && t.start <= b && t.duration > 100,
        ),
      [t0, t1],
    );
    expect(long).toEqual([]);
    // CSV export: a header and a row per logged epoch and replica.
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv-0').click(),
    ]);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^epoch,replica,train_loss,test_loss,train_acc,test_acc,hidden_1_ixt/);
    expect(lines.length).toBe(1 + 4 * 2);
    // PNG export of a chart.
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('png-loss').click()]);
    // Named by the run and the time of saving (a second export never overwrites the first).
    expect(png.suggestedFilename()).toMatch(/^bitplane-bits12-bnn-seed1-loss-\d{8}-\d{6}\.png$/);
    expect(
      readFileSync((await png.path())!)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const [planePng] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('png-plane').click(),
    ]);
    expect(planePng.suggestedFilename()).toMatch(
      /^bitplane-bits12-bnn-seed1-information-plane-\d{8}-\d{6}\.png$/,
    );
    expect(
      readFileSync((await planePng.path())!)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a link restores every control, and opened twice gives identical result records', async () => {
    const link =
      'v=1&seed=7&replicas=2&data=xor&samples=200&noise=0.1&net=6-float-tanh,4-bin-bn-approx_sign&opt=sgd&lr=0.05&batch=32&epochs=3&disc=adaptive&bins=20&est=test';
    const records: RunRecord[] = [];
    for (let i = 0; i < 2; i++) {
      const { page, errors } = await open(link);
      expect(await page.getByTestId('dataset-xor').isChecked()).toBe(true);
      const value = (field: string) => page.locator(`[data-field="${field}"]`).inputValue();
      expect(await value('data.samples')).toBe('200');
      expect(await value('data.noise')).toBe('0.1');
      expect(await value('optimizer.name')).toBe('sgd');
      expect(await value('optimizer.lr')).toBe('0.05');
      expect(await value('batchSize')).toBe('32');
      expect(await value('epochs')).toBe('3');
      expect(await value('replicas')).toBe('2');
      expect(await value('seed')).toBe('7');
      expect(await value('estimator.discretization')).toBe('adaptive');
      expect(await value('estimator.bins')).toBe('20');
      expect(await value('estimator.set')).toBe('test');
      const rows = page.getByTestId('layer-row');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).getByLabel('layer 1 width').inputValue()).toBe('6');
      expect(await rows.nth(0).getByLabel('layer 1 activation').inputValue()).toBe('tanh');
      expect(await rows.nth(1).getByLabel('layer 2 weights').inputValue()).toBe('binary');
      expect(await rows.nth(1).getByLabel('layer 2 batch normalization').isChecked()).toBe(true);
      expect(await rows.nth(1).getByLabel('layer 2 activation').inputValue()).toBe('approx_sign');
      expect(await page.getByTestId('share-url').inputValue()).toBe(`${app.url}#${link}`);
      await playToEnd(page);
      expect(await state(page)).toBe('done');
      records.push(await exportJson(page));
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(records[0].link).toBe(link);
    expect(records[0].adapter.runtime).toBe('browser');
    expect(records[0].epochs).toEqual([0, 1, 2, 3]);
    expect(numbers(records[1])).toEqual(numbers(records[0]));
  });

  it('a malformed link names its bad fields, applies the rest and renders its text as text', async () => {
    const { page, errors } = await open(
      'v=1&lr=fast&epochs=4&replicas=0&net=12-bin-bn-nope&%3Cb%3Ex%3C%2Fb%3E=1',
    );
    const box = page.getByTestId('link-issues');
    await box.waitFor();
    const keys = await page
      .getByTestId('link-issue')
      .evaluateAll((li) => li.map((e) => e.getAttribute('data-key')));
    expect(keys.sort()).toEqual(['<b>x</b>', 'lr', 'net', 'replicas']);
    const text = (await box.textContent()) ?? '';
    expect(text).toMatch(/lr: "fast" is not a number/);
    expect(text).toMatch(/replicas/);
    expect(text).toContain('<b>x</b>'); // shown as text …
    expect(await box.locator('b').count()).toBe(0); // … never as HTML
    // The rest applied: 4 epochs; the bad fields keep their defaults.
    expect(await page.locator('[data-field="epochs"]').inputValue()).toBe('4');
    expect(await page.locator('[data-field="optimizer.lr"]').inputValue()).toBe('0.0004');
    expect(await page.locator('[data-field="replicas"]').inputValue()).toBe('4');
    expect(await page.getByTestId('layer-row').count()).toBe(5);
    expect(await page.getByTestId('play').isEnabled()).toBe(true);
    // A rejected edit says what is wrong in plain words, keeps the rejected value in the box, changes nothing.
    await type(page.locator('[data-field="optimizer.lr"]'), '-1');
    expect(await page.locator('training-controls .error').first().textContent()).toBe('must be > 0');
    expect(await page.locator('[data-field="optimizer.lr"]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-field="optimizer.lr"]').inputValue()).toBe('-1');
    expect(page.url()).not.toContain('lr=-1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a paper experiment loads with one click, resetting the run, and its link opens it too', async () => {
    const { page, errors } = await open('v=1&epochs=500&replicas=1');
    // Something is training: Load must stop it, as a configuration edit does.
    await page.getByTestId('play').click();
    await expect
      .poll(
        async () => Number(/epoch (\d+)/.exec((await page.getByTestId('epoch').textContent()) ?? '')?.[1]),
        {
          timeout: 60_000,
        },
      )
      .toBeGreaterThanOrEqual(1);
    const panel = page.getByTestId('paper-presets');
    await panel.locator('summary').click();
    expect(await panel.textContent()).toContain('Paper experiments (Raj et al. 2020)');
    const items = page.getByTestId('experiment');
    expect(await items.count()).toBe(EXPERIMENTS.length);
    expect(await panel.locator('h3').allTextContents()).toEqual([
      'The 12-bit task (IDNNs)',
      'MNIST',
      'The 8×8 digits',
    ]);
    // Every experiment links to its own fragment (as far as the browser runs it) and states its protocol
    // and source; MNIST's say that the app trains on 10,000 images and give the full run's command.
    for (const e of EXPERIMENTS) {
      const item = page.locator(`[data-testid="experiment"][data-id="${e.id}"]`);
      expect(await item.getByTestId('experiment-link').getAttribute('href')).toBe(
        `#${experimentAppFragment(e)}`,
      );
      expect(await item.getByTestId('experiment-protocol').textContent()).toBe(e.protocol);
      expect(await item.textContent()).toContain(e.source);
      const note = item.getByTestId('experiment-app-note');
      if (e.dataset === 'mnist') {
        expect(experimentAppFragment(e)).not.toBe(experimentFragment(e));
        expect(await note.textContent()).toMatch(
          /In the app: the first 10,000 of the\s+60,000 training images/,
        );
        expect(await item.getByTestId('experiment-full-command').inputValue()).toBe(
          `npx bitplane run '${experimentFragment(e)}'`,
        );
      } else expect(await note.count()).toBe(0);
    }
    const relu = EXPERIMENTS.find((e) => e.id === 'bits12-dnn-relu')!;
    const item = page.locator('[data-testid="experiment"][data-id="bits12-dnn-relu"]');
    expect(await item.getAttribute('data-current')).toBe('false');
    // Loading mid-run asks first (the run so far is kept in the run list); accepted, it loads.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await item.getByTestId('experiment-load').click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain('A run is training');
    await expect.poll(() => new URL(page.url()).hash).toBe(`#${experimentFragment(relu)}`);
    await expect.poll(() => state(page)).toBe('idle');
    expect(await page.getByTestId('epoch').textContent()).toContain('epoch 0 / 8000');
    const value = (field: string) => page.locator(`[data-field="${field}"]`).inputValue();
    expect(await value('batchSize')).toBe('512');
    expect(await value('epochs')).toBe('8000');
    expect(await value('replicas')).toBe('20');
    expect(await value('optimizer.lr')).toBe('0.0004');
    expect(await value('estimator.discretization')).toBe('width');
    const rows = page.getByTestId('layer-row');
    expect(await rows.count()).toBe(5);
    for (let i = 0; i < 5; i++) {
      expect(
        await rows
          .nth(i)
          .getByLabel(`layer ${i + 1} activation`)
          .inputValue(),
      ).toBe('relu');
      expect(
        await rows
          .nth(i)
          .getByLabel(`layer ${i + 1} weights`)
          .inputValue(),
      ).toBe('float');
    }
    expect(await item.getAttribute('data-current')).toBe('true');
    expect(await page.getByTestId('experiment-current').count()).toBe(1);
    expect(await page.getByTestId('share-url').inputValue()).toBe(`${app.url}#${experimentFragment(relu)}`);
    // Following another experiment's link (a hash change, as a pasted link) applies it the same way.
    const digits = EXPERIMENTS.find((e) => e.id === 'digits-bnn')!;
    await page
      .locator('[data-testid="experiment"][data-id="digits-bnn"] [data-testid="experiment-link"]')
      .click();
    await expect.poll(() => page.getByTestId('dataset-digits').isChecked()).toBe(true);
    expect(new URL(page.url()).hash).toBe(`#${experimentFragment(digits)}`);
    expect(await value('batchSize')).toBe('128');
    expect(await value('epochs')).toBe('3000');
    expect(await rows.nth(0).getByLabel('layer 1 activation').inputValue()).toBe('ste_sign');
    expect(
      await page.locator('[data-testid="experiment"][data-id="digits-bnn"]').getAttribute('data-current'),
    ).toBe('true');
    expect(await page.getByTestId('link-issues').count()).toBe(0);
    // An MNIST experiment loads as its browser variant (the 10,000 training images the browser holds),
    // and is still marked as that experiment.
    const mnist = EXPERIMENTS.find((e) => e.id === 'mnist-bnn')!;
    const mnistItem = page.locator('[data-testid="experiment"][data-id="mnist-bnn"]');
    await mnistItem.getByTestId('experiment-load').click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#${experimentAppFragment(mnist)}`);
    expect(await page.getByTestId('dataset-mnist').isChecked()).toBe(true);
    expect(await value('data.mnistTrain')).toBe('10000');
    expect(await mnistItem.getAttribute('data-current')).toBe('true');
    expect(await page.getByTestId('link-issues').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a diverging run stops with a message and keeps its curves', async () => {
    const { page, errors } = await open(
      'v=1&data=xor&samples=100&net=64-float-linear,64-float-linear,64-float-linear&init=glorot&opt=sgd&lr=10&epochs=20&replicas=1',
    );
    await playToEnd(page);
    expect(await state(page)).toBe('stopped');
    expect(await page.getByTestId('run-message').textContent()).toMatch(
      /training diverged: the loss of replica 0 is .* at epoch \d+/,
    );
    const record = await exportJson(page);
    expect(record.status).toBe('diverged');
    expect(record.epochs[0]).toBe(0);
    expect(await curvePixels(page, 'loss')).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a lost GPU stops the run with a message and keeps its curves', async () => {
    const { page, errors } = await open('v=1&epochs=500&replicas=1');
    await page.getByTestId('play').click();
    await expect
      .poll(
        async () => Number(/epoch (\d+)/.exec((await page.getByTestId('epoch').textContent()) ?? '')?.[1]),
        { timeout: 60_000 },
      )
      .toBeGreaterThanOrEqual(12);
    // The curves are live: the epoch axis has grown past its first 10 epochs.
    await expect
      .poll(async () => Number(await page.getByTestId('chart-loss').getAttribute('data-x-max')))
      .toBeGreaterThanOrEqual(12);
    const cdp = await app.browser.newBrowserCDPSession();
    await cdp.send('Browser.crashGpuProcess' as never);
    await expect.poll(() => state(page), { timeout: 30_000 }).toBe('stopped');
    expect(await page.getByTestId('run-message').textContent()).toMatch(/the GPU device was lost/);
    expect(await page.getByTestId('gpu-error').textContent()).toMatch(/GPU device was lost.*Reload the page/);
    const record = await exportJson(page);
    expect(record.status).toBe('interrupted');
    expect(record.epochs.length).toBeGreaterThanOrEqual(13);
    // The crash clears the page's canvases; the charts draw again when the browser restores them.
    await expect.poll(() => curvePixels(page, 'loss'), { timeout: 20_000 }).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('DNN vs BNN trains both on shared axes; the theme toggle switches page and charts', async () => {
    const { page, errors } = await open('v=1&epochs=2&replicas=1');
    await page.getByTestId('view-compare').click();
    await expect.poll(() => page.url()).toMatch(/#compare&v=1&replicas=1&epochs=2$/);
    await playToEnd(page);
    expect(await state(page)).toBe('done');
    const dnn = await exportJson(page, 0);
    const bnn = await exportJson(page, 1);
    expect(dnn.layers.slice(0, -1).every((l) => !l.binary && l.activation === 'tanh')).toBe(true);
    expect(bnn.layers.slice(0, -1).every((l) => l.binary && l.batch_norm)).toBe(true);
    expect(dnn.config.seed).toBe(bnn.config.seed);
    expect(dnn.epochs).toEqual(bnn.epochs);
    expect(await page.locator('compare-view info-plane').count()).toBe(2);
    // Both runs on one loss chart: the DNN's and the BNN's colours (light theme).
    const loss = page.locator('compare-view metric-chart[metric="loss"] canvas');
    expect((await pixels(loss, [204, 121, 167])).matching).toBeGreaterThan(10);
    expect((await pixels(loss, [0, 158, 115])).matching).toBeGreaterThan(10);
    // Dark theme: the page and the charts follow (the BNN's colour on the dark palette).
    await page.getByTestId('theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await expect.poll(async () => (await pixels(loss, [43, 217, 160])).matching).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    await page.close();
  });
});
