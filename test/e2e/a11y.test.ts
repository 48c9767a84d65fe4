/**
 * End to end: accessibility (issue #16 point 6) in Debian's Chromium. axe-core (from node_modules,
 * injected into the page: nothing downloads) finds no serious or critical violation on the playground
 * after a run, the comparison, the capacity view after a run, the self-check and the benchmarks; every
 * chart is an image with a summary of its last values and a data table on demand; Space plays and
 * pauses, → steps, R resets, and typing in a field does none of it.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedApp, serveApp } from '../browser.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let app: ServedApp;
beforeAll(async () => {
  app = await serveApp();
});
afterAll(async () => {
  await app?.close();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe is injected as a script tag,
 * which the page's Content-Security-Policy (no inline or foreign scripts) would refuse: the test's pages
 * bypass the CSP (test/e2e/faults-csp.test.ts checks the CSP itself).
 */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Violation[] }> } }
    ).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`,
    );
}

const state = (page: Page) => page.getByTestId('run-state').first().getAttribute('data-state');

describe('accessibility', () => {
  it('keyboard, chart text alternatives, and no serious axe violation in the playground', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}#v=1&replicas=2&epochs=300`);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    // Typing a space into a field does not start the run.
    await page.locator('[data-field="seed"]').focus();
    await page.keyboard.press('Space');
    expect(await state(page)).toBe('idle');
    // Space plays, Space pauses, → steps one epoch, R resets.
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('Space');
    await expect.poll(() => state(page), { timeout: 60_000 }).toBe('running');
    await expect
      .poll(async () => (await page.getByTestId('epoch').textContent()) ?? '', { timeout: 60_000 })
      .toMatch(/epoch [1-9]/);
    await page.keyboard.press('Space');
    await expect.poll(() => state(page), { timeout: 30_000 }).toBe('paused');
    const epoch = async () =>
      Number(/epoch (\d+)/.exec((await page.getByTestId('epoch').textContent()) ?? '')?.[1]);
    const before = await epoch();
    await page.keyboard.press('ArrowRight');
    await expect.poll(epoch, { timeout: 30_000 }).toBe(before + 1);
    // Every chart: an image named by its last values, with its data on demand.
    const plane = page.getByTestId('info-plane');
    expect(await plane.getAttribute('role')).toBe('img');
    await expect
      .poll(() => plane.getAttribute('aria-label'))
      .toMatch(/^Information plane at epoch \d+: hidden 1 I\(X;T\) [\d.]+, I\(T;Y\) [\d.]+/);
    for (const metric of ['loss', 'acc']) {
      const chart = page.getByTestId(`chart-${metric}`);
      expect(await chart.getAttribute('role')).toBe('img');
      expect(await chart.getAttribute('aria-label')).toMatch(/at epoch \d+: train [\d.]+, test [\d.]+\.$/);
    }
    expect(await page.getByTestId('chart-table').count()).toBe(0);
    await page.locator('info-plane summary').click();
    const rows = page.locator('info-plane [data-testid="chart-table"] tbody tr');
    const points = Number(await plane.getAttribute('data-points'));
    await expect.poll(() => rows.count()).toBe(points);
    expect(await seriousViolations(page)).toEqual([]);
    // On a control (the table's summary has the focus now) R is the control's; on the page it resets.
    await page.keyboard.press('r');
    expect(await state(page)).toBe('paused');
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('r');
    await expect.poll(() => state(page)).toBe('idle');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('no serious axe violation in the comparison, the capacity view, the self-check and the benchmarks', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    for (const view of ['compare', 'capacity&v=1&epochs=2&replicas=1', 'checks', 'bench']) {
      await page.goto(`${app.url}#${view}`);
      await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
      if (view.startsWith('capacity')) {
        // Trained: the five planes, the legend's accuracies and the curves are on the page.
        await page.getByTestId('play').click();
        await expect
          .poll(() => page.getByTestId('run-state').first().getAttribute('data-state'), { timeout: 120_000 })
          .toBe('done');
      }
      if (view === 'checks')
        await expect
          .poll(async () => (await page.getByTestId('check-summary').textContent()) ?? '', {
            timeout: 120_000,
          })
          .toMatch(/match their CPU reference/);
      expect(await seriousViolations(page), view).toEqual([]);
    }
    await page.close();
  });
});
