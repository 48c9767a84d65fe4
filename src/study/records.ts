/**
 * The study's input: result records (schema bitplane.run/1) checked field by field and grouped into
 * experiments. Pure (no Node APIs): the command reads the files, this module reads their JSON.
 *
 * An experiment is every replica of every record with the same configuration apart from the seed, the
 * replica count and the logging schedule, so a user's own runs with other seeds pool with each other. Its
 * kind comes from the record's layers: BNN (binary weights and a quantizer in every hidden layer, named by
 * the quantizer), DNN (float weights and activations, named by the activation), or hybrid.
 *
 * Estimates. `info.ixt/ity` is the estimator of `info.settings` (binary layers: their exact sign codes).
 * More estimators of the same run are read from
 *
 *   info.kde                      { n, variance, ixt, ity }   → estimator "kde σ²=<variance>"
 *   info.estimates[name]          { n?, ixt, ity }            → estimator <name>
 *
 * each [replica][logged epoch][layer] in bits, layers as in `info.layers`. A null entry (an estimator that
 * does not apply, e.g. the KDE of a binary layer) takes the recorded estimate of that layer: binary layers
 * are counted by their exact codes under every estimator. A network whose estimated layers are all binary
 * has one estimator, "exact codes", which stands in for every estimator it did not record.
 */

import { type BitWidth, networkBits } from './bit-width.ts';

export class StudyInputError extends Error {
  override name = 'StudyInputError';
}

/** One replica's curves over its logged epochs. */
export interface ReplicaSeries {
  file: string;
  replica: number;
  epochs: number[];
  trainAcc: number[];
  /** Test accuracy (empty when the record has none). */
  testAcc?: number[];
  testLoss: number[];
  /** Per estimator name: [layer][logged epoch] I(X;T) and I(T;Y), bits, and log2 N of that estimate. */
  estimates: Map<string, { ixt: number[][]; ity: number[][]; ceiling: number }>;
  /** Set when the replica's numbers end before the record's last logged epoch (a diverged replica). */
  cut?: string;
}

export type Kind = 'BNN' | 'DNN' | 'k-bit' | 'hybrid';

/** Where a record sits on the capacity dial (docs/METHOD.md §6.8; src/study/bit-width.ts). */
export interface DialPlace {
  /** The network's bit width (weights and activations together), null for a mixed network. */
  bits: BitWidth | null;
  bitsDescription: string;
  /** The configuration with each hidden layer's weights and activation left out: records differing only in bit width share it. */
  family: string;
  /** E.g. "bits12 10-7-5-4-3 BN". */
  familyLabel: string;
  /** Depths (1 = first hidden layer) of k-bit layers whose codes are hashed (width·k > 64), not exact. */
  hashedDepths?: number[];
}

export interface Experiment extends DialPlace {
  key: string;
  /** E.g. "BNN ste_sign 10-7-5-4-3". */
  label: string;
  dataset: string;
  kind: Kind;
  /** The quantizer (BNN), the activation (DNN), or a description (hybrid). */
  variant: string;
  /** The name of the estimator of `info.ixt/ity` ("exact codes" when every estimated layer is binary). */
  primaryEstimator: string;
  /** Every estimated layer has binary outputs: its exact codes are its estimate under every estimator. */
  exactCodes: boolean;
  files: string[];
  /** Records that stopped early: "file: message". */
  incomplete: string[];
  /** Layer depths estimated (1 = first hidden layer). */
  depths: number;
  replicas: ReplicaSeries[];
}

type Json = Record<string, unknown>;

function field(obj: unknown, path: string, file: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as Json))) {
      throw new StudyInputError(`${file}: missing field ${path}`);
    }
    cur = (cur as Json)[part];
  }
  return cur;
}

