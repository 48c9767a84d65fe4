/**
 * Estimator settings: how a float layer's activations become discrete codes (SCIENCE.md §3), whether
 * the Miller–Madow correction is applied, and the optional KDE upper bound. Binary layers are always
 * coded by their sign pattern, whatever these settings say.
 *
 *   fixed     edges linspace(lo, hi, bins); index = numpy.digitize (edges ≤ t), 0..bins   (IDNNs)
 *   width     index = floor(t / width), unbounded                                         (Saxe et al.)
 *   adaptive  `bins` bins between the layer's min and max over the estimation set, per epoch
 *
 * `validateEstimatorSettings` throws an `EstimatorSettingsError` naming the first bad setting.
 */

export type Discretization = 'fixed' | 'width' | 'adaptive';

export const DISCRETIZATIONS: readonly Discretization[] = ['fixed', 'width', 'adaptive'];

export interface EstimatorSettings {
  discretization: Discretization;
  /**
   * fixed: the number of edges of linspace(lo, hi, bins) (IDNNs' "30 bins"), indices 0..bins;
   * adaptive: the number of bins between the layer's min and max, indices 0..bins − 1.
   */
  bins: number;
  /** fixed: the range of the edges. */
  lo: number;
  hi: number;
  /** width: the bin width (Saxe et al.'s simplebinmi: 0.07). */
  width: number;
  /** Add (m − 1)/(2N ln 2) to every plug-in entropy (m = occupied codes). */
  millerMadow: boolean;
  /** Also compute the KDE upper bound (Kolchinsky & Tracey; Saxe et al.'s kde.py) for float layers. */
  kde: boolean;
  /** The KDE's noise variance σ². */
  kdeVariance: number;
}

export const DEFAULT_ESTIMATOR_SETTINGS: Readonly<EstimatorSettings> = Object.freeze({
  discretization: 'fixed',
  bins: 30,
  lo: -1,
  hi: 1,
  width: 0.07,
  millerMadow: false,
  kde: false,
  kdeVariance: 1e-3,
});

/**
 * Largest bin count (the run configuration's limit). Indices are packed into codes at
 * ceil(log2(bins + 1)) bits, and the adaptive binning compares f32(k)·(max − min) with (t − min)·bins in
 * f32, exact while k and bins stay below 2^24. One bin is allowed, though degenerate (adaptive: every
 * code equal, H = 0; fixed: the single edge lo splits the line in two).
 */
export const MAX_BINS = 100_000;

/** Bin widths outside [1e-30, 1e30] would make 1/width or t/width leave f32's normal range. */
export const MIN_WIDTH = 1e-30;
export const MAX_WIDTH = 1e30;

/**
 * The KDE noise variance σ² within which the estimate means something in f32: the kernel
 * exp(−d²/2σ²) must still tell distances of order 0.01–1 apart from 0 (above 1e4 it is 1 to within
 * f32 rounding for such distances, and rounding alone makes the bound slightly negative), and 1/σ² must
 * stay finite and normal (below 1e-12 every kernel but a sample's own underflows: the bound sits at log2 n).
 */
export const MIN_KDE_VARIANCE = 1e-12;
export const MAX_KDE_VARIANCE = 1e4;

