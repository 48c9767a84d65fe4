/**
 * Run configuration ⇄ URL fragment, as readable `key=value` pairs with a schema version, defaults
 * omitted (TensorFlow Playground's declarative table, but pure string functions: no `location` here).
 *
 *   #v=1&data=bits12&net=10-bin-bn-ste_sign,7-float-tanh&opt=sgd&lr=0.01&epochs=500
 *
 * A layer is `<width>-<bin|float>[-bn]-<activation>`. `parseLink` never throws on bad input: it applies
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

export const LINK_VERSION = 1;

type Path = readonly string[];

interface Field {
  key: string;
  path: Path;
  format(v: unknown): string;
  parse(s: string): unknown;
}

const num = (key: string, ...path: string[]): Field => ({
  key,
  path,
  format: (v) => (Object.is(v, -0) ? '-0' : String(v)),
  parse: (s) => {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) throw new Error(`"${s}" is not a number`);
    return Number(s);
  },
});

const word = (key: string, ...path: string[]): Field => ({
  key,
  path,
  format: (v) => String(v),
  parse: (s) => s,
});

const bool = (key: string, ...path: string[]): Field => ({
  key,
  path,
  format: (v) => (v ? '1' : '0'),
  parse: (s) => {
    if (s === '1' || s === 'true') return true;
    if (s === '0' || s === 'false') return false;
    throw new Error(`"${s}" is not 1 or 0`);
  },
});

/** A comma-separated list of words; absent and empty are the same (the default). */
const list = (key: string, ...path: string[]): Field => ({
  key,
  path,
  format: (v) => (Array.isArray(v) ? v.join(',') : ''),
  parse: (s) => (s === '' ? [] : s.split(',')),
});

const LAYER_RE = /^(\d+)-(bin|float)(-bn)?-([a-z_]+)$/;

const layers: Field = {
  key: 'net',
  path: ['network', 'hidden'],
  format: (v) =>
    (v as LayerConfig[])
      .map(
        (l) =>
          `${l.width}-${l.weights === 'binary' ? 'bin' : 'float'}${l.batchNorm ? '-bn' : ''}-${l.activation}`,
      )
      .join(','),
  parse: (s) =>
    s === ''
      ? []
      : s.split(',').map((part, i) => {
          const m = LAYER_RE.exec(part);
          if (!m) throw new Error(`layer ${i + 1} "${part}" is not <width>-<bin|float>[-bn]-<activation>`);
          return {
            width: Number(m[1]),
            weights: m[2] === 'bin' ? 'binary' : 'float',
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
  num('batch', 'batchSize'),
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

function get(obj: unknown, path: Path): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function set(obj: Record<string, unknown>, path: Path, value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]] = value;
}

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
  const fieldOfPath = new Map(LINK_FIELDS.map((f) => [f.path.join('.'), f]));
  const seen = new Set<string>();
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
      issues.push({
        key,
        field: key,
        message: `unknown key; known keys: ${LINK_FIELDS.map((x) => x.key).join(', ')}`,
      });
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
  // Validate; drop each field the schema rejects and try again, so the rest still applies.
  for (let attempt = 0; attempt <= LINK_FIELDS.length; attempt++) {
    const r = ConfigSchema.safeParse(input);
    if (r.success) {
      try {
        return { config: parseConfig(input), issues };
      } catch (e) {
        const cross = (e as { issues?: ConfigIssue[] }).issues ?? [];
        if (!cross.length) throw e;
        let removed = false;
        for (const c of cross) {
          const f = [...fieldOfPath.entries()].find(([p]) => c.field.startsWith(p))?.[1];
          issues.push({ ...c, key: f?.key ?? c.field });
          if (f && get(input, f.path) !== undefined) {
            removePath(input, f.path);
            removed = true;
          }
        }
        if (!removed) return { config: defaultConfig(), issues };
        continue;
      }
    }
    for (const issue of r.error.issues) {
      const path = issue.path.map(String);
      const f = [...fieldOfPath.entries()].find(([p]) => path.join('.').startsWith(p))?.[1];
      const field = path.join('.') || '(config)';
      const message =
        issue.code === 'invalid_value' && 'values' in issue
          ? `must be one of ${issue.values.map((v) => String(v)).join(', ')}`
          : issue.message;
      issues.push({ key: f?.key ?? field, field, message });
      if (f) removePath(input, f.path);
      else return { config: defaultConfig(), issues };
    }
  }
  return { config: defaultConfig(), issues };
}

function removePath(obj: Record<string, unknown>, path: Path): void {
  const parent = get(obj, path.slice(0, -1)) as Record<string, unknown> | undefined;
  if (parent) delete parent[path[path.length - 1]];
}
