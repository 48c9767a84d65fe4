/**
 * The Content-Security-Policy of index.html and figure.html (docs/reliability.md, Security): present in
 * the built pages, enforced (an injected inline script does not run), and the app, a figure and the dev
 * server with its HMR connection all work under it with no violation reported.
 */
import type { Page } from 'playwright-core';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderFigure } from '../../src/view/figure.ts';
import { type ServedApp, serveApp } from '../browser.ts';
import { floatHidden, syntheticRecord } from '../figure-records.ts';

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

/** Every CSP violation the page reports (the DOM event, and Chromium's console message). */
function watchViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

async function expectEnforced(page: Page): Promise<void> {
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toMatch(/default-src 'self'; script-src 'self'; style-src 'self';/);
  expect(policy).not.toMatch(/unsafe-eval|https?:|\*/);
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    return (window as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(ran).toBe(false);
}

describe('Content-Security-Policy', () => {
  it('the built app starts under it and refuses inline scripts', async () => {
    const page = await app.browser.newPage();
    const violations = watchViolations(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.url);
    await page.locator('bitplane-app').waitFor({ timeout: 60_000 });
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await expectEnforced(page);
    expect(violations.length).toBe(1); // the injected script, and only it
    await page.close();
  });

  it('the figure page draws a record under it', async () => {
    const page = await app.browser.newPage();
    const violations = watchViolations(page);
    await page.goto(`${app.url}figure.html`);
    const record = syntheticRecord({ replicas: 2, epochs: [0, 1, 2, 4, 8], hidden: floatHidden([6, 4]) });
    await page.waitForFunction(() => 'renderFigure' in window, undefined, { timeout: 60_000 });
    const ink = await page.evaluate(
      ([r]) => (window as unknown as { renderFigure: RenderFigure }).renderFigure(r, 'csp'),
      [record] as const,
    );
    // every chart drew (its coloured pixels), so the adopted stylesheets and uPlot's canvas ran
    expect(ink.plane).toBeGreaterThan(0);
    expect(ink.loss).toBeGreaterThan(0);
    expect(ink.acc).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    await expectEnforced(page);
    await page.close();
  });

  it('the dev server with HMR works under it', async () => {
    const server = await createServer({
      logLevel: 'error',
      server: { port: 0, host: '127.0.0.1', strictPort: false },
    });
    await server.listen();
    try {
      const address = server.httpServer?.address();
      if (!address || typeof address === 'string') throw new Error('dev server has no port');
      const page = await app.browser.newPage();
      const violations = watchViolations(page);
      const connected = new Promise<void>((resolve) =>
        page.on('console', (m) => {
          if (/\[vite\] connected/.test(m.text())) resolve();
        }),
      );
      await page.goto(`http://127.0.0.1:${address.port}/`);
      await connected; // the HMR websocket (connect-src 'self')
      await page.locator('bitplane-app').waitFor({ timeout: 60_000 });
      expect(violations).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });
});