/** A bad estimator setting; `setting` is the field's name, the message says what is allowed. */
export class EstimatorSettingsError extends Error {
  override name = 'EstimatorSettingsError';
  constructor(
    readonly setting: keyof EstimatorSettings,
    detail: string,
  ) {
    super(`estimator setting ${setting}: ${detail}`);
  }
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** `s` completed with the defaults, validated; throws an EstimatorSettingsError naming the bad field. */
export function validateEstimatorSettings(s: Partial<EstimatorSettings> = {}): EstimatorSettings {
  const v: EstimatorSettings = { ...DEFAULT_ESTIMATOR_SETTINGS, ...s };
  const bad = (k: keyof EstimatorSettings, detail: string) => new EstimatorSettingsError(k, detail);
  if (!DISCRETIZATIONS.includes(v.discretization)) {
    throw bad('discretization', `must be one of ${DISCRETIZATIONS.join(', ')}, got ${v.discretization}`);
  }
  if (!isInt(v.bins) || v.bins < 1 || v.bins > MAX_BINS) {
    throw bad('bins', `must be an integer from 1 to ${MAX_BINS}, got ${v.bins}`);
  }
  if (!isFiniteNumber(v.lo)) throw bad('lo', `must be a finite number, got ${v.lo}`);
  if (!isFiniteNumber(v.hi)) throw bad('hi', `must be a finite number, got ${v.hi}`);
  if (!(v.lo < v.hi)) throw bad('lo', `must be below hi, got lo ${v.lo} ≥ hi ${v.hi}`);
  if (Math.fround(v.lo) === Math.fround(v.hi)) {
    throw bad('hi', `lo ${v.lo} and hi ${v.hi} are the same number in f32`);
  }
  if (!isFiniteNumber(v.width) || v.width < MIN_WIDTH || v.width > MAX_WIDTH) {
    throw bad('width', `must be a positive number from ${MIN_WIDTH} to ${MAX_WIDTH}, got ${v.width}`);
  }
  if (typeof v.millerMadow !== 'boolean') throw bad('millerMadow', `must be true or false`);
  if (typeof v.kde !== 'boolean') throw bad('kde', `must be true or false`);
  if (
    !isFiniteNumber(v.kdeVariance) ||
    !(v.kdeVariance >= MIN_KDE_VARIANCE && v.kdeVariance <= MAX_KDE_VARIANCE)
  ) {
    throw bad(
      'kdeVariance',
      `must be a number (σ²) in [${MIN_KDE_VARIANCE}, ${MAX_KDE_VARIANCE}], got ${v.kdeVariance}`,
    );
  }
  return v;
}

/**
 * How one layer's activation vectors become codes (src/ref/info.ts and shaders/layer_codes.wgsl).
 * `sign`: bit j = t_j < threshold (threshold 0: the sign pattern, sign(0) = +1; use 0.5 for
 * ste_heaviside's {0, 1} outputs).
 */
export type LayerCoding =
  | { mode: 'sign'; threshold?: number }
  | { mode: 'fixed'; bins: number; lo: number; hi: number }
  | { mode: 'width'; width: number }
  | { mode: 'adaptive'; bins: number };

/** The coding of a layer under `settings`: binary layers by their signs, float layers by the settings. */
export function layerCoding(settings: EstimatorSettings, binary: boolean): LayerCoding {
  if (binary) return { mode: 'sign' };
  switch (settings.discretization) {
    case 'fixed':
      return { mode: 'fixed', bins: settings.bins, lo: settings.lo, hi: settings.hi };
    case 'width':
      return { mode: 'width', width: settings.width };
    case 'adaptive':
      return { mode: 'adaptive', bins: settings.bins };
  }
}

/** Throws an EstimatorSettingsError naming the bad field of a layer coding (the same rules as above). */
export function validateLayerCoding(c: LayerCoding): void {
  switch (c.mode) {
    case 'sign':
      if (c.threshold !== undefined && !isFiniteNumber(c.threshold)) {
        throw new EstimatorSettingsError(
          'discretization',
          `sign threshold must be finite, got ${c.threshold}`,
        );
      }
      return;
    case 'fixed':
      validateEstimatorSettings({ discretization: 'fixed', bins: c.bins, lo: c.lo, hi: c.hi });
      return;
    case 'width':
      validateEstimatorSettings({ discretization: 'width', width: c.width });
      return;
    case 'adaptive':
      validateEstimatorSettings({ discretization: 'adaptive', bins: c.bins });
      return;
    default:
      throw new EstimatorSettingsError(
        'discretization',
        `unknown layer coding ${(c as { mode: unknown }).mode}`,
      );
  }
}
