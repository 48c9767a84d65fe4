/**
 * The capacity study (docs/METHOD.md §6.8): the pre-registered statistic S of §6 along the bit-width dial.
 *
 * Records are grouped into families (the same dataset and configuration apart from each hidden layer's
 * weights and activation: src/study/records.ts) and, within a family, into cells by the network's bit
 * width k ∈ {1, 2, 4, 8, 32 = float} (src/study/bit-width.ts). Per cell: S̄_r per replica exactly as the
 * study computes it (analyzeExperiment), its bootstrap CI, final accuracies and the share of layers that
 * compress. Per family:
 *
 *   trend     the OLS slope β of S̄_r against log2 k over the replicas; a stratified bootstrap CI (replicas
 *             resampled within each k) and a two-sided permutation p (S̄_r shuffled across the replicas)
 *   capacity  partial correlations: r(S̄, accuracy | k), k as fixed effects (each variable minus its cell
 *             mean), and r(S̄, log2 k | accuracy), accuracy regressed out linearly; stratified bootstrap CIs
 *
 * Pure; every random stream is derived by name from one seed.
 */
import { Rng } from '../util/rng.ts';
import {
  analyzeExperiment,
  MIN_FITTED,
  PRIMARY_SETTINGS,
  robustnessVariants,
  type StudySettings,
  type Summary,
} from './analyze.ts';
import { type BitWidth, DIAL, dialPosition, FLOAT_BITS } from './bit-width.ts';
import {
  accGivenBits,
  bitsGivenAcc,
  type DialPoint,
  pearson,
  slopeOf,
  slopePermutationP,
  stratifiedBootstrapCI,
} from './dial-statistics.ts';
import type { Experiment, ReplicaSeries } from './records.ts';
import { bootstrapMeanCI, type Interval, mean } from './statistic.ts';

export type { DialPoint } from './dial-statistics.ts';

/** A cell with fewer replicas than the capacity sweep's 20 seeds is marked incomplete. */
export const COMPLETE_REPLICAS = 20;
/** Final accuracy: the mean over this many last logged epochs (BNN accuracy jumps from epoch to epoch). */
export const FINAL_WINDOW = 5;

export interface CapacityCell {
  bits: BitWidth;
  label: string;
  replicas: number;
  fitted: number;
  complete: boolean;
  /** Final training and test accuracy over every replica. */
  trainAcc: Summary;
  testAcc: Summary;
  /** S̄_r over the fitted replicas with a defined value (§6.4). */
  share: Summary;
  /** Per fitted replica, the share of its informative layers whose compression D reaches the floor. */
  compressing: Summary;
  informative: number;
  noCompression: number;
  uninformative: number;
  /** Per layer depth: S over the fitted replicas where that layer is informative and compresses. */
  depths: Summary[];
  /** Layer depths whose k-bit codes are hashed, not exact (width·k > 64). */
  hashedDepths: number[];
  points: DialPoint[];
}

export type TrendVerdict =
  | 'grows as bits shrink'
  | 'shrinks as bits shrink'
  | 'no trend shown'
  | 'undecidable';

export interface Trend {
  /** β: change of S̄ per doubling of the bit width (float at log2 32 = 5). */
  slope: number | null;
  ci: Interval | null;
  p: number | null;
  verdict: TrendVerdict;
  reason?: string;
  /** The bit widths in the fit, and the replicas. */
  bits: BitWidth[];
  n: number;
}

export type CapacityVerdict =
  | 'tracks training accuracy (capacity)'
  | 'tracks bit width'
  | 'tracks both'
  | 'neither shown'
  | 'undecidable';

export interface Correlation {
  r: number | null;
  ci: Interval | null;
}

export interface CapacityAnswer {
  /** Raw Pearson correlations of S̄_r with final training accuracy and with log2 k (descriptive). */
  rawAcc: number | null;
  rawBits: number | null;
  /** r(S̄, accuracy | k) and r(S̄, log2 k | accuracy). */
  accGivenBits: Correlation;
  bitsGivenAcc: Correlation;
  verdict: CapacityVerdict;
  reason?: string;
  n: number;
}

