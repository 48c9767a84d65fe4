/**
 * Figures for a paper (src/view/figure-draw.ts, svg-context.ts, caption.ts), in Node: the figure drawn
 * into the SVG context is a well-formed SVG of the stated size, with one circle per plane point, the
 * axes' round ticks, every layer in the legend and the caption naming the run and its link; several
 * runs' curves take the comparison's pair of colours, or one colour per run past two.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/run-config.ts';
import { runCaption, runTitle } from '../src/view/caption.ts';
import { layerColor, seriesColors } from '../src/view/colors.ts';
import { drawFigure, type FigureInput, figureSize, niceTicks } from '../src/view/figure-draw.ts';
import { emptyPlane, type PlaneData } from '../src/view/plane.ts';
import { SvgContext } from '../src/view/svg-context.ts';

const pt = (epoch: number, x: number, y: number) => ({ epoch, x, y, sx: 0, sy: 0, unreliable: false });

const plane: PlaneData = {
  ...emptyPlane(4),
  layers: ['hidden 1', 'hidden 2', 'hidden 3'].map((name, i) => ({
    layer: i,
    name,
    binaryOutput: true,
    width: 5 - i,
    points: [pt(0, 1 + i, 0.1), pt(2, 2 + i, 0.3), pt(4, 3 + i, 0.5)],
    replicas: [],
    unreliableNow: false,
    unreliableShare: 0,
  })),
  count: 3,
  maxEpoch: 4,
  ceilings: { ixt: 12, ity: 1 },
  xRange: [0, 12.5],
  yRange: [0, 1.2],
};

const curve = (a: number) => ({
  x: [0, 2, 4],
  series: [
    {
      label: 'train',
      split: 'train' as const,
      run: 0,
      mean: [a, a * 0.8, a * 0.7],
      lo: [a, a * 0.7, a * 0.6],
      hi: [a, a * 0.9, a * 0.8],
    },
    {
      label: 'test',
      split: 'test' as const,
      run: 0,
      mean: [a, a * 0.85, a * 0.75],
      lo: [a, a, a],
      hi: [a, a, a],
    },
  ],
});

const config = { ...defaultConfig(), epochs: 4, replicas: 2 };
const link = `https://example.org/#v=1&replicas=2&epochs=4&${'x'.repeat(200)}`;
const input: FigureInput = {
  plane,
  loss: curve(0.7),
  acc: curve(0.5),
  epochs: 4,
  runs: 1,
  title: runTitle(config),
  caption: runCaption(config, 'google / swiftshader', link),
  theme: 'light',
  replicaMode: 'band',
};

function svgOf(kind: 'figure' | 'plane' | 'loss' | 'acc'): { svg: string; drawn: string[] } {
  const { width, height } = figureSize(kind, input.caption.length);
  const ctx = new SvgContext(width, height);
  const drawn = drawFigure(ctx as unknown as CanvasRenderingContext2D, kind, input);
  return { svg: ctx.toString(), drawn };
}

describe('figures', () => {
  it('the caption names the dataset, network, epochs, replicas, seed, estimator, adapter and the whole link', () => {
    const cap = input.caption;
    expect(cap[0]).toBe(
      'Dataset bits12 · network 10-7-5-4-3 (binary weights, ste_sign, batch norm) · 4 epochs · 2 replicas · seed 1',
    );
    expect(cap[1]).toMatch(
      /^Estimator: binary layers by their exact sign codes; float layers fixed, 30 bins over \[-1, 1\] · full set · adapter google \/ swiftshader$/,
    );
    expect(cap.slice(2).join('')).toBe(`Link: ${link}`);
    expect(cap.every((l) => l.length <= 150)).toBe(true);
  });

  it('the figure SVG holds the three panels, every point, the legend and the caption', () => {
    const { svg, drawn } = svgOf('figure');
    expect(drawn).toEqual(['plane', 'loss', 'acc']);
    const { width, height } = figureSize('figure', input.caption.length);
    expect(svg).toMatch(
      new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"`),
    );
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // Every plane point is a full circle (two arcs); the layer labels 1-3 sit beside the last points.
    const filled = svg.match(/<path d="M[^"]*a3\.4 3\.4 0 1 0[^"]*" fill="(?!none)/g) ?? [];
    expect(filled.length).toBe(9);
    for (const l of [
      'hidden 1 (binary)',
      'hidden 2 (binary)',
      'hidden 3 (binary)',
      'train',
      'test',
      'I(X;T), bits',
      'accuracy',
    ])
      expect(svg).toContain(`>${l}</text>`);
    for (const line of input.caption) expect(svg).toContain(`>${line.replace(/&/g, '&amp;')}</text>`);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('curves of several runs: the pair in the comparison colours, more by index (the capacity view)', () => {
    const runsOf = (n: number) => {
      const one = curve(0.7);
      const series = Array.from({ length: n }, (_, run) =>
        one.series.map((s) => ({ ...s, label: `${run} ${s.label}`, run })),
      ).flat();
      const loss = { x: one.x, series };
      const { width, height } = figureSize('loss', input.caption.length);
      const ctx = new SvgContext(width, height);
      drawFigure(ctx as unknown as CanvasRenderingContext2D, 'loss', { ...input, loss, runs: n });
      return ctx.toString();
    };
    const strokes = (svg: string) =>
      new Set([...svg.matchAll(/stroke="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1].toUpperCase()));
    const five = strokes(runsOf(5));
    for (let k = 0; k < 5; k++) expect(five.has(layerColor(k, 'light').toUpperCase())).toBe(true);
    const two = strokes(runsOf(2));
    const p = seriesColors('light');
    expect(two.has(p.dnn.toUpperCase()) && two.has(p.bnn.toUpperCase())).toBe(true);
    expect(two.has(layerColor(4, 'light').toUpperCase())).toBe(false); // the fifth run's colour
  });

  it('one chart alone, and round ticks', () => {
    expect(svgOf('plane').drawn).toEqual(['plane']);
    expect(svgOf('loss').drawn).toEqual(['loss']);
    expect(svgOf('acc').svg).not.toContain('I(X;T), bits');
    expect(niceTicks(0, 12.5)).toEqual([0, 2.5, 5, 7.5, 10, 12.5]);
    expect(niceTicks(0, 1.2)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0.5, 0.5)).toEqual([0.5]);
  });
});
