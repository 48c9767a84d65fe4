/**
 * Run configuration ⇄ URL fragment, as readable `key=value` pairs with a schema version, defaults
 * omitted (TensorFlow Playground's declarative table, but pure string functions: no `location` here).
 *
 *   #v=1&data=bits12&net=10-bin-bn-ste_sign,7-float-tanh&opt=sgd&lr=0.01&epochs=500
 *
 * A layer is `<width>-<bin|float|tern|q2|q4|q8>[-bn]-<activation>` (weights: binary, float, ternary or
 * k-bit; the activation may be a k-bit q2, q4, q8). `parseLink` never throws on bad input: it applies
 * every field it can read and returns, for each one it cannot, an issue naming the key.
 */

import {
  type ConfigIssue,
  ConfigSchema,
  defaultConfig,
  type LayerConfig,
  parseConfig,
  type RunConfig,
} from '../config/run-config.ts';
import { editDistance } from '../util/edit-distance.ts';
import { bool, type Field, get, list, num, removePath, set, word } from './link-fields.ts';

export const LINK_VERSION = 1;

const LAYER_RE = /^(\d+)-(bin|float|tern|q2|q4|q8)(-bn)?-([a-z_0-9]+)$/;
/** Link words of the weight kinds that are not spelled as in the configuration. */
const WEIGHT_WORD: Record<string, string> = { binary: 'bin', ternary: 'tern' };
const WEIGHT_OF_WORD: Record<string, string> = { bin: 'binary', tern: 'ternary' };

const layers: Field = {
  key: 'net',
  path: ['network', 'hidden'],
  format: (v) =>
    (v as LayerConfig[])
      .map(
        (l) => `${l.width}-${WEIGHT_WORD[l.weights] ?? l.weights}${l.batchNorm ? '-bn' : ''}-${l.activation}`,
      )
      .join(','),
  parse: (s) =>
    s === ''
      ? []
      : s.split(',').map((part, i) => {
          const m = LAYER_RE.exec(part);
          if (!m) {
            throw new Error(
              `layer ${i + 1} "${part}" is not <width>-<bin|float|tern|q2|q4|q8>[-bn]-<activation>`,
            );
          }
          return {
            width: Number(m[1]),
            weights: WEIGHT_OF_WORD[m[2]] ?? m[2],
            batchNorm: !!m[3],
            activation: m[4],
          };
        }),
};

/** Every configurable field, in link order. */
export const LINK_FIELDS: readonly Field[] = [
  num('seed', 'seed'),
  num('replicas', 'replicas'),
  word('data', 'data', 'name'),
  word('enc', 'data', 'encoding'),
  num('samples', 'data', 'samples'),
  num('noise', 'data', 'noise'),
  num('mnist', 'data', 'mnistTrain'),
  num('mnisttest', 'data', 'mnistTest'),
  num('train', 'data', 'trainFraction'),
  word('split', 'data', 'split'),
  // Your own data (docs/own-data.md): the file a run needs and the SHA-256 it must have, and how it is read.
  word('file', 'data', 'file', 'name'),
  num('rows', 'data', 'file', 'rows'),
  num('cols', 'data', 'file', 'columns'),
  num('classes', 'data', 'file', 'classes'),
  word('sha', 'data', 'file', 'sha256'),
  word('labelcol', 'data', 'labelColumn'),
  word('header', 'data', 'header'),
  word('norm', 'data', 'normalize'),
  layers,
  word('out', 'network', 'outputWeights'),
  word('init', 'network', 'init'),
  bool('bncal', 'network', 'calibrateBatchNorm'),
  word('opt', 'optimizer', 'name'),
  num('lr', 'optimizer', 'lr'),
  num('beta1', 'optimizer', 'beta1'),
  num('beta2', 'optimizer', 'beta2'),
  num('eps', 'optimizer', 'eps'),
  num('clip', 'optimizer', 'clip'),
  num('tau', 'optimizer', 'tau'),
  num('gamma', 'optimizer', 'gamma'),
  num('batch', 'batchSize'),
  word('trainer', 'trainer'),
  num('epochs', 'epochs'),
  word('disc', 'estimator', 'discretization'),
  num('bins', 'estimator', 'bins'),
  num('lo', 'estimator', 'lo'),
  num('hi', 'estimator', 'hi'),
  num('width', 'estimator', 'width'),
  word('est', 'estimator', 'set'),
  bool('mm', 'estimator', 'millerMadow'),
  bool('kde', 'estimator', 'kde'),
  num('kdevar', 'estimator', 'kdeVariance'),
  list('estimators', 'estimator', 'estimators'),
  word('log', 'log', 'schedule'),
  num('logk', 'log', 'every'),
  num('logpoints', 'log', 'points'),
  num('logsteps', 'log', 'steps'),
  num('logstepepochs', 'log', 'stepEpochs'),
];