export interface FamilyResult {
  family: string;
  label: string;
  dataset: string;
  cells: CapacityCell[];
  /** Experiments of this family left out because another one took their cell (more replicas). */
  duplicates: string[];
  trend: Trend;
  /** The same fit without the float networks (k = 1, 2, 4, 8 only). */
  trendQuantized: Trend;
  /** The trend under each robustness variant of §6.6 (the first is the primary). */
  robustness: { name: string; trend: Trend }[];
  capacity: CapacityAnswer;
}

export const finalValue = (xs: readonly number[] | undefined): number => {
  const ok = (xs ?? []).filter((x) => Number.isFinite(x));
  return ok.length ? mean(ok.slice(-FINAL_WINDOW)) : Number.NaN;
};

function summarize(values: number[], rng: Rng): Summary {
  return { values, mean: values.length ? mean(values) : null, ci: bootstrapMeanCI(values, rng) };
}

export function analyzeCell(x: Experiment, bits: BitWidth, settings: StudySettings, rng: Rng): CapacityCell {
  const result = analyzeExperiment(x, settings, rng.derive('study'));
  const series = new Map<string, ReplicaSeries>(x.replicas.map((s) => [`${s.file}#${s.replica}`, s]));
  const points: DialPoint[] = [];
  const compressing: number[] = [];
  for (const r of result.replicas) {
    if (r.fitEpoch === null) continue;
    const s = series.get(`${r.file}#${r.replica}`);
    if (r.value !== null && s) points.push({ bits, s: r.value, acc: finalValue(s.trainAcc) });
    const informative = r.layers.filter((l) => !l.uninformative);
    if (informative.length)
      compressing.push(informative.filter((l) => l.share !== null).length / informative.length);
  }
  const finite = (v: number[]) => v.filter((a) => Number.isFinite(a));
  return {
    bits,
    label: x.label,
    replicas: x.replicas.length,
    fitted: result.fitted,
    complete: x.replicas.length >= COMPLETE_REPLICAS,
    trainAcc: summarize(finite(x.replicas.map((s) => finalValue(s.trainAcc))), rng.derive('train acc')),
    testAcc: summarize(finite(x.replicas.map((s) => finalValue(s.testAcc))), rng.derive('test acc')),
    share: result.primary,
    compressing: summarize(compressing, rng.derive('compressing')),
    informative: result.informative,
    noCompression: result.noCompression,
    uninformative: result.uninformative,
    depths: result.depths.map(({ values, mean, ci }) => ({ values, mean, ci })),
    hashedDepths: x.hashedDepths ?? [],
    points,
  };
}

const tooFew = (n: number) =>
  `${n === 0 ? 'no' : `only ${n}`} bit width${n === 1 ? '' : 's'} with at least ${MIN_FITTED} replicas with a defined S (2 needed)`;

/** The points of cells with at least MIN_FITTED values; the rest are named in `reason`. */
function usablePoints(cells: readonly CapacityCell[]): {
  pts: DialPoint[];
  bits: BitWidth[];
  short: string[];
} {
  const ok = cells.filter((c) => c.points.length >= MIN_FITTED);
  const short = cells
    .filter((c) => c.points.length < MIN_FITTED)
    .map(
      (c) => `${c.label}: ${c.points.length} replicas with a defined S (fewer than ${MIN_FITTED}), left out`,
    );
  return { pts: ok.flatMap((c) => c.points), bits: ok.map((c) => c.bits), short };
}

export function trendOf(cells: readonly CapacityCell[], rng: Rng): Trend {
  const { pts, bits, short } = usablePoints(cells);
  const base = { bits, n: pts.length };
  if (bits.length < 2)
    return {
      ...base,
      slope: null,
      ci: null,
      p: null,
      verdict: 'undecidable',
      reason: [tooFew(bits.length), ...short].join('; '),
    };
  const ci = stratifiedBootstrapCI(pts, slopeOf, rng.derive('bootstrap'));
  const verdict: TrendVerdict =
    ci === null
      ? 'undecidable'
      : ci.hi < 0
        ? 'grows as bits shrink'
        : ci.lo > 0
          ? 'shrinks as bits shrink'
          : 'no trend shown';
  return {
    ...base,
    slope: slopeOf(pts),
    ci,
    p: slopePermutationP(pts, rng.derive('permutation')),
    verdict,
    ...(short.length ? { reason: short.join('; ') } : {}),
  };
}

