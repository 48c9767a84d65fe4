/**
 * Reading the information plane: which point is under the cursor (a layer's mean point, or in
 * "each replica" mode a replica's own point), what the loss and accuracy were at that epoch, and the
 * ranges of a zoom or a pan. Pure functions; the chart element calls them with its scales.
 */
import type { CurveData } from './curves.ts';
import { formatMetric } from './format.ts';
import type { PlaneData } from './plane.ts';
import { shownPoints } from './plane-draw.ts';

export interface PlaneHit {
  /** Index into plane.layers, and the layer's name. */
  layer: number;
  name: string;
  /** The replica (from 0) whose point it is, or null for the mean over replicas. */
  replica: number | null;
  epoch: number;
  x: number;
  y: number;
  /** Standard deviations over replicas (mean points only). */
  sx?: number;
  sy?: number;
  unreliable?: boolean;
}

export interface ReadOptions {
  replicaMode: 'band' | 'paths';
  hidden?: ReadonlySet<number>;
  upTo?: number;
  /** How near the cursor a point must be (in the same pixels as `px`). */
  radius: number;
}

/**
 * The shown point nearest to the cursor (cx, cy) within `radius`: mean points always, and each
 * replica's points as well in paths mode. `px` maps values to pixels.
 */
export function nearestPoint(
  plane: PlaneData,
  px: { x(v: number): number; y(v: number): number },
  cx: number,
  cy: number,
  o: ReadOptions,
): PlaneHit | undefined {
  let best: PlaneHit | undefined;
  let bestD = o.radius * o.radius;
  const consider = (hit: PlaneHit) => {
    const d = (px.x(hit.x) - cx) ** 2 + (px.y(hit.y) - cy) ** 2;
    if (d < bestD) {
      bestD = d;
      best = hit;
    }
  };
  plane.layers.forEach((l, li) => {
    if (o.hidden?.has(li)) return;
    for (const p of shownPoints(l.points, o.upTo))
      consider({
        layer: li,
        name: l.name,
        replica: null,
        epoch: p.epoch,
        x: p.x,
        y: p.y,
        sx: p.sx,
        sy: p.sy,
        unreliable: p.unreliable,
      });
    if (o.replicaMode === 'paths')
      l.replicas.forEach((path, r) => {
        for (const p of shownPoints(path, o.upTo))
          consider({ layer: li, name: l.name, replica: r, epoch: p.epoch, x: p.x, y: p.y });
      });
  });
  return best;
}

/** Each series' mean at a logged epoch ("train 0.61", …), for the read-out; [] when it was not logged. */
export function valuesAt(curve: CurveData | undefined, epoch: number): { label: string; value: number }[] {
  if (!curve) return [];
  const i = curve.x.indexOf(epoch);
  if (i < 0) return [];
  return curve.series.flatMap((s) => {
    const v = s.mean[i];
    return v === null || v === undefined || !Number.isFinite(v) ? [] : [{ label: s.label, value: v }];
  });
}

export type Range = [number, number];

/** The value range of a dragged pixel span [a, b] (either order), given the pixel → value map. */
export function spanRange(a: number, b: number, toValue: (px: number) => number): Range {
  const u = toValue(a);
  const v = toValue(b);
  return u <= v ? [u, v] : [v, u];
}

/** A range moved by `pixels` on an axis `length` pixels long (the content follows the pointer). */
export function panRange(r: Range, pixels: number, length: number, invert = false): Range {
  const shift = ((r[1] - r[0]) * pixels) / length;
  const d = invert ? shift : -shift;
  return [r[0] + d, r[1] + d];
}

/**
 * The hovered point in words: its layer, the mean or which replica (with several), the epoch, I(X;T)
 * and I(T;Y) (with the spread over replicas for a mean), the loss and accuracy curves at that epoch.
 */
export function readoutText(
  h: PlaneHit,
  replicas: number,
  curves?: { loss: CurveData; acc: CurveData },
): string {
  const who = replicas > 1 ? (h.replica === null ? 'mean' : `replica ${h.replica + 1}`) : '';
  const spread =
    replicas > 1 && h.replica === null
      ? ` (s.d. ${formatMetric(h.sx ?? 0, 2)}, ${formatMetric(h.sy ?? 0, 2)})`
      : '';
  const metrics = [
    ...valuesAt(curves?.loss, h.epoch).map((v) => `${v.label} loss ${formatMetric(v.value)}`),
    ...valuesAt(curves?.acc, h.epoch).map((v) => `${v.label} accuracy ${formatMetric(v.value)}`),
  ];
  return [
    h.name,
    who,
    `epoch ${h.epoch}`,
    `I(X;T) ${formatMetric(h.x)}`,
    `I(T;Y) ${formatMetric(h.y)}${spread}`,
    ...metrics,
    h.unreliable ? 'near log₂N: unreliable' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}
