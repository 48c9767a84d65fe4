/**
 * Draws the information plane's content into a 2-D canvas context: the log2 N and H(Y) ceilings
 * (dashed, labelled), each layer's replicas (a ±1 s.d. ellipse per point, or each replica's faint path),
 * its mean trajectory in the layer's colour, and the points coloured by epoch above every line (oldest
 * first, so the newest stay visible; hollow where the estimate is near log2 N), with the layer's number
 * beside its latest point, and a ring around the points of the epoch under the linked cursor. A pure function of its inputs (no DOM): the chart element calls it from
 * uPlot's draw hook, and tests call it with a recording context.
 */
import { chrome, epochColor, layerColor, type Theme, withAlpha } from './colors.ts';
import { formatMetric } from './format.ts';
import { epochFraction, type PlaneData, type PlanePoint } from './plane.ts';

/** Where the plot area is on the canvas (device pixels) and how values map onto it. */
export interface PlaneFrame {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Device pixels per CSS pixel. */
  pr: number;
  /** I(X;T) → canvas x, I(T;Y) → canvas y (device pixels). */
  x(v: number): number;
  y(v: number): number;
}

export interface PlaneLook {
  theme: Theme;
  replicaMode: 'band' | 'paths';
  /** Layers (by index into plane.layers) not drawn. */
  hidden?: ReadonlySet<number>;
  /** Only points up to this epoch are drawn (the epoch scrubber); all when undefined. */
  upTo?: number;
  /** The epoch under the linked cursor: its points get a ring. */
  mark?: number;
}

/** The points a layer shows under `look.upTo`. */
export function shownPoints<P extends { epoch: number }>(points: readonly P[], upTo?: number): P[] {
  return upTo === undefined ? [...points] : points.filter((p) => p.epoch <= upTo);
}

function path(ctx: CanvasRenderingContext2D, f: PlaneFrame, points: readonly { x: number; y: number }[]) {
  ctx.beginPath();
  points.forEach((p, i) => {
    if (i) ctx.lineTo(f.x(p.x), f.y(p.y));
    else ctx.moveTo(f.x(p.x), f.y(p.y));
  });
  ctx.stroke();
}

function drawCeilings(ctx: CanvasRenderingContext2D, plane: PlaneData, f: PlaneFrame, color: string) {
  if (!plane.ceilings) return;
  const { left, top, width, height, pr } = f;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.2 * pr;
  ctx.setLineDash([6 * pr, 4 * pr]);
  const cx = f.x(plane.ceilings.ixt);
  const cy = f.y(plane.ceilings.ity);
  ctx.beginPath();
  ctx.moveTo(cx, top);
  ctx.lineTo(cx, top + height);
  ctx.moveTo(left, cy);
  ctx.lineTo(left + width, cy);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = color;
  ctx.font = `${11 * pr}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  ctx.fillText(`H(Y) = ${formatMetric(plane.ceilings.ity, 3)}`, left + width - 4 * pr, cy - 3 * pr);
  ctx.save();
  ctx.translate(cx - 4 * pr, top + height - 4 * pr);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'left';
  ctx.fillText(`log₂N = ${formatMetric(plane.ceilings.ixt, 3)}`, 0, 0);
  ctx.restore();
}

function drawSpread(
  ctx: CanvasRenderingContext2D,
  f: PlaneFrame,
  color: string,
  points: readonly PlanePoint[],
  replicas: readonly (readonly { epoch: number; x: number; y: number }[])[],
  look: PlaneLook,
) {
  if (look.replicaMode === 'band') {
    ctx.fillStyle = withAlpha(color, 0.14);
    for (const p of points) {
      const rx = Math.abs(f.x(p.x + p.sx) - f.x(p.x));
      const ry = Math.abs(f.y(p.y + p.sy) - f.y(p.y));
      if (rx < 0.5 && ry < 0.5) continue;
      ctx.beginPath();
      ctx.ellipse(f.x(p.x), f.y(p.y), Math.max(rx, 0.5), Math.max(ry, 0.5), 0, 0, 2 * Math.PI);
      ctx.fill();
    }
  } else {
    ctx.strokeStyle = withAlpha(color, 0.35);
    ctx.lineWidth = 1 * f.pr;
    for (const r of replicas) path(ctx, f, shownPoints(r, look.upTo));
  }
}

/** Draws the plane into `ctx`, clipped to the plot area. */
export function drawPlane(ctx: CanvasRenderingContext2D, plane: PlaneData, f: PlaneFrame, look: PlaneLook) {
  const c = chrome(look.theme);
  const pr = f.pr;
  const shown = plane.layers
    .map((layer, li) => ({ layer, li, points: shownPoints(layer.points, look.upTo) }))
    .filter((l) => !look.hidden?.has(l.li));
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  drawCeilings(ctx, plane, f, c.ceiling);

  for (const { layer, li, points } of shown) {
    const color = layerColor(li, look.theme);
    drawSpread(ctx, f, color, points, layer.replicas, look);
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6 * pr;
    path(ctx, f, points);
  }

  const radius = (plane.count > 120 ? 2.4 : 3.4) * pr;
  for (const { layer, li, points } of shown) {
    for (const p of points) {
      const fill = epochColor(epochFraction(p.epoch, plane.epochs), look.theme);
      ctx.beginPath();
      ctx.arc(f.x(p.x), f.y(p.y), radius, 0, 2 * Math.PI);
      if (p.unreliable) {
        ctx.fillStyle = c.background;
        ctx.fill();
        ctx.strokeStyle = fill;
        ctx.lineWidth = 1.6 * pr;
        ctx.stroke();
      } else {
        ctx.fillStyle = fill;
        ctx.fill();
        ctx.strokeStyle = withAlpha(c.background, 0.9);
        ctx.lineWidth = 0.8 * pr;
        ctx.stroke();
      }
    }
    const marked = look.mark === undefined ? undefined : points.find((p) => p.epoch === look.mark);
    if (marked) {
      ctx.strokeStyle = c.text;
      ctx.lineWidth = 1.5 * pr;
      ctx.beginPath();
      ctx.arc(f.x(marked.x), f.y(marked.y), radius + 3 * pr, 0, 2 * Math.PI);
      ctx.stroke();
    }
    const last = points[points.length - 1];
    if (last) {
      ctx.fillStyle = layerColor(li, look.theme);
      ctx.font = `600 ${11 * pr}px system-ui, sans-serif`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(
        layer.name === 'output' ? 'out' : String(li + 1),
        f.x(last.x) + radius + 3 * pr,
        f.y(last.y),
      );
    }
  }
  ctx.restore();
}
