/**
 * A run as a figure for a paper, drawn on any 2-D context (a canvas for PNG at any scale, SvgContext for
 * SVG): the information plane, the loss and the accuracy laid out together (or one of them alone), with
 * axes, legends and a caption naming the run (src/view/caption.ts). Units are CSS pixels: a PNG at 2×
 * or 3× scales the canvas context before drawing. Linear axes (the figure does not follow the app's log
 * toggles).
 */

import { chrome, epochColor, layerColor, seriesColors, type Theme, withAlpha } from './colors.ts';
import type { CurveData } from './curves.ts';
import { formatMetric } from './format.ts';
import { flowLegend, legendRows } from './legend-layout.ts';
import { niceTop, type PlaneData } from './plane.ts';
import { drawPlane, type PlaneFrame } from './plane-draw.ts';

export type FigureKind = 'figure' | 'plane' | 'loss' | 'acc';

export interface FigureInput {
  plane: PlaneData;
  loss: CurveData;
  acc: CurveData;
  /** The planned last epoch (the curves' x axis end). */
  epochs: number;
  /** Several runs: curves coloured by run (the comparison's pair; past two, by index), test dashed. */
  runs: number;
  title: string;
  caption: string[];
  theme: Theme;
  replicaMode: 'band' | 'paths';
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const FONT = '11px system-ui, sans-serif';
const CAPTION_LINE = 14;

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.round(v / step) * step + 0); // + 0: no -0
  return out;
}

