/**
 * The charts' text alternatives: a one-sentence summary of the latest values (the chart's accessible
 * name, role="img") and the data as table rows (shown on demand). Pure functions of the chart data.
 *
 *   planeSummary(plane, 'Information plane')
 *     → 'Information plane at epoch 20: hidden 1 I(X;T) 11.2, I(T;Y) 0.99; hidden 2 …'
 *   curveSummary(curves, 'Loss') → 'Loss at epoch 20: train 0.412, test 0.455'
 */
import type { CurveData } from './curves.ts';
import { formatMetric } from './format.ts';
import type { PlaneData } from './plane.ts';

export function planeSummary(plane: PlaneData, heading: string): string {
  const latest = plane.layers.flatMap((l) => {
    const p = l.points[l.points.length - 1];
    return p ? [{ name: l.name, p }] : [];
  });
  if (!latest.length) return `${heading}: no estimates yet.`;
  const epoch = Math.max(...latest.map((l) => l.p.epoch));
  const parts = latest.map(
    ({ name, p }) =>
      `${name} I(X;T) ${formatMetric(p.x)}, I(T;Y) ${formatMetric(p.y)}${p.unreliable ? ' (near log₂N: unreliable)' : ''}`,
  );
  return `${heading} at epoch ${epoch}: ${parts.join('; ')}.`;
}

/** One row per layer and logged epoch: layer, epoch, I(X;T), I(T;Y) (replica means, bits). */
export function planeRows(plane: PlaneData): string[][] {
  return plane.layers.flatMap((l) =>
    l.points.map((p) => [l.name, String(p.epoch), formatMetric(p.x), formatMetric(p.y)]),
  );
}

export function curveSummary(curves: CurveData, heading: string): string {
  for (let i = curves.x.length - 1; i >= 0; i--) {
    const values = curves.series.flatMap((s) => {
      const v = s.mean[i];
      return v === null || v === undefined || !Number.isFinite(v) ? [] : [`${s.label} ${formatMetric(v)}`];
    });
    if (values.length) return `${heading} at epoch ${curves.x[i]}: ${values.join(', ')}.`;
  }
  return `${heading}: no values yet.`;
}

/** The table's header and rows: epoch, then each series' replica mean ('' where there is none). */
export function curveRows(curves: CurveData): { header: string[]; rows: string[][] } {
  return {
    header: ['epoch', ...curves.series.map((s) => s.label)],
    rows: curves.x.map((x, i) => [
      String(x),
      ...curves.series.map((s) => {
        const v = s.mean[i];
        return v === null || v === undefined || !Number.isFinite(v) ? '' : formatMetric(v);
      }),
    ]),
  };
}
