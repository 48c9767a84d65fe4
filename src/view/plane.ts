/**
 * The information plane's data, shaped from a result record for drawing: per layer, a trajectory over
 * the logged epochs of (I(X;T), I(T;Y)) in bits, as the mean over replicas with its spread (standard
 * deviation over replicas, per axis) and every replica's own path; which points sit near the log2 N
 * ceiling (the plug-in estimate says little there: docs/METHOD.md §3); the ceilings; and the axis ranges.
 *
 *   record.info.ixt / ity          [replica][logged epoch][k]       (aligned with record.epochs; k indexes
 *                                                                    info.layers, the estimated layers)
 *   record.info.near_ceiling       [replica][logged epoch][layer]
 *   record.info.ceilings           { ixt: log2 n, ity: H(Y) }       (0 until the estimator has run)
 *
 * Non-finite estimates (NaN, or null from JSON) are left out of means and paths.
 */
import type { RunRecord } from '../run/record.ts';

export interface PlanePoint {
  epoch: number;
  /** Mean over the replicas with a finite estimate. */
  x: number;
  y: number;
  /** Standard deviation over those replicas (0 for one replica). */
  sx: number;
  sy: number;
  /** Some replica's estimate is near the log2 N ceiling at this epoch. */
  unreliable: boolean;
}

export interface PlaneTrajectory {
  layer: number;
  name: string;
  /** Binary activations: coded by their exact sign pattern. */
  binaryOutput: boolean;
  width: number;
  points: PlanePoint[];
  /** Each replica's path (finite points only), [replica] → points in epoch order. */
  replicas: { epoch: number; x: number; y: number }[][];
  /** The latest point is near the ceiling: the layer's estimate is currently unreliable. */
  unreliableNow: boolean;
  /** Share of its points that are near the ceiling. */
  unreliableShare: number;
}

export interface PlaneData {
  layers: PlaneTrajectory[];
  /** The largest logged epoch (for the colour bar), and the planned last epoch. */
  maxEpoch: number;
  epochs: number;
  /** null until the estimator has set them. */
  ceilings: { ixt: number; ity: number } | null;
  /** Axis ranges: from 0 to a little above the ceiling or the largest value. */
  xRange: [number, number];
  yRange: [number, number];
  /** Number of estimated epochs. */
  count: number;
}

type InfoLike = Pick<RunRecord, 'epochs' | 'layers'> & {
  info: Pick<RunRecord['info'], 'ceilings' | 'ixt' | 'ity' | 'near_ceiling'> & { layers?: number[] };
  config?: { epochs: number };
};

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function meanStd(xs: number[]): [number, number] {
  const n = xs.length;
  let s = 0;
  for (const x of xs) s += x;
  const m = s / n;
  let v = 0;
  for (const x of xs) v += (x - m) ** 2;
  return [m, n > 1 ? Math.sqrt(v / (n - 1)) : 0];
}

export function planeData(record: InfoLike): PlaneData {
  const { ixt, ity, near_ceiling } = record.info;
  const R = ixt.length;
  // Logged epochs with an estimate for every replica.
  let count = R ? Math.min(...ixt.map((r) => r.length), ...ity.map((r) => r.length)) : 0;
  count = Math.min(count, record.epochs.length);
  let L = 0;
  for (let r = 0; r < R; r++) for (let i = 0; i < count; i++) L = Math.max(L, ixt[r][i]?.length ?? 0);

  const layers: PlaneTrajectory[] = [];
  let xMax = 0;
  let yMax = 0;
  for (let l = 0; l < L; l++) {
    const meta = record.layers[record.info.layers?.[l] ?? l];
    const points: PlanePoint[] = [];
    const replicas: PlaneTrajectory['replicas'] = Array.from({ length: R }, () => []);
    for (let i = 0; i < count; i++) {
      const epoch = record.epochs[i];
      const xs: number[] = [];
      const ys: number[] = [];
      let unreliable = false;
      for (let r = 0; r < R; r++) {
        const x = ixt[r][i]?.[l];
        const y = ity[r][i]?.[l];
        if (near_ceiling[r]?.[i]?.[l]) unreliable = true;
        if (finite(x) && finite(y)) {
          xs.push(x);
          ys.push(y);
          replicas[r].push({ epoch, x, y });
          xMax = Math.max(xMax, x);
          yMax = Math.max(yMax, y);
        }
      }
      if (!xs.length) continue;
      const [x, sx] = meanStd(xs);
      const [y, sy] = meanStd(ys);
      points.push({ epoch, x, y, sx, sy, unreliable });
    }
    const flagged = points.filter((p) => p.unreliable).length;
    layers.push({
      layer: l,
      name: meta?.name ?? `layer ${l + 1}`,
      binaryOutput: meta?.binary_output ?? false,
      width: meta?.width ?? 0,
      points,
      replicas,
      unreliableNow: points.length > 0 && points[points.length - 1].unreliable,
      unreliableShare: points.length ? flagged / points.length : 0,
    });
  }
  const c = record.info.ceilings;
  const ceilings = c && c.ixt > 0 && c.ity > 0 ? { ixt: c.ixt, ity: c.ity } : null;
  const maxEpoch = count ? record.epochs[count - 1] : 0;
  return {
    layers,
    maxEpoch,
    epochs: record.config?.epochs ?? maxEpoch,
    ceilings,
    xRange: [0, niceTop(Math.max(xMax, ceilings?.ixt ?? 0, 1) * 1.04)],
    yRange: [0, niceTop(Math.max(yMax, ceilings?.ity ?? 0, 0.1) * 1.06)],
    count,
  };
}

/** A round number at or just above x (1, 1.2, 1.25, 1.4, 1.5, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9 × 10^k). */
export function niceTop(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.2, 1.25, 1.4, 1.5, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9, 10])
    if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/** The union of two planes' ranges, for the comparison's shared axes. */
export function sharedRanges(planes: PlaneData[]): { xRange: [number, number]; yRange: [number, number] } {
  return {
    xRange: [0, Math.max(1, ...planes.map((p) => p.xRange[1]))],
    yRange: [0, Math.max(0.1, ...planes.map((p) => p.yRange[1]))],
  };
}

/** The epoch's position on the colour bar, 0 (initialisation) to 1 (the last planned epoch). */
export function epochFraction(epoch: number, epochs: number): number {
  return epochs > 0 ? Math.min(1, Math.max(0, epoch / epochs)) : 0;
}

/** The plane of a run not started yet (no layers, no estimates), with the x axis of `epochs`. */
export function emptyPlane(epochs: number): PlaneData {
  return planeData({
    epochs: [],
    layers: [],
    config: { epochs },
    info: { ceilings: { ixt: 0, ity: 0 }, ixt: [], ity: [], near_ceiling: [] },
  });
}
