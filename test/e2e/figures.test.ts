/**
 * End to end: `bitplane reproduce`'s figures (src/cli/figures.ts). Synthetic result records (no training)
 * are drawn by the app's own charts on figure.html in Debian's Chromium and saved as PNGs: each file is a
 * PNG of the sheet's size, under the size budget, with data drawn on every chart (coloured pixels counted
 * in the page), and a record with no logged epochs draws none. One build for the whole file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  FIGURE_MAX_BYTES,
  type FigureResult,
  renderFigures,
} from '../../src/cli/figures.ts';
import { binaryHidden, floatHidden, syntheticRecord } from '../figure-records.ts';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the PNG's first chunk, which must be IHDR. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const appDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('bitplane-app-'));

const logSpaced = (n: number, last: number) => [
  ...new Set(Array.from({ length: n }, (_, i) => Math.round((last + 1) ** (i / (n - 1)) - 1))),
];

let dir: string;
let results: FigureResult[];
let dirsBefore: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bitplane-figures-'));
  dirsBefore = appDirs();
  const bnn = syntheticRecord({
    replicas: 2,
    epochs: [0, 1, 3, 10, 30, 100, 300],
    hidden: binaryHidden([10, 7, 5]),
    schedule: 'idnn',
  });
  const dnn = syntheticRecord({
    replicas: 3,
    epochs: [0, 1, 2, 3, 4, 5],
    hidden: floatHidden([10, 7, 5, 4]),
  });
  const empty = syntheticRecord({ replicas: 2, epochs: [], hidden: binaryHidden([10, 7, 5]) });
  empty.info.ceilings = { ixt: 0, ity: 0 }; // the estimator has not run
  // Many replicas with wide spreads: their overlapping ellipses compress badly at scale 1.5.
  const dense = syntheticRecord({
    replicas: 8,
    epochs: logSpaced(200, 8000),
    hidden: floatHidden([10, 7, 5, 4, 3]),
    schedule: 'idnn',
  });
  results = await renderFigures([
    { record: bnn, title: 'BNN (synthetic)', path: join(dir, 'bnn.png') },
    { record: dnn, title: 'DNN (synthetic)', path: join(dir, 'nested', 'dnn.png') },
    { record: empty, title: 'Nothing logged', path: join(dir, 'empty.png') },
    { record: dense, title: '8 replicas, 200 logged epochs', path: join(dir, 'dense.png') },
  ]);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('figures of result records', () => {
  it('writes a PNG per record, 1200 CSS px wide at 1.5×, under the size budget', () => {
    expect(results.map((r) => r.path)).toEqual([
      join(dir, 'bnn.png'),
      join(dir, 'nested', 'dnn.png'),
      join(dir, 'empty.png'),
      join(dir, 'dense.png'),
    ]);
    for (const r of results.slice(0, 3)) {
      const bytes = readFileSync(r.path);
      const { width, height } = pngSize(bytes);
      expect(width).toBe(1800);
      expect(height).toBeGreaterThan(1.5 * 550);
      expect(height).toBeLessThan(1.5 * 950);
      expect({ width, height, bytes: bytes.length }).toEqual({
        width: r.width,
        height: r.height,
        bytes: r.bytes,
      });
      expect(bytes.length).toBeLessThan(FIGURE_MAX_BYTES);
    }
  });

  it('draws every chart of a record with logged epochs, and none of one without', () => {
    const [bnn, dnn, empty] = results;
    for (const r of [bnn, dnn]) {
      expect(r.ink.plane).toBeGreaterThan(3000);
      expect(r.ink.loss).toBeGreaterThan(800);
      expect(r.ink.acc).toBeGreaterThan(800);
    }
    expect(empty.ink).toEqual({ plane: 0, loss: 0, acc: 0 });
    expect(statSync(empty.path).size).toBeLessThan(statSync(bnn.path).size);
  });

  it('draws a figure too large at 1.5× again at 1×', () => {
    const dense = results[3];
    const bytes = readFileSync(dense.path);
    expect(pngSize(bytes).width).toBe(1200);
    expect(bytes.length).toBeLessThanOrEqual(FIGURE_MAX_BYTES);
    expect(dense.ink.plane).toBeGreaterThan(20_000);
  });

  it('cleans up its build', () => {
    expect(appDirs()).toEqual(dirsBefore);
  });

  it('says what to install when Chromium is missing', async () => {
    expect(chromiumAvailable()).toBe(true);
    const saved = process.env.BITPLANE_CHROMIUM;
    process.env.BITPLANE_CHROMIUM = join(dir, 'no-chromium-here');
    try {
      expect(chromiumAvailable()).toBe(false);
      const out = join(dir, 'never.png');
      await expect(
        renderFigures([
          {
            record: syntheticRecord({ replicas: 1, epochs: [0], hidden: binaryHidden([4]) }),
            title: 'x',
            path: out,
          },
        ]),
      ).rejects.toThrow(
        /not found at .*no-chromium-here.*sudo apt-get install -y chromium.*BITPLANE_CHROMIUM/,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.BITPLANE_CHROMIUM;
      else process.env.BITPLANE_CHROMIUM = saved;
    }
  });
});