/** Grid, ticks and axis labels of a panel; returns the value → pixel maps. */
function drawAxes(
  ctx: CanvasRenderingContext2D,
  b: Box,
  xr: [number, number],
  yr: [number, number],
  labels: [string, string],
  theme: Theme,
): PlaneFrame {
  const c = chrome(theme);
  const x = (v: number) => b.x + ((v - xr[0]) / (xr[1] - xr[0])) * b.w;
  const y = (v: number) => b.y + b.h - ((v - yr[0]) / (yr[1] - yr[0])) * b.h;
  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.fillStyle = c.text;
  ctx.strokeStyle = c.grid;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(xr[0], xr[1])) {
    ctx.beginPath();
    ctx.moveTo(x(t), b.y);
    ctx.lineTo(x(t), b.y + b.h);
    ctx.stroke();
    ctx.fillText(formatMetric(t, 3), x(t), b.y + b.h + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(yr[0], yr[1])) {
    ctx.beginPath();
    ctx.moveTo(b.x, y(t));
    ctx.lineTo(b.x + b.w, y(t));
    ctx.stroke();
    ctx.fillText(formatMetric(t, 3), b.x - 5, y(t));
  }
  ctx.strokeStyle = c.axis;
  ctx.beginPath();
  ctx.rect(b.x, b.y, b.w, b.h);
  ctx.stroke();
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(labels[0], b.x + b.w / 2, b.y + b.h + 20);
  ctx.save();
  ctx.translate(b.x - 38, b.y + b.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'bottom';
  ctx.fillText(labels[1], 0, 0);
  ctx.restore();
  return { left: b.x, top: b.y, width: b.w, height: b.h, pr: 1, x, y };
}

function seriesColor(theme: Theme, runs: number, s: CurveData['series'][number]): string {
  const p = seriesColors(theme);
  if (runs > 2) return layerColor(s.run, theme); // as the app's charts colour many runs (runColors)
  if (runs > 1) return s.run === 0 ? p.dnn : p.bnn;
  return s.split === 'train' ? p.train : p.test;
}

function drawCurves(ctx: CanvasRenderingContext2D, f: PlaneFrame, d: CurveData, input: FigureInput) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  for (const s of d.series) {
    const color = seriesColor(input.theme, input.runs, s);
    const idx = d.x.map((_, i) => i).filter((i) => s.lo[i] != null && s.hi[i] != null);
    if (idx.length > 1) {
      ctx.fillStyle = withAlpha(color, 0.16);
      ctx.beginPath();
      for (const [k, i] of idx.entries()) {
        if (k) ctx.lineTo(f.x(d.x[i]), f.y(s.hi[i]!));
        else ctx.moveTo(f.x(d.x[i]), f.y(s.hi[i]!));
      }
      for (const i of [...idx].reverse()) ctx.lineTo(f.x(d.x[i]), f.y(s.lo[i]!));
      ctx.closePath();
      ctx.fill();
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.7;
    ctx.setLineDash(input.runs > 1 && s.split === 'test' ? [6, 4] : []);
    ctx.beginPath();
    let started = false;
    d.x.forEach((x, i) => {
      const v = s.mean[i];
      if (v === null || !Number.isFinite(v)) return;
      if (started) ctx.lineTo(f.x(x), f.y(v));
      else ctx.moveTo(f.x(x), f.y(v));
      started = true;
    });
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
}

function curveRange(d: CurveData, acc: boolean): [number, number] {
  const vs = d.series
    .flatMap((s) => [...s.mean, ...s.hi, ...s.lo])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (!vs.length) return [0, 1];
  if (acc)
    return [
      Math.max(0, Math.floor(Math.min(...vs) * 10) / 10),
      Math.min(1, Math.ceil(Math.max(...vs) * 10) / 10 || 1),
    ];
  return [0, niceTop(Math.max(...vs) * 1.05)];
}

/** A legend row set under a panel: swatches (filled bars or lines) and labels, wrapped to the width. */
function drawLegend(
  ctx: CanvasRenderingContext2D,
  x: number,
  top: number,
  width: number,
  entries: { label: string; color: string; dashed?: boolean }[],
  theme: Theme,
): number {
  ctx.font = FONT;
  const slots = flowLegend(
    entries.map((e) => 20 + ctx.measureText(e.label).width),
    width,
    12,
  );
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  slots.forEach((slot, i) => {
    const e = entries[i];
    const y = top + 9 + slot.row * 18;
    ctx.strokeStyle = e.color;
    ctx.lineWidth = 2.5;
    ctx.setLineDash(e.dashed ? [5, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x + slot.x, y);
    ctx.lineTo(x + slot.x + 15, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = chrome(theme).text;
    ctx.fillText(e.label, x + slot.x + 20, y);
  });
  return legendRows(slots) * 18;
}

/** The figure's size in CSS pixels for a kind and a caption of `lines` lines. */
export function figureSize(kind: FigureKind, lines: number): { width: number; height: number } {
  const width = kind === 'figure' ? 1000 : kind === 'plane' ? 600 : 480;
  const body = kind === 'figure' || kind === 'plane' ? 560 : 340;
  return { width, height: 34 + body + 16 + lines * CAPTION_LINE + 12 };
}

/** Draws the figure (background included) in CSS pixels; returns the panels drawn, for tests. */
export function drawFigure(ctx: CanvasRenderingContext2D, kind: FigureKind, input: FigureInput): string[] {
  const { width, height } = figureSize(kind, input.caption.length);
  const c = chrome(input.theme);
  ctx.fillStyle = c.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = c.text;
  ctx.font = '600 15px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(input.title, 14, 18);
  const drawn: string[] = [];
  const plane = input.plane;
  if (kind === 'figure' || kind === 'plane') {
    const b = { x: 62, y: 44, w: 500, h: 400 };
    const f = drawAxes(ctx, b, plane.xRange, plane.yRange, ['I(X;T), bits', 'I(T;Y), bits'], input.theme);
    drawPlane(ctx, plane, f, { theme: input.theme, replicaMode: input.replicaMode });
    // The epoch colour bar, then the layers.
    const barTop = b.y + b.h + 46;
    ctx.font = FONT;
    ctx.fillStyle = c.text;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText('epoch 0', b.x, barTop);
    const bx = b.x + ctx.measureText('epoch 0').width + 6;
    for (let i = 0; i < 110; i++) {
      ctx.fillStyle = epochColor(i / 110, input.theme);
      ctx.fillRect(bx + i, barTop - 5, 1, 10);
    }
    ctx.fillStyle = c.text;
    ctx.fillText(String(plane.epochs), bx + 116, barTop);
    drawLegend(
      ctx,
      b.x,
      barTop + 10,
      b.w,
      plane.layers.map((l, i) => ({
        label: `${l.name}${l.binaryOutput ? ' (binary)' : ''}`,
        color: layerColor(i, input.theme),
      })),
      input.theme,
    );
    drawn.push('plane');
  }
  const curvePanel = (d: CurveData, acc: boolean, b: Box) => {
    const xr: [number, number] = [0, Math.max(1, input.epochs, d.x[d.x.length - 1] ?? 0)];
    const f = drawAxes(
      ctx,
      b,
      xr,
      curveRange(d, acc),
      ['epoch', acc ? 'accuracy' : 'loss (cross-entropy)'],
      input.theme,
    );
    drawCurves(ctx, f, d, input);
    drawLegend(
      ctx,
      b.x,
      b.y + b.h + 38,
      b.w,
      d.series.map((s) => ({
        label: s.label,
        color: seriesColor(input.theme, input.runs, s),
        dashed: input.runs > 1 && s.split === 'test',
      })),
      input.theme,
    );
    drawn.push(acc ? 'acc' : 'loss');
  };
  if (kind === 'figure') {
    curvePanel(input.loss, false, { x: 680, y: 44, w: 300, h: 180 });
    curvePanel(input.acc, true, { x: 680, y: 330, w: 300, h: 180 });
  } else if (kind === 'loss') curvePanel(input.loss, false, { x: 70, y: 44, w: 390, h: 220 });
  else if (kind === 'acc') curvePanel(input.acc, true, { x: 70, y: 44, w: 390, h: 220 });
  // The caption, under everything.
  ctx.font = '10.5px system-ui, sans-serif';
  ctx.fillStyle = c.text;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const top = height - input.caption.length * CAPTION_LINE - 8;
  for (const [i, line] of input.caption.entries()) ctx.fillText(line, 14, top + i * CAPTION_LINE + 7);
  return drawn;
}
