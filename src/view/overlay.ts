/**
 * Several runs on shared axes: the same estimated layer of each run as one trajectory of one plane
 * (coloured by run, named by the run's label), and every run's loss and accuracy curves together
 * (src/view/curves.ts labels each run's series).
 *
 *   overlayPlane([{ label: 'A', record: a }, { label: 'B', record: b }], 1)
 *   → layers [A · hidden 2, B · hidden 2], axes from 0 to the largest of both
 */
import type { RunRecord } from '../run/record.ts';
import { type PlaneData, planeData, sharedRanges } from './plane.ts';

export interface LabelledRun {
  label: string;
  record: RunRecord;
}

/** The number of estimated layers the runs share (the overlay's layer choices: 0 … n-1). */
export function sharedLayerCount(runs: readonly LabelledRun[]): number {
  return runs.length ? Math.min(...runs.map((r) => planeData(r.record).layers.length)) : 0;
}

/** Distinct labels: "1 · bits12 10-7-5 bnn", numbered in list order so equal settings stay apart. */
export function overlayLabel(index: number, record: RunRecord): string {
  const h = record.config.network.hidden;
  const net = h.length ? h.map((l) => l.width).join('-') : 'linear';
  const kind = h.every((l) => l.weights === 'binary')
    ? 'bnn'
    : h.every((l) => l.weights === 'float')
      ? 'dnn'
      : 'mixed';
  return `${index + 1} · ${record.config.data.name} ${net} ${kind} seed ${record.config.seed}`;
}

/** Estimated layer `layer` (0-based, counted from the input) of every run, in one plane. */
export function overlayPlane(runs: readonly LabelledRun[], layer: number): PlaneData {
  const planes = runs.map((r) => planeData(r.record));
  const layers = planes.flatMap((p, i) => {
    const t = p.layers[layer];
    return t ? [{ ...t, layer: i, name: `${runs[i].label} · ${t.name}` }] : [];
  });
  const ceils = planes.map((p) => p.ceilings);
  const { xRange, yRange } = sharedRanges(planes);
  return {
    layers,
    maxEpoch: Math.max(0, ...planes.map((p) => p.maxEpoch)),
    epochs: Math.max(0, ...planes.map((p) => p.epochs)),
    ceilings: ceils.every((c) => c)
      ? { ixt: Math.max(...ceils.map((c) => c!.ixt)), ity: Math.max(...ceils.map((c) => c!.ity)) }
      : null,
    xRange,
    yRange,
    count: Math.max(0, ...planes.map((p) => p.count)),
  };
}