/** The fragment (without '#') for a configuration; fields equal to their default are left out. */
export function serializeLink(config: RunConfig): string {
  const defaults = defaultConfig();
  const parts = [`v=${LINK_VERSION}`];
  for (const f of LINK_FIELDS) {
    const v = get(config, f.path);
    const text = f.format(v);
    if (text !== f.format(get(defaults, f.path)))
      parts.push(`${f.key}=${encodeURIComponent(text).replace(/%2C/g, ',')}`);
  }
  return parts.join('&');
}

export interface LinkIssue extends ConfigIssue {
  /** The link key the issue is about ('net', 'lr', …), or 'v' for the version. */
  key: string;
}

export interface ParsedLink {
  config: RunConfig;
  /** Fields that could not be applied (their defaults are used instead). */
  issues: LinkIssue[];
}

/** The part after '#', whether given a full URL, '#…' or the bare fragment. */
export function fragmentOf(text: string): string {
  const i = text.indexOf('#');
  return i >= 0 ? text.slice(i + 1) : text;
}

/** Parses a fragment; never throws. Bad fields are reported and left at their defaults. */
export function parseLink(text: string): ParsedLink {
  const issues: LinkIssue[] = [];
  const input: Record<string, unknown> = {};
  const seen = new Set<string>();
  const unknown: string[] = [];
  for (const pair of fragmentOf(String(text)).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey);
    } catch {
      issues.push({ key: rawKey, field: rawKey, message: 'the key is not valid percent-encoding' });
      continue;
    }
    if (key === '') {
      issues.push({ key: '(empty)', field: '(empty)', message: `"${pair}" has no key` });
      continue;
    }
    try {
      value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      const f = LINK_FIELDS.find((x) => x.key === key);
      issues.push({
        key,
        field: f ? f.path.join('.') : key,
        message: 'the value is not valid percent-encoding',
      });
      continue;
    }
    if (key === 'v') {
      if (value !== String(LINK_VERSION)) {
        issues.push({
          key,
          field: 'v',
          message: `link version ${value} is not supported (this is version ${LINK_VERSION})`,
        });
      }
      continue;
    }
    const f = LINK_FIELDS.find((x) => x.key === key);
    if (!f) {
      unknown.push(key);
      continue;
    }
    if (seen.has(key)) {
      issues.push({ key, field: f.path.join('.'), message: 'given twice; the first value is used' });
      continue;
    }
    seen.add(key);
    try {
      set(input, f.path, f.parse(value));
    } catch (e) {
      issues.push({ key, field: f.path.join('.'), message: (e as Error).message });
    }
  }
  // Your own data's file is one thing: given in part, it is reported (naming what is missing) and dropped.
  const file = (input.data as { file?: Record<string, unknown> } | undefined)?.file;
  if (file) {
    const parts = LINK_FIELDS.filter((f) => f.path[1] === 'file');
    const missing = parts.filter((f) => file[f.path[2]] === undefined);
    for (const f of missing)
      issues.push({
        key: f.key,
        field: f.path.join('.'),
        message: `missing: your own data's file needs ${parts.map((p) => p.key).join(', ')} together`,
      });
    if (missing.length) {
      for (const f of parts.filter((p) => file[p.path[2]] !== undefined))
        issues.push({
          key: f.key,
          field: f.path.join('.'),
          message: `dropped: your own data's file needs ${missing.map((p) => p.key).join(', ')} too`,
        });
      delete (input.data as { file?: unknown }).file;
    }
  }
  issues.push(...unknownKeyIssues(unknown));
  const given = structuredClone(input);
  const config = applyFieldByField(input, issues);
  // A field that was given and not applied is always named, whatever dropped it.
  for (const f of LINK_FIELDS) {
    const v = get(given, f.path);
    if (v === undefined || issues.some((i) => i.key === f.key)) continue;
    if (f.format(v) !== f.format(get(config, f.path)))
      issues.push({ key: f.key, field: f.path.join('.'), message: 'not applied; its default is used' });
  }
  return { config, issues };
}

/** At most this many unknown keys are named one by one; the rest are counted. */
const UNKNOWN_KEYS_NAMED = 5;

/** The known key closest to `key` (case-insensitive; one edit away for short keys, two for longer ones), if any. */
export function closestKey(key: string): string | undefined {
  const k = key.toLowerCase().slice(0, 40);
  // Short keys are close to everything: one edit for keys up to 4 characters, two beyond.
  let bestD = k.length <= 4 ? 2 : 3;
  let best: string | undefined;
  for (const f of LINK_FIELDS) {
    const d = editDistance(k, f.key);
    if (d < bestD) [best, bestD] = [f.key, d];
  }
  return best;
}

