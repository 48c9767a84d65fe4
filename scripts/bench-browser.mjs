#!/usr/bin/env node
// `npm run bench [-- --sizes 128,256 --kernels gemm,xnor_gemm --quick --json …]`: builds the app, serves
// it on localhost, opens the benchmark page in headless Chromium (WebGPU on; SwiftShader without a GPU:
// test/browser.ts), runs it and prints the page's Markdown table (or with --json its record). Takes the
// same options as `bitplane bench`. TypeScript modules load through Vite's module runner, as in
// bin/bitplane.mjs.
import { parseArgs } from 'node:util';
import { withSources } from './module-runner.mjs';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    kernels: { type: 'string' },
    sizes: { type: 'string' },
    rows: { type: 'string' },
    spans: { type: 'string' },
    'span-ms': { type: 'string' },
    budget: { type: 'string' },
    peers: { type: 'string' },
  },
});
let app;
const code = await withSources(async (load) => {
  const { parseBenchParams, benchFragment } = await load('/src/bench/settings.ts');
  const { serveApp } = await load('/test/browser.ts');
  const params = [];
  if (values.quick) params.push(['quick', '']);
  for (const key of ['kernels', 'sizes', 'rows', 'spans', 'span-ms', 'budget', 'peers']) {
    if (typeof values[key] === 'string') params.push([key.replace('-', '_'), values[key]]);
  }
  const { settings, issues } = parseBenchParams(params);
  if (issues.length) {
    for (const i of issues) console.error(`--${i.key.replace('_', '-')}: ${i.message}`);
    return 2;
  }
  const fragment = benchFragment(settings);
  console.error(`building and serving the app; opening #${fragment} in headless Chromium`);
  app = await serveApp();
  const page = await app.browser.newPage();
  const external = new Set();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.hostname !== '127.0.0.1' && u.protocol !== 'data:' && u.protocol !== 'blob:') external.add(r.url());
  });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${app.url}#${fragment}`);
  const run = page.getByTestId('bench-run');
  await page
    .waitForFunction(
      () => {
        const b = document
          .querySelector('bitplane-app')
          ?.shadowRoot?.querySelector('bench-page')
          ?.shadowRoot?.querySelector('[data-testid="bench-run"]');
        return b && !b.disabled;
      },
      null,
      { timeout: 120_000 },
    )
    .catch(async () => {
      const err = await page
        .getByTestId('gpu-error')
        .textContent()
        .catch(() => null);
      throw new Error(err ?? 'the benchmark page found no WebGPU adapter within 2 minutes');
    });
  await run.click();
  const status = page.getByTestId('bench-status');
  let last = '';
  for (;;) {
    const done = await status.getAttribute('data-done');
    const running = await status.getAttribute('data-running');
    const text = (await status.textContent())?.trim() ?? '';
    if (text !== last) console.error(text);
    last = text;
    if (done === 'true' || (running === 'false' && text.startsWith('stopped'))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (last.startsWith('stopped')) throw new Error(`the benchmark stopped: ${last}`);
  const record = JSON.parse(await page.getByTestId('bench-json').textContent());
  if (values.json) process.stdout.write(`${JSON.stringify(record, null, 1)}\n`);
  else process.stdout.write(await page.getByTestId('bench-markdown').textContent());
  if (external.size) console.error(`requests that left localhost: ${[...external].join(', ')}`);
  else console.error('no request left localhost (nothing was downloaded at run time)');
  return record.failures.length ? 1 : 0;
}).finally(() => app?.close());
process.exit(code);
