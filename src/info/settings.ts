/**
 * Estimator settings: how a float layer's activations become discrete codes (docs/METHOD.md §3), which
 * samples the estimates are over, whether the Miller–Madow correction is applied, and the optional KDE
 * upper bound. Binary layers are always coded by their sign pattern, whatever these settings say.
 *
 *   fixed     edges linspace(lo, hi, bins); index = numpy.digitize (edges ≤ t), 0..bins   (IDNNs)
 *   width     index = floor(t / width), unbounded                                         (Saxe et al.)
 *   adaptive  `bins` bins between the layer's min and max over the estimation set, per epoch
 *
 * One zod schema (`EstimatorSchema`) holds every rule and default; the run configuration embeds it
 * (src/config/run-config.ts) and the types are inferred from it. `validateEstimatorSettings` applies the
 * same schema to settings given directly (tests, benchmarks, kernel wrappers) and throws an
 * `EstimatorSettingsError` naming the first bad setting.
 */
import { z } from 'zod';

export const DISCRETIZATIONS = ['fixed', 'width', 'adaptive'] as const;
export type Discretization = (typeof DISCRETIZATIONS)[number];

/** The samples the estimates are over: the whole dataset, or its training or test part. */
export const ESTIMATION_SETS = ['full', 'train', 'test'] as const;

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

/**
 * The named extra estimators a run can record next to its primary one (docs/METHOD.md §3): IDNNs' 30 bins
 * in [−1, 1], Saxe et al.'s width 0.07, 30 adaptive bins over each layer's range, and the KDE upper bound
 * at noise variance 1e-3 and 1e-1.
 */
export const EXTRA_ESTIMATORS = ['bins30', 'width0.07', 'adaptive30', 'kde1e-3', 'kde1e-1'] as const;
export type ExtraEstimatorName = (typeof EXTRA_ESTIMATORS)[number];

/** What an extra estimator computes: binned codes under these settings, or the KDE bound at σ². */
export type ExtraEstimator =
  | {
      name: ExtraEstimatorName;
      kind: 'bins';
      settings: EstimatorSettingsBase;
    }
  | { name: ExtraEstimatorName; kind: 'kde'; variance: number };

export function extraEstimator(name: ExtraEstimatorName): ExtraEstimator {
  const base = { bins: 30, lo: -1, hi: 1, width: 0.07 };
  switch (name) {
    case 'bins30':
      return { name, kind: 'bins', settings: { ...base, discretization: 'fixed' } };
    case 'width0.07':
      return { name, kind: 'bins', settings: { ...base, discretization: 'width' } };
    case 'adaptive30':
      return { name, kind: 'bins', settings: { ...base, discretization: 'adaptive' } };
    case 'kde1e-3':
      return { name, kind: 'kde', variance: 1e-3 };
    case 'kde1e-1':
      return { name, kind: 'kde', variance: 1e-1 };
  }
}

/** The coding part of the settings (an extra estimator keeps the run's Miller–Madow choice). */
interface EstimatorSettingsBase {
  discretization: Discretization;
  bins: number;
  lo: number;
  hi: number;
  width: number;
}

export const EstimatorSchema = z.strictObject({
  /** Float layers: 'fixed' bins over [lo, hi] (IDNNs), 'width' (Saxe's floor(t/width)), 'adaptive' (B bins over each layer's min–max). */
  discretization: z.enum(DISCRETIZATIONS).default('fixed'),
  /**
   * fixed: the number of edges of linspace(lo, hi, bins) (IDNNs' "30 bins"), indices 0..bins;
   * adaptive: the number of bins between the layer's min and max, indices 0..bins − 1.
   */
  bins: z.number().int().min(1).max(MAX_BINS).default(30),
  /** fixed: the range of the edges (lo < hi as 32-bit floats: see binRangeIssue). */
  lo: z.number().default(-1),
  hi: z.number().default(1),
  /** width: the bin width (Saxe et al.'s simplebinmi: 0.07). Kept within f32's normal range. */
  width: z.number().min(MIN_WIDTH).max(MAX_WIDTH).default(0.07),
  /** The samples the estimates are over. */
  set: z.enum(ESTIMATION_SETS).default('full'),
  /** Miller–Madow bias correction: add (m − 1)/(2N ln 2) to every plug-in entropy (m = occupied codes). */
  millerMadow: z.boolean().default(false),
  /** Also the KDE upper bound (Kolchinsky & Tracey; Saxe et al.'s kde.py) for float layers. */
  kde: z.boolean().default(false),
  /** The KDE's noise variance σ², bounded so that the estimate stays meaningful in f32 (see above). */
  kdeVariance: z.number().min(MIN_KDE_VARIANCE).max(MAX_KDE_VARIANCE).default(1e-3),
  /**
   * Extra estimators computed beside this one at every logged epoch (float layers only: a binary layer's
   * exact codes are the same under every estimator). Absent in old configurations, so their records and
   * links stay as they were.
   */
  estimators: z.array(z.enum(EXTRA_ESTIMATORS)).max(EXTRA_ESTIMATORS.length).optional(),
});

/** The estimator part of a run configuration. */
export type EstimatorConfig = z.infer<typeof EstimatorSchema>;
/** What the estimator itself needs: the configuration less the choice of samples. */
export type EstimatorSettings = Omit<EstimatorConfig, 'set'>;

const SettingsSchema = EstimatorSchema.omit({ set: true });

export const DEFAULT_ESTIMATOR_SETTINGS: Readonly<EstimatorSettings> = Object.freeze(
  SettingsSchema.parse({}),
);

/** The rule that spans two fields: the bin edges are f32 on the GPU, so lo < hi must hold in f32 too. */
export function binRangeIssue(lo: number, hi: number): string | null {
  return Math.fround(lo) < Math.fround(hi)
    ? null
    : `the bin range needs lo < hi (as 32-bit floats), got lo = ${lo}, hi = ${hi}`;
}

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

/** `s` completed with the defaults, validated by the schema; throws an EstimatorSettingsError naming the bad field. */
export function validateEstimatorSettings(s: Partial<EstimatorSettings> = {}): EstimatorSettings {
  const r = SettingsSchema.safeParse(s);
  if (!r.success) {
    const issue = r.error.issues[0];
    const setting = (issue.path[0] ?? 'discretization') as keyof EstimatorSettings;
    const detail =
      issue.code === 'invalid_value' && 'values' in issue
        ? `must be one of ${issue.values.join(', ')}`
        : issue.message;
    // zod's type messages already name what was received.
    const got =
      issue.code === 'invalid_type' ? '' : `, got ${String((s as Record<string, unknown>)[setting])}`;
    throw new EstimatorSettingsError(setting, `${detail}${got}`);
  }
  const range = binRangeIssue(r.data.lo, r.data.hi);
  if (range) throw new EstimatorSettingsError('lo', range);
  return r.data;
}

/**
 * How one layer's activation vectors become codes (src/kernels/layer_codes/ref.ts and shaders/layer_codes.wgsl).
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

/** Throws an EstimatorSettingsError naming the bad field of a layer coding (the schema's rules). */
export function validateLayerCoding(c: LayerCoding): void {
  switch (c.mode) {
    case 'sign':
      if (c.threshold !== undefined && !Number.isFinite(c.threshold)) {
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