/** The first few unknown keys, each with a suggestion; the rest summarised in one issue with a count. */
function unknownKeyIssues(unknown: readonly string[]): LinkIssue[] {
  const known = `known keys: ${LINK_FIELDS.map((x) => x.key).join(', ')}`;
  const out: LinkIssue[] = unknown.slice(0, UNKNOWN_KEYS_NAMED).map((raw, i) => {
    const key = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
    const near = closestKey(raw);
    const hint = near ? `did you mean "${near}"?` : i === 0 ? known : 'see the known keys above';
    return { key, field: key, message: `unknown key; ${hint}` };
  });
  if (unknown.length > UNKNOWN_KEYS_NAMED) {
    const rest = unknown.length - UNKNOWN_KEYS_NAMED;
    out.push({
      key: '(unknown keys)',
      field: '(unknown keys)',
      message: `${unknown.length} unknown keys in all: ${rest} more not listed; ${known}`,
    });
  }
  return out;
}

/**
 * The link keys a cross-field rule involves (config.ts's crossCheck, by the field it reports), the most
 * specific first: that one is dropped first, so the rest of the link still applies.
 */
const CONFLICT_KEYS: readonly [RegExp, readonly string[]][] = [
  [/^estimator\.(lo|hi)$/, ['hi', 'lo']],
  [/^batchSize$/, ['batch', 'net']],
  [/^data\.trainFraction$/, ['samples', 'train', 'net', 'data']],
  [/^data\.split$/, ['split', 'data']],
  [/^network\.hidden\.\d+\.width$/, ['net', 'data']],
];

/** The link field whose path is `dotted` or contains it ('network.hidden.2.width' → net), if any. */
function fieldAt(fieldOfPath: Map<string, Field>, dotted: string): Field | undefined {
  for (const [p, f] of fieldOfPath) if (dotted === p || dotted.startsWith(`${p}.`)) return f;
  return undefined;
}

/**
 * Validates `input`, dropping each field the schema rejects, and for a cross-field conflict the most
 * specific field involved, until the rest applies. Each dropped field gets an issue naming it (and, for a
 * conflict, the other fields involved).
 */
function applyFieldByField(input: Record<string, unknown>, issues: LinkIssue[]): RunConfig {
  const fieldOfPath = new Map(LINK_FIELDS.map((f) => [f.path.join('.'), f]));
  const byKey = new Map(LINK_FIELDS.map((f) => [f.key, f]));
  for (let attempt = 0; attempt <= 2 * LINK_FIELDS.length; attempt++) {
    const r = ConfigSchema.safeParse(input);
    if (r.success) {
      let cross: ConfigIssue[];
      try {
        return parseConfig(input);
      } catch (e) {
        cross = (e as { issues?: ConfigIssue[] }).issues ?? [];
        if (!cross.length) throw e;
      }
      const c = cross[0];
      const involved = CONFLICT_KEYS.find(([re]) => re.test(c.field))?.[1] ?? [
        fieldAt(fieldOfPath, c.field)?.key ?? c.field,
      ];
      const givenKeys = involved.filter((k) => {
        const f = byKey.get(k);
        return f !== undefined && get(input, f.path) !== undefined;
      });
      const drop = givenKeys[0];
      if (drop === undefined) {
        issues.push({ ...c, key: involved[0] ?? c.field });
        return defaultConfig();
      }
      const f = byKey.get(drop)!;
      const others = givenKeys
        .slice(1)
        .map((k) => `${k}=${byKey.get(k)!.format(get(input, byKey.get(k)!.path))}`);
      const withOthers = others.length ? ` (together with ${others.join(', ')})` : '';
      issues.push({
        key: drop,
        field: f.path.join('.'),
        message: `${c.message}${withOthers}: ${drop} not applied, its default is used`,
      });
      removePath(input, f.path);
      continue;
    }
    for (const issue of r.error.issues) {
      const path = issue.path.map(String);
      const f = fieldAt(fieldOfPath, path.join('.'));
      const field = path.join('.') || '(config)';
      const message =
        issue.code === 'invalid_value' && 'values' in issue
          ? `must be one of ${issue.values.map((v) => String(v)).join(', ')}`
          : issue.message;
      issues.push({ key: f?.key ?? field, field, message });
      if (f)
        removePath(input, f.path[1] === 'file' ? f.path.slice(0, 2) : f.path); // the file goes whole
      else return defaultConfig();
    }
  }
  return defaultConfig();
}
