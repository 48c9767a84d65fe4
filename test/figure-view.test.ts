/**
 * The figure's pure parts (src/view/figure.ts): its caption from a record, its epoch axis, which layers
 * its legend marks unreliable (the report's rule), and the coloured-pixel count that tells a drawn chart
 * from an empty one. The drawing itself is tested in
 * Chromium (test/e2e/figures.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { UNRELIABLE_SHARE } from '../src/info/reliability.ts';
import { analyzeRecord } from '../src/study/reproduction-analysis.ts';
import { chrome, layerColor, seriesColors, viridisRgb } from '../src/view/colors.ts';
import {
  colouredPixels,
  figureCaption,
  figureLogX,
  UNRELIABLE_RULE,
  unreliableLayers,
} from '../src/view/figure.ts';
import { planeData } from '../src/view/plane.ts';
import { binaryHidden, floatHidden, syntheticRecord } from './figure-records.ts';

const idnn = [0, 1, 3, 10, 30, 100, 300];

describe('figure caption', () => {
  it('says what was trained, how, and how it was estimated', () => {
    const rec = syntheticRecord({
      replicas: 2,
      epochs: idnn,
      hidden: binaryHidden([10, 7, 5]),
      schedule: 'idnn',
    });
    const { lines, warning } = figureCaption(rec);
    expect(warning).toBeNull();
    expect(lines[0]).toBe(
      'bits12 (3277 train, 819 test) · 12–10–7–5–2 · hidden: binary weights + BN, ste_sign · Adam lr 0.0004, batch 512',
    );
    expect(lines[1]).toBe(
      '2 replicas from seed 1 · 300 epochs, 7 logged (idnn schedule) · I(X;T), I(T;Y) over the full set (n = 4096): sign codes counted exactly',
    );
    expect(lines[2]).toBe(`Google / swiftshader / SwiftShader Device (Subzero), 1:23 · #${rec.link}`);
    expect(rec.link).toContain('replicas=2');
  });

  it('lists mixed layers one by one, names the float binning, and warns about a run that stopped', () => {
    const hidden = [...floatHidden([10]), ...binaryHidden([7])];
    const rec = syntheticRecord({
      replicas: 1,
      epochs: [0, 1, 2],
      hidden,
      status: 'diverged',
      message: 'the loss became NaN at epoch 3',
    });
    rec.config.epochs = 50;
    const { lines, warning } = figureCaption(rec);
    expect(lines[0]).toContain('hidden: 10 float weights, tanh; 7 binary weights + BN, ste_sign');
    expect(lines[1]).toContain('1 replica from seed 1 · stopped at epoch 2 of 50, 3 logged (every schedule)');
    expect(lines[1]).toContain('sign codes counted exactly, 30 bins in [-1, 1]');
    expect(warning).toBe('diverged: the loss became NaN at epoch 3');
  });
});

describe('figure legend: unreliable layers', () => {
  // Three layers over 7 logged epochs and 2 replicas: the first is near log2 N only at the last epoch,
  // the second for most of the run but not at the end, the third in exactly half of its points.
  const rec = syntheticRecord({ replicas: 2, epochs: idnn, hidden: binaryHidden([10, 7, 5]) });
  const near = (l: number, r: number, i: number) =>
    l === 0 ? i === 6 : l === 1 ? i < 5 : (r === 0 && i < 4) || (r === 1 && i < 3);
  rec.info.near_ceiling = rec.info.near_ceiling.map((rep, r) =>
    rep.map((e, i) => e.map((_, l) => near(l, r, i))),
  );

  it('follows the report: near log2 N in more than half of the (replica, epoch) points', () => {
    expect(unreliableLayers(rec)).toEqual([false, true, false]);
    expect(analyzeRecord(rec).layers.map((l) => l.nearCeilingShare > UNRELIABLE_SHARE)).toEqual(
      unreliableLayers(rec),
    );
    // Not the app's rule (the latest point), which would flag the first layer and not the second.
    expect(planeData(rec).layers.map((l) => l.unreliableNow)).toEqual([true, false, false]);
  });

  it('the caption states the rule when a layer is marked, and only then', () => {
    const { lines } = figureCaption(rec);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(`≈ ceiling, unreliable: ${UNRELIABLE_RULE}.`);
    expect(UNRELIABLE_RULE).toContain('more than 50 % of the layer');
    const clean = syntheticRecord({ replicas: 2, epochs: idnn, hidden: binaryHidden([10, 7, 5]) });
    expect(unreliableLayers(clean)).toEqual([false, false, false]);
    expect(figureCaption(clean).lines).toHaveLength(3);
    const empty = syntheticRecord({ replicas: 2, epochs: [], hidden: binaryHidden([4]) });
    expect(unreliableLayers(empty)).toEqual([false]);
  });
});

describe('figure epoch axis', () => {
  it('is logarithmic for log-spaced schedules over long runs only', () => {
    const rec = (epochs: number[], schedule: 'idnn' | 'every') =>
      syntheticRecord({ replicas: 1, epochs, hidden: binaryHidden([4]), schedule });
    expect(figureLogX(rec(idnn, 'idnn'))).toBe(true);
    expect(figureLogX(rec(idnn, 'every'))).toBe(false);
    expect(figureLogX(rec([0, 1, 3, 10], 'idnn'))).toBe(false);
  });
});

describe('coloured pixels', () => {
  const rgba = (...pixels: [number, number, number, number][]) => Uint8ClampedArray.from(pixels.flat());
  const hex = (c: string): [number, number, number] =>
    [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];

  it('counts visible colours, not greys, white or faint fills', () => {
    const px = rgba(
      [255, 255, 255, 255], // background
      [35, 38, 45, 255], // axis text
      [0, 0, 0, 20], // grid (rgba(0,0,0,0.08))
      [0, 114, 178, 40], // a faint band
      [0, 114, 178, 255], // a layer's line
      [68, 1, 84, 255], // an epoch-0 point
    );
    expect(colouredPixels(px)).toBe(2);
    expect(colouredPixels(new Uint8ClampedArray(0))).toBe(0);
  });

  it('sees every chart colour: the series, the first seven layers, the whole epoch scale', () => {
    const c = chrome('light');
    const colours = [
      ...Object.values(seriesColors('light')).map(hex),
      ...Array.from({ length: 7 }, (_, i) => hex(layerColor(i, 'light'))),
      ...Array.from({ length: 11 }, (_, i) => viridisRgb(i / 10)),
    ];
    expect(colouredPixels(rgba(...colours.map((k) => [...k, 255] as [number, number, number, number])))).toBe(
      colours.length,
    );
    // The chrome is grey: an empty chart's axes and labels count nothing.
    expect(colouredPixels(rgba([...hex(c.text), 255], [...hex(c.background), 255]))).toBe(0);
  });
});
