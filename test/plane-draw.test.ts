/**
 * The information plane's drawing (src/view/plane-draw.ts) and the PNG legend's layout
 * (src/view/legend-layout.ts), in Node: the plane is drawn into a context that records every call, and
 * the calls are checked against the data (points where the scales put them, hollow points, ceilings,
 * hidden layers, the epoch scrubber's cut).
 */
import { describe, expect, it } from 'vitest';
import { chrome } from '../src/view/colors.ts';
import { flowLegend, legendRows } from '../src/view/legend-layout.ts';
import type { PlaneData, PlanePoint, PlaneTrajectory } from '../src/view/plane.ts';
import { drawPlane, type PlaneFrame, shownPoints } from '../src/view/plane-draw.ts';
import { nearestPoint, panRange, spanRange, valuesAt } from '../src/view/plane-read.ts';

interface Call {
  op: string;
  args: unknown[];
  fillStyle?: unknown;
}

/** A 2-D context that records its method calls (with the fill style at the time) and accepts any property. */
function recorder(): { ctx: CanvasRenderingContext2D; calls: Call[] } {
  const calls: Call[] = [];
  const state: Record<string, unknown> = {};
  const ctx = new Proxy(state, {
    get: (t, k: string) =>
      k in t ? t[k] : (...args: unknown[]) => calls.push({ op: k, args, fillStyle: t.fillStyle }),
    set: (t, k: string, v) => {
      t[k] = v;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
  return { ctx, calls };
}

const pt = (epoch: number, x: number, y: number, extra: Partial<PlanePoint> = {}): PlanePoint => ({
  epoch,
  x,
  y,
  sx: 0,
  sy: 0,
  unreliable: false,
  ...extra,
});

function layer(li: number, name: string, points: PlanePoint[]): PlaneTrajectory {
  return {
    layer: li,
    name,
    binaryOutput: false,
    width: 4,
    points,
    replicas: [points.map((p) => ({ epoch: p.epoch, x: p.x + 0.1, y: p.y }))],
    unreliableNow: false,
    unreliableShare: 0,
  };
}

const plane: PlaneData = {
  layers: [
    layer(0, 'hidden 1', [
      pt(1, 1, 0.2),
      pt(5, 2, 0.5, { sx: 0.5, sy: 0.1 }),
      pt(10, 3, 0.9, { unreliable: true }),
    ]),
    layer(1, 'output', [pt(1, 0.5, 0.1), pt(5, 0.7, 0.3), pt(10, 0.9, 0.6)]),
  ],
  maxEpoch: 10,
  epochs: 10,
  ceilings: { ixt: 12, ity: 1 },
  xRange: [0, 12.5],
  yRange: [0, 1.2],
  count: 3,
};

// 100 device pixels per bit on x, 400 per bit on y (upwards), plot area at (50, 10).
const frame: PlaneFrame = {
  left: 50,
  top: 10,
  width: 1250,
  height: 480,
  pr: 1,
  x: (v) => 50 + 100 * v,
  y: (v) => 490 - 400 * v,
};

const arcs = (calls: Call[]) => calls.filter((c) => c.op === 'arc').map((c) => [c.args[0], c.args[1]]);
const texts = (calls: Call[]) => calls.filter((c) => c.op === 'fillText').map((c) => c.args[0]);

describe('drawPlane', () => {
  it('draws every point where the scales put it, the ceilings and the layer labels', () => {
    const { ctx, calls } = recorder();
    drawPlane(ctx, plane, frame, { theme: 'light', replicaMode: 'band' });
    expect(arcs(calls)).toEqual([
      [150, 410],
      [250, 290],
      [350, 130],
      [100, 450],
      [120, 370],
      [140, 250],
    ]);
    expect(texts(calls)).toEqual(['H(Y) = 1', 'log₂N = 12', '1', 'out']);
    // The ceilings: a dashed vertical line at log2 N = 12 (x = 1250) and a horizontal one at H(Y) = 1.
    expect(
      calls
        .filter((c) => c.op === 'moveTo')
        .slice(0, 2)
        .map((c) => c.args),
    ).toEqual([
      [1250, 10],
      [50, 90],
    ]);
    // The clip is the plot area.
    expect(calls.find((c) => c.op === 'rect')?.args).toEqual([50, 10, 1250, 480]);
  });

  it('draws a near-ceiling point hollow (filled with the background) and the others filled', () => {
    const { ctx, calls } = recorder();
    drawPlane(ctx, plane, frame, { theme: 'dark', replicaMode: 'band' });
    const fills = calls.filter((c) => c.op === 'fill' && c.fillStyle === chrome('dark').background);
    expect(fills.length).toBe(1);
  });

  it('draws one ellipse per point with a spread in band mode, the replica paths in paths mode', () => {
    const band = recorder();
    drawPlane(band.ctx, plane, frame, { theme: 'light', replicaMode: 'band' });
    const ellipses = band.calls.filter((c) => c.op === 'ellipse');
    expect(ellipses.map((c) => c.args.slice(0, 4))).toEqual([[250, 290, 50, 40]]);
    const paths = recorder();
    drawPlane(paths.ctx, plane, frame, { theme: 'light', replicaMode: 'paths' });
    expect(paths.calls.some((c) => c.op === 'ellipse')).toBe(false);
    // Each replica path starts 0.1 bit (10 px) right of the mean's first point.
    const starts = paths.calls.filter((c) => c.op === 'moveTo').map((c) => c.args);
    expect(starts).toContainEqual([160, 410]);
    expect(starts).toContainEqual([110, 450]);
  });

  it('leaves hidden layers out and cuts every layer at the scrubbed epoch', () => {
    const hidden = recorder();
    drawPlane(hidden.ctx, plane, frame, { theme: 'light', replicaMode: 'band', hidden: new Set([0]) });
    expect(arcs(hidden.calls)).toEqual([
      [100, 450],
      [120, 370],
      [140, 250],
    ]);
    expect(texts(hidden.calls)).not.toContain('1');
    const cut = recorder();
    drawPlane(cut.ctx, plane, frame, { theme: 'light', replicaMode: 'band', upTo: 5 });
    expect(arcs(cut.calls)).toEqual([
      [150, 410],
      [250, 290],
      [100, 450],
      [120, 370],
    ]);
    expect(shownPoints(plane.layers[0].points, 0)).toEqual([]);
  });
});

describe('drawPlane marks', () => {
  it('rings the points of the cursor epoch, one per shown layer, around the point', () => {
    const { ctx, calls } = recorder();
    drawPlane(ctx, plane, frame, { theme: 'light', replicaMode: 'band', mark: 5, hidden: new Set([1]) });
    const rings = calls.filter((c) => c.op === 'arc' && (c.args[2] as number) > 3.4);
    expect(rings.map((c) => c.args.slice(0, 3))).toEqual([[250, 290, 6.4]]);
  });
});

describe('reading the plane', () => {
  const px = { x: frame.x, y: frame.y };
  it('finds the shown point nearest the cursor within the radius, mean or replica', () => {
    expect(nearestPoint(plane, px, 252, 288, { replicaMode: 'band', radius: 14 })).toMatchObject({
      layer: 0,
      name: 'hidden 1',
      replica: null,
      epoch: 5,
      x: 2,
      sx: 0.5,
    });
    expect(nearestPoint(plane, px, 700, 100, { replicaMode: 'band', radius: 14 })).toBeUndefined();
    // The replica's own point (0.1 bit, 10 px, to the right) in paths mode.
    expect(nearestPoint(plane, px, 261, 290, { replicaMode: 'paths', radius: 4 })).toMatchObject({
      layer: 0,
      replica: 0,
      epoch: 5,
    });
    // Hidden layers and points after the scrubbed epoch are not picked.
    expect(
      nearestPoint(plane, px, 250, 290, { replicaMode: 'band', radius: 4, hidden: new Set([0]) }),
    ).toBeUndefined();
    expect(nearestPoint(plane, px, 350, 130, { replicaMode: 'band', radius: 4, upTo: 5 })).toBeUndefined();
  });

  it('gives the curves at an epoch, and the ranges of a drag and a pan', () => {
    const curve = {
      x: [0, 5, 10],
      series: [
        { label: 'train', split: 'train' as const, run: 0, mean: [1, 0.6, null], lo: [], hi: [] },
        { label: 'test', split: 'test' as const, run: 0, mean: [1.1, 0.7, 0.5], lo: [], hi: [] },
      ],
    };
    expect(valuesAt(curve, 5)).toEqual([
      { label: 'train', value: 0.6 },
      { label: 'test', value: 0.7 },
    ]);
    expect(valuesAt(curve, 10)).toEqual([{ label: 'test', value: 0.5 }]);
    expect(valuesAt(curve, 3)).toEqual([]);
    expect(spanRange(250, 150, (p) => (p - 50) / 100)).toEqual([1, 2]);
    expect(panRange([0, 10], 50, 500)).toEqual([-1, 9]);
    expect(panRange([0, 1], 100, 400, true)).toEqual([0.25, 1.25]);
  });
});

describe('flowLegend', () => {
  it('keeps entries on one row while they fit and wraps the rest, never past the width', () => {
    const widths = [80, 120, 100, 60, 200];
    const slots = flowLegend(widths, 300, 10);
    expect(slots).toEqual([
      { x: 0, row: 0 },
      { x: 90, row: 0 },
      { x: 0, row: 1 },
      { x: 110, row: 1 },
      { x: 0, row: 2 },
    ]);
    expect(legendRows(slots)).toBe(3);
    slots.forEach((s, i) => {
      expect(s.x + widths[i]).toBeLessThanOrEqual(300);
    });
  });

  it('gives an entry wider than the strip a row of its own, and an empty legend no rows', () => {
    expect(flowLegend([50, 500, 50], 300, 10)).toEqual([
      { x: 0, row: 0 },
      { x: 0, row: 1 },
      { x: 0, row: 2 },
    ]);
    expect(legendRows(flowLegend([], 300, 10))).toBe(0);
  });
});
