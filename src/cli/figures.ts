/**
 * Result records as PNG figures, drawn by the app's own chart components (components/figure-sheet.ts on
 * figure.html) in headless Chromium, for `bitplane reproduce`. Node only.
 *
 *   await renderFigures([{ record, title: '12-bit task, BNN, ste_sign', path: 'out/bits12-bnn.png' }]);
 *
 * One build and one browser for all the items; each figure is the sheet's element screenshot, 1200 CSS
 * px wide at FIGURE_SCALE device pixels per px, or at 1 where that PNG would pass FIGURE_MAX_BYTES (many
 * replicas' overlapping s.d. ellipses compress badly). The temporary build, the server and the browser
 * are always cleaned up. Without Chromium it throws, saying what to install (src/cli/serve-app.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../run/record.ts';
import type { FigureInk, RenderFigure } from '../view/figure.ts';
import { type ServedApp, serveApp } from './serve-app.ts';

export { chromiumAvailable } from './serve-app.ts';

/** Device pixels per CSS pixel: sharp text in a report; a typical figure is 1800 px wide, near 200 KB. */
export const FIGURE_SCALE = 1.5;
/** A PNG larger than this is drawn again at scale 1. */
export const FIGURE_MAX_BYTES = 300_000;

/** The figure page's window (components/figure-page.ts). */
type FigureWindow = Window & { renderFigure: RenderFigure };

export interface FigureItem {
  record: RunRecord;
  title: string;
  /** Where the PNG goes (its folder is created). */
  path: string;
}

export interface FigureResult {
  path: string;
  /** The PNG's size in pixels, and in bytes. */
  width: number;
  height: number;
  bytes: number;
  /** Coloured pixels per chart: 0 where a chart had nothing to draw (no logged epochs). */
  ink: FigureInk;
}

/** The figure page at one device scale, with the page's errors collected. */
async function openPage(app: ServedApp, scale: number): Promise<{ page: Page; errors: string[] }> {
  const context = await app.browser.newContext({
    viewport: { width: 1240, height: 900 },
    deviceScaleFactor: scale,
    colorScheme: 'light',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${app.url}figure.html`);
  await page.waitForFunction(() => typeof (window as FigureWindow).renderFigure === 'function', null, {
    timeout: 30_000,
  });
  return { page, errors };
}

export async function renderFigures(
  items: FigureItem[],
  options: { scale?: number; maxBytes?: number } = {},
): Promise<FigureResult[]> {
  if (!items.length) return [];
  const scales = [...new Set([options.scale ?? FIGURE_SCALE, 1])];
  const maxBytes = options.maxBytes ?? FIGURE_MAX_BYTES;
  const app = await serveApp({ webgpu: false, logLevel: 'error' });
  try {
    const pages = new Map<number, Promise<{ page: Page; errors: string[] }>>();
    const results: FigureResult[] = [];
    for (const item of items) {
      let png: Buffer | undefined;
      let ink: FigureInk | undefined;
      for (const scale of scales) {
        if (!pages.has(scale)) pages.set(scale, openPage(app, scale));
        const { page, errors } = await pages.get(scale)!;
        ink = await page.evaluate(([record, title]) => (window as FigureWindow).renderFigure(record, title), [
          item.record,
          item.title,
        ] as const);
        if (errors.length) throw new Error(`figure "${item.title}": the page failed: ${errors.join('; ')}`);
        png = await page
          .locator('figure-sheet[data-ready]')
          .screenshot({ animations: 'disabled', caret: 'hide' });
        if (png.length <= maxBytes) break;
      }
      mkdirSync(dirname(item.path), { recursive: true });
      writeFileSync(item.path, png!);
      // The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
      results.push({
        path: item.path,
        width: png!.readUInt32BE(16),
        height: png!.readUInt32BE(20),
        bytes: png!.length,
        ink: ink!,
      });
    }
    return results;
  } finally {
    await app.close();
  }
}
