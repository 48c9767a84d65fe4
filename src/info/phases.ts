/**
 * The phase measures of docs/METHOD.md §1, per layer, from a trajectory over the logged epochs:
 *
 *   ixtPeakEpoch  — the epoch at which I(X;T) is largest (the first, on ties): the end of fitting-with-
 *                   expansion; a DNN that compresses late peaks early and then falls
 *   ity90Epoch    — the first epoch at which I(T;Y) reaches 90 % of its largest value: when fitting is done
 *   jointShare    — the share of steps between consecutive logged epochs in which I(X;T) falls while
 *                   I(T;Y) rises: fitting and compression at once (the BNN claim)
 *
 * `summarizePhases` gives their mean and spread (min, max) over replicas.
 */

export interface PhaseMeasures {
  ixtPeakEpoch: number;
  ity90Epoch: number;
  jointShare: number;
}

/**
 * Indices of the I(X;T) peak (the first, on ties) and of the first point where I(T;Y) reaches 90 % of its
 * largest value (if it never rises above 0 — Miller–Madow can push it below — its maximum).
 */
export function peakAndFit(ixt: readonly number[], ity: readonly number[]): { peak: number; fit: number } {
  let peak = 0;
  let top = 0;
  for (let i = 1; i < ixt.length; i++) if (ixt[i] > ixt[peak]) peak = i;
  for (let i = 1; i < ity.length; i++) if (ity[i] > ity[top]) top = i;
  const target = ity[top] > 0 ? 0.9 * ity[top] : ity[top];
  return {
    peak,
    fit: Math.max(
      0,
      ity.findIndex((v) => v >= target),
    ),
  };
}

export function phaseMeasures(
  epochs: readonly number[],
  ixt: readonly number[],
  ity: readonly number[],
): PhaseMeasures {
  if (epochs.length === 0 || ixt.length !== epochs.length || ity.length !== epochs.length) {
    throw new Error(
      `phaseMeasures: ${epochs.length} epochs, ${ixt.length} I(X;T), ${ity.length} I(T;Y) values`,
    );
  }
  const { peak, fit } = peakAndFit(ixt, ity);
  let joint = 0;
  for (let i = 1; i < epochs.length; i++) if (ixt[i] < ixt[i - 1] && ity[i] > ity[i - 1]) joint++;
  return {
    ixtPeakEpoch: epochs[peak],
    ity90Epoch: epochs[fit],
    jointShare: epochs.length > 1 ? joint / (epochs.length - 1) : 0,
  };
}

export interface Spread {
  mean: number;
  min: number;
  max: number;
}

export function spread(xs: readonly number[]): Spread {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const x of xs) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { mean: sum / xs.length, min, max };
}

/** Per layer, each measure's mean, min and max over replicas; ixt/ity are [replica][logged epoch][layer]. */
export function summarizePhases(
  epochs: readonly number[],
  ixt: readonly (readonly (readonly number[])[])[],
  ity: readonly (readonly (readonly number[])[])[],
): { ixtPeakEpoch: Spread; ity90Epoch: Spread; jointShare: Spread }[] {
  const layers = ixt[0]?.[0]?.length ?? 0;
  const out = [];
  for (let l = 0; l < layers; l++) {
    const per = ixt.map((rep, r) =>
      phaseMeasures(
        epochs,
        rep.map((e) => e[l]),
        ity[r].map((e) => e[l]),
      ),
    );
    out.push({
      ixtPeakEpoch: spread(per.map((p) => p.ixtPeakEpoch)),
      ity90Epoch: spread(per.map((p) => p.ity90Epoch)),
      jointShare: spread(per.map((p) => p.jointShare)),
    });
  }
  return out;
}

/**
 * When a layer compresses, relative to fitting — the claim's test in one word per layer and replica:
 *
 *   C      = I(X;T) at its peak − its lowest value after the peak        (how much it compresses)
 *   C_fit  = the same, but only up to the epoch where I(T;Y) reaches 90 % (compression while fitting;
 *            0 when the peak comes after that epoch)
 *
 *   'none'         C < ε: I(X;T) never falls by more than ε = max(0.05 bit, 5 % of its peak)
 *   'while-fitting' C_fit ≥ C / 2: most of the compression happens while I(T;Y) is still rising (BNNs)
 *   'after-fitting' otherwise: I(X;T) expands while fitting and falls afterwards (separate phases, DNNs)
 */
export type CompressionTiming = 'none' | 'while-fitting' | 'after-fitting';

export interface CompressionMeasure {
  timing: CompressionTiming;
  /** C, bits. */
  compression: number;
  /** C_fit, bits. */
  compressionWhileFitting: number;
}

export const COMPRESSION_EPS_BITS = 0.05;
export const COMPRESSION_EPS_SHARE = 0.05;

export function compressionTiming(ixt: readonly number[], ity: readonly number[]): CompressionMeasure {
  if (ixt.length === 0 || ixt.length !== ity.length) {
    throw new Error(`compressionTiming: ${ixt.length} I(X;T) and ${ity.length} I(T;Y) values`);
  }
  const { peak, fit } = peakAndFit(ixt, ity);
  let low = ixt[peak];
  let lowWhileFitting = ixt[peak];
  for (let i = peak; i < ixt.length; i++) {
    if (ixt[i] < low) low = ixt[i];
    if (i <= fit && ixt[i] < lowWhileFitting) lowWhileFitting = ixt[i];
  }
  const compression = ixt[peak] - low;
  const compressionWhileFitting = ixt[peak] - lowWhileFitting;
  const eps = Math.max(COMPRESSION_EPS_BITS, COMPRESSION_EPS_SHARE * Math.abs(ixt[peak]));
  const timing: CompressionTiming =
    compression < eps
      ? 'none'
      : compressionWhileFitting >= compression / 2
        ? 'while-fitting'
        : 'after-fitting';
  return { timing, compression, compressionWhileFitting };
}

/** The value held by more than half of `xs`, or null (no strict majority: a mixed result). */
export function strictMajority<T>(xs: readonly T[]): T | null {
  for (const v of xs) if (xs.filter((x) => x === v).length * 2 > xs.length) return v;
  return null;
}
