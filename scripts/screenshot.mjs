#!/usr/bin/env node
// Screenshots of the app in Debian's Chromium (the e2e tests' browser, WebGPU on SwiftShader):
//
//   node scripts/screenshot.mjs                                  # docs/screenshot.png: the playground at 1280×800
//   node scripts/screenshot.mjs --link 'v=1&lr=0.01' --epochs 40 --theme dark --out /tmp/dark.png
//   node scripts/screenshot.mjs --width 390 --height 844 --out /tmp/narrow.png --full
//   node scripts/screenshot.mjs --link checks --still --out /tmp/checks.png     # no run: just the page
//
// It builds the app, opens the link, presses play, waits until `--epochs` epochs are trained (or the
// run ends), then saves the page. TypeScript helpers (test/browser.ts) load through Vite's module runner.
import { parseArgs } from 'node:util';
import { withSources } from './module-runner.mjs';

const { values: opt } = parseArgs({
  options: {
    link: { type: 'string', default: 'v=1&lr=0.01&epochs=150&log=idnn&logpoints=60' },
    epochs: { type: 'string', default: '150' },
    theme: { type: 'string', default: 'light' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '800' },
    out: { type: 'string', default: 'docs/screenshot.png' },
    full: { type: 'boolean', default: false },
    still: { type: 'boolean', default: false },
  },
});

process.env.NODEVICE_SELECT ??= '1';
await withSources(async (load) => {
  const { serveApp } = await load('/test/browser.ts');
  const app = await serveApp();
  try {
    const context = await app.browser.newContext({
      viewport: { width: Number(opt.width), height: Number(opt.height) },
      colorScheme: opt.theme === 'dark' ? 'dark' : 'light',
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${app.url}#${opt.link}`);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    if (!opt.still) {
      await page.getByTestId('play').click();
      const target = Number(opt.epochs);
      const t0 = Date.now();
      for (;;) {
        const text = (await page.getByTestId('epoch').textContent()) ?? '';
        const state = await page.getByTestId('run-state').getAttribute('data-state');
        const epoch = Number(/epoch (\d+)/.exec(text)?.[1] ?? 0);
        if (epoch >= target || state === 'done' || state === 'stopped') break;
        if (Date.now() - t0 > 300_000) throw new Error(`still at epoch ${epoch} after 5 minutes`);
        await page.waitForTimeout(500);
      }
      const pause = page.getByTestId('pause');
      if (await pause.count()) await pause.click();
      await page.waitForTimeout(800);
    }
    await page.mouse.move(0, 0);
    await page.screenshot({ path: opt.out, fullPage: opt.full });
    console.log(`wrote ${opt.out}`);
  } finally {
    await app.close();
  }
});