const excludesZero = (c: Interval | null) => c !== null && (c.lo > 0 || c.hi < 0);

export function capacityAnswer(cells: readonly CapacityCell[], rng: Rng): CapacityAnswer {
  const { pts, bits, short } = usablePoints(cells);
  const withAcc = pts.filter((p) => Number.isFinite(p.acc));
  const corr = (stat: (p: DialPoint[]) => number | null, name: string): Correlation => ({
    r: stat(withAcc),
    ci: stat(withAcc) === null ? null : stratifiedBootstrapCI(withAcc, stat, rng.derive(name)),
  });
  const a = corr(accGivenBits, 'acc | bits');
  const b = corr(bitsGivenAcc, 'bits | acc');
  const base = {
    rawAcc: pearson(
      withAcc.map((p) => p.s),
      withAcc.map((p) => p.acc),
    ),
    rawBits: pearson(
      withAcc.map((p) => p.s),
      withAcc.map((p) => dialPosition(p.bits)),
    ),
    accGivenBits: a,
    bitsGivenAcc: b,
    n: withAcc.length,
  };
  const reasons: string[] = [];
  if (bits.length < 2) reasons.push(tooFew(bits.length));
  else {
    if (a.ci === null) reasons.push('training accuracy does not vary within the bit widths, or S does not');
    if (b.ci === null) reasons.push('bit width and S are not separable from training accuracy');
  }
  if (reasons.length) return { ...base, verdict: 'undecidable', reason: [...reasons, ...short].join('; ') };
  const acc = excludesZero(a.ci);
  const k = excludesZero(b.ci);
  const verdict: CapacityVerdict =
    acc && k
      ? 'tracks both'
      : acc
        ? 'tracks training accuracy (capacity)'
        : k
          ? 'tracks bit width'
          : 'neither shown';
  return { ...base, verdict, ...(short.length ? { reason: short.join('; ') } : {}) };
}

function cellsOf(
  xs: readonly { x: Experiment; bits: BitWidth }[],
  settings: StudySettings,
  rng: Rng,
): CapacityCell[] {
  return xs.map(({ x, bits }) => analyzeCell(x, bits, settings, rng.derive(`cell ${bits} ${x.label}`)));
}

/** Every family on the dial; mixed networks are left to the caller (they have no k). */
export function analyzeCapacity(experiments: readonly Experiment[], seed: number): FamilyResult[] {
  const root = new Rng(seed);
  const families = new Map<string, Experiment[]>();
  for (const x of experiments) {
    if (x.bits === null) continue;
    const list = families.get(x.family) ?? [];
    list.push(x);
    families.set(x.family, list);
  }
  return [...families.values()].map((xs) => {
    const first = xs[0];
    const rng = root.derive(`family ${first.family}`);
    const byBits = new Map<BitWidth, Experiment>();
    const duplicates: string[] = [];
    for (const x of xs) {
      const k = x.bits as BitWidth;
      const held = byBits.get(k);
      if (!held || x.replicas.length > held.replicas.length) {
        if (held) duplicates.push(held.label);
        byBits.set(k, x);
      } else duplicates.push(x.label);
    }
    const dial = DIAL.filter((k) => byBits.has(k)).map((k) => ({ x: byBits.get(k) as Experiment, bits: k }));
    const cells = cellsOf(dial, PRIMARY_SETTINGS, rng.derive('primary'));
    const robustness = robustnessVariants(dial.map((d) => d.x)).map((v, i) => ({
      name: v.name,
      trend:
        i === 0
          ? trendOf(cells, rng.derive('trend'))
          : trendOf(
              cellsOf(dial, v.settings, rng.derive(`variant ${v.name}`)),
              rng.derive(`trend ${v.name}`),
            ),
    }));
    return {
      family: first.family,
      label: first.familyLabel,
      dataset: first.dataset,
      cells,
      duplicates,
      trend: robustness[0].trend,
      trendQuantized: trendOf(
        cells.filter((c) => c.bits !== FLOAT_BITS),
        rng.derive('trend quantized'),
      ),
      robustness,
      capacity: capacityAnswer(cells, rng.derive('capacity')),
    };
  });
}