function arrayField(obj: unknown, path: string, file: string): unknown[] {
  const v = field(obj, path, file);
  if (!Array.isArray(v)) throw new StudyInputError(`${file}: field ${path} must be an array`);
  return v;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The estimator of a network whose estimated layers are all binary: their sign patterns, counted exactly. */
export const EXACT_CODES = 'exact codes';

/** The name of the estimator described by `info.settings`. */
export function estimatorName(settings: Json): string {
  const mm = settings.millerMadow === true ? ' +MM' : '';
  switch (settings.discretization) {
    case 'fixed':
      return `bins ${settings.bins} [${settings.lo}, ${settings.hi}]${mm}`;
    case 'width':
      return `width ${settings.width}${mm}`;
    case 'adaptive':
      return `adaptive ${settings.bins}${mm}`;
    default:
      return `recorded (${String(settings.discretization ?? 'unknown')})${mm}`;
  }
}

/** [replica][epoch][layer] (number | null) → per replica [layer][epoch], nulls from `fallback`. */
function cube(
  v: unknown,
  path: string,
  file: string,
  R: number,
  E: number,
  L: number,
  fallback?: number[][][],
): number[][][] {
  if (!Array.isArray(v) || v.length !== R)
    throw new StudyInputError(`${file}: ${path} must have ${R} replicas`);
  return v.map((rep, r) => {
    if (!Array.isArray(rep)) throw new StudyInputError(`${file}: ${path}[${r}] must be an array`);
    const out = Array.from({ length: L }, () => [] as number[]);
    for (let e = 0; e < Math.min(E, rep.length); e++) {
      const row = rep[e];
      if (!Array.isArray(row) || row.length !== L)
        throw new StudyInputError(`${file}: ${path}[${r}][${e}] must hold ${L} layers`);
      for (let l = 0; l < L; l++) {
        const x = row[l] ?? fallback?.[r]?.[l]?.[e] ?? null;
        out[l].push(finite(x) ? x : Number.NaN);
      }
    }
    return out;
  });
}

export interface ParsedRecord extends DialPlace {
  file: string;
  key: string;
  label: string;
  dataset: string;
  kind: Kind;
  variant: string;
  primaryEstimator: string;
  exactCodes: boolean;
  incomplete: string | null;
  depths: number;
  replicas: ReplicaSeries[];
}

/**
 * BNN, DNN, k-bit or hybrid. A network with k-bit or ternary weights, or k-bit activations, is neither a
 * BNN nor a DNN (its layers record binary false and binary_output false, as a float layer's do): with
 * k-bit weights and activations of one width throughout it is 'k-bit' (named q2, q4, q8), else a hybrid
 * named by its weights, so the BNN-vs-DNN comparison never takes it for a DNN. `weights`: the
 * configuration's weight kind of each hidden layer, when the record has it.
 */
function describeKind(
  layers: Json[],
  file: string,
  weights: unknown[] = [],
): { kind: Kind; variant: string } {
  const acts = layers.map((l, i) => {
    if (typeof l.activation !== 'string')
      throw new StudyInputError(`${file}: missing field layers.${i}.activation`);
    return l.activation;
  });
  const uniq = [...new Set(acts)].join('/');
  const quantized = [
    ...new Set(weights.filter((w) => typeof w === 'string' && w !== 'float' && w !== 'binary')),
  ];
  const kbitActs = acts.every((a) => /^q\d+$/.test(a));
  // k-bit weights and activations of one width throughout (the capacity dial): 'k-bit', named by them.
  if (quantized.length === 1 && kbitActs && uniq === quantized[0]) return { kind: 'k-bit', variant: uniq };
  if (quantized.length || acts.some((a) => /^q\d+$/.test(a)))
    return {
      kind: 'hybrid',
      variant: `${quantized.length ? quantized.join('/') : 'float'} weights, ${uniq}`,
    };
  const binW = layers.every((l) => l.binary === true);
  const binA = layers.every((l) => l.binary_output === true);
  const floatW = layers.every((l) => l.binary !== true);
  const floatA = layers.every((l) => l.binary_output !== true);
  if (binW && binA) return { kind: 'BNN', variant: uniq };
  if (floatW && floatA) return { kind: 'DNN', variant: uniq };
  return { kind: 'hybrid', variant: `${binW ? 'binary' : floatW ? 'float' : 'mixed'} weights, ${uniq}` };
}

function dialPlace(dataset: string, hidden: Json[], rest: Json, widths: string): DialPlace {
  const network = (rest.network ?? {}) as Json;
  const configHidden = Array.isArray(network.hidden) ? (network.hidden as Json[]) : undefined;
  const { bits, description } = networkBits(hidden, configHidden);
  const shape = configHidden?.map((l) => ({ width: l.width, batchNorm: l.batchNorm }));
  const bn = hidden.every((l) => l.batch_norm === true)
    ? ' BN'
    : hidden.some((l) => l.batch_norm)
      ? ' some BN'
      : '';
  return {
    bits,
    bitsDescription: description,
    family: JSON.stringify([dataset, widths, { ...rest, network: { ...network, hidden: shape } }]),
    familyLabel: `${dataset} ${widths}${bn}`,
    hashedDepths: hidden.flatMap((l, i) =>
      (l.kbit_codes as Json | undefined)?.exact === false ? [i + 1] : [],
    ),
  };
}

/** One record's JSON, checked; throws a StudyInputError naming the file and the field. */
export function parseRecord(json: unknown, file: string): ParsedRecord {
  const schema = (json as Json | null)?.schema;
  if (schema !== 'bitplane.run/1')
    throw new StudyInputError(
      `${file}: schema must be "bitplane.run/1", got ${schema === undefined ? 'none' : JSON.stringify(schema)}`,
    );
  const config = field(json, 'config', file) as Json;
  const dataset = field(json, 'config.data.name', file);
  if (typeof dataset !== 'string')
    throw new StudyInputError(`${file}: field config.data.name must be a string`);
  const epochs = arrayField(json, 'epochs', file);
  if (!epochs.every(finite) || epochs.length < 2)
    throw new StudyInputError(`${file}: field epochs must hold at least 2 numbers`);
  const E = epochs.length;
  const allLayers = arrayField(json, 'layers', file) as Json[];
  const infoLayers = arrayField(json, 'info.layers', file);
  const L = infoLayers.length;
  const hidden = infoLayers.map((i) => {
    const layer = allLayers.find((l) => l?.index === i);
    if (!layer)
      throw new StudyInputError(`${file}: info.layers names layer ${String(i)}, which layers lacks`);
    return layer;
  });
  const network = ((json as Json).config as Json | undefined)?.network as Json | undefined;
  const weights = Array.isArray(network?.hidden) ? (network.hidden as Json[]).map((h) => h?.weights) : [];
  const { kind, variant } = describeKind(hidden, file, weights);
  const widths = hidden.map((l) => l.width).join('-');
  const acc = arrayField(json, 'metrics.train_acc', file);
  const R = acc.length;
  if (R === 0) throw new StudyInputError(`${file}: field metrics.train_acc holds no replica`);
  const testLoss = arrayField(json, 'metrics.test_loss', file);
  const metrics = field(json, 'metrics', file) as Json;
  const testAcc = Array.isArray(metrics.test_acc) ? (metrics.test_acc as unknown[]) : undefined;
  const n = field(json, 'info.n', file);
  if (!finite(n) || n < 1) throw new StudyInputError(`${file}: field info.n must be a positive number`);
  const settings = field(json, 'info.settings', file) as Json;
  const exactCodes = hidden.every((l) => l.binary_output === true);
  const primaryEstimator = exactCodes ? EXACT_CODES : estimatorName(settings);
  const primary = cube(field(json, 'info.ixt', file), 'info.ixt', file, R, E, L);
  const primaryY = cube(field(json, 'info.ity', file), 'info.ity', file, R, E, L);
  const named: [string, number[][][], number[][][], number][] = [
    [primaryEstimator, primary, primaryY, Math.log2(n)],
  ];
  const info = field(json, 'info', file) as Json;
  const extra: [string, Json][] = [];
  if (info.kde && typeof info.kde === 'object') {
    const kde = info.kde as Json;
    extra.push([`kde σ²=${kde.variance}`, kde]);
  }
  if (info.estimates && typeof info.estimates === 'object')
    for (const [name, est] of Object.entries(info.estimates as Json)) extra.push([name, est as Json]);
  for (const [name, est] of extra) {
    const path = name.startsWith('kde') && est === info.kde ? 'info.kde' : `info.estimates.${name}`;
    const estN = finite(est.n) && est.n >= 1 ? est.n : n;
    named.push([
      name,
      cube(est.ixt, `${path}.ixt`, file, R, E, L, primary),
      cube(est.ity, `${path}.ity`, file, R, E, L, primaryY),
      Math.log2(estN),
    ]);
  }
  const replicas: ReplicaSeries[] = [];
  for (let r = 0; r < R; r++) {
    const a = acc[r];
    const t = testLoss[r];
    if (!Array.isArray(a) || !Array.isArray(t))
      throw new StudyInputError(
        `${file}: metrics.train_acc[${r}] and metrics.test_loss[${r}] must be arrays`,
      );
    // A replica's usable length: up to its first missing number (a diverged replica stops there).
    let len = Math.min(E, a.length, t.length);
    for (let e = 0; e < len; e++) {
      const ok =
        finite(a[e]) &&
        named.every(([, x, y]) => x[r].every((c) => finite(c[e])) && y[r].every((c) => finite(c[e])));
      if (!ok) {
        len = e;
        break;
      }
    }
    const series: ReplicaSeries = {
      file,
      replica: r,
      epochs: (epochs as number[]).slice(0, len),
      trainAcc: (a as number[]).slice(0, len),
      testAcc: Array.isArray(testAcc?.[r])
        ? (testAcc[r] as unknown[]).slice(0, len).map((x) => (finite(x) ? x : Number.NaN))
        : [],
      testLoss: (t as unknown[]).slice(0, len).map((x) => (finite(x) ? x : Number.NaN)),
      estimates: new Map(
        named.map(([name, x, y, ceiling]) => [
          name,
          { ixt: x[r].map((c) => c.slice(0, len)), ity: y[r].map((c) => c.slice(0, len)), ceiling },
        ]),
      ),
    };
    if (len < E)
      series.cut = `replica ${r} has numbers only up to epoch ${len > 0 ? epochs[len - 1] : 'none'}`;
    replicas.push(series);
  }
  const status = field(json, 'status', file);
  const incomplete =
    status === 'complete'
      ? null
      : `${file}: ${String(status)}${json && (json as Json).message ? ` (${(json as Json).message})` : ''}`;
  const { seed: _seed, replicas: _r, log: _log, ...rest } = config;
  return {
    file,
    key: JSON.stringify([dataset, kind, variant, widths, rest]),
    label: `${kind} ${variant} ${widths}`,
    dataset,
    kind,
    variant,
    primaryEstimator,
    exactCodes,
    incomplete,
    depths: L,
    replicas,
    ...dialPlace(dataset, hidden, rest, widths),
  };
}

/**
 * Pools parsed records with the same configuration into experiments, in first-seen order. Records that
 * stopped early are listed in `incomplete` and their replicas left out unless `includeIncomplete`.
 */
export function groupExperiments(records: readonly ParsedRecord[], includeIncomplete = false): Experiment[] {
  const byKey = new Map<string, Experiment>();
  for (const p of records) {
    let x = byKey.get(p.key);
    if (!x) {
      x = {
        key: p.key,
        label: p.label,
        dataset: p.dataset,
        kind: p.kind,
        variant: p.variant,
        primaryEstimator: p.primaryEstimator,
        exactCodes: p.exactCodes,
        files: [],
        incomplete: [],
        depths: p.depths,
        replicas: [],
        bits: p.bits,
        bitsDescription: p.bitsDescription,
        family: p.family,
        familyLabel: p.familyLabel,
        hashedDepths: p.hashedDepths,
      };
      byKey.set(p.key, x);
    }
    x.files.push(p.file);
    if (p.incomplete) x.incomplete.push(`${p.incomplete}${includeIncomplete ? ', included' : ', excluded'}`);
    if (!p.incomplete || includeIncomplete) x.replicas.push(...p.replicas);
  }
  const out = [...byKey.values()];
  // Two configurations with the same label (e.g. other learning rates) get numbered labels.
  const seen = new Map<string, number>();
  for (const x of out) {
    const id = `${x.dataset} ${x.label}`;
    const k = (seen.get(id) ?? 0) + 1;
    seen.set(id, k);
    if (k > 1) x.label = `${x.label} (#${k})`;
  }
  return out;
}
