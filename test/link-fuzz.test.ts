/**
 * Property-based tests of the link parser (fast-check), 12,000 fragments in all: random text, random
 * key=value soups, character-level mutations of real links and links with one field corrupted.
 *
 *   - parseLink never throws, and always returns a valid configuration;
 *   - every issue names its key and field (non-empty strings) and says what is wrong;
 *   - a link with one corrupted value reports that key and applies every other field;
 *   - parse(serialize(config)) deep-equals config for random valid configurations;
 *   - a field that was given and not applied is always named (checked on every fragment above);
 *   - an out-of-range value, or a cross-field conflict, names the keys it drops and keeps every other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  ConfigSchema,
  DATASETS,
  INITS,
  LAYER_ACTIVATIONS,
  OPTIMIZERS,
  parseConfig,
  type RunConfig,
  SPLIT_MODES,
  WEIGHT_KINDS,
} from '../src/config/run-config.ts';
import { SCHEDULES } from '../src/info/schedule.ts';
import { closestKey, LINK_FIELDS, type ParsedLink, parseLink, serializeLink } from '../src/run/link.ts';

const KEYS = LINK_FIELDS.map((f) => f.key);
const SEED = 20260501; // fixed, so a failure reproduces; fast-check prints the counterexample

/** The schema of the field at `path` (defaults and prefaults unwrapped). */
function fieldSchema(...path: string[]): z.ZodType {
  let t: z.ZodType = ConfigSchema;
  const unwrap = (x: z.ZodType): z.ZodType => {
    let u = x as z.ZodType & { unwrap?: () => z.ZodType };
    while (
      !(u instanceof z.ZodObject) &&
      !(u instanceof z.ZodNumber) &&
      !(u instanceof z.ZodArray) &&
      u.unwrap
    )
      u = u.unwrap() as typeof u;
    return u;
  };
  for (const k of path) {
    t = unwrap(t);
    if (t instanceof z.ZodArray) t = unwrap(t.element as z.ZodType);
    t = (t as z.ZodObject).shape[k];
  }
  return unwrap(t);
}

/**
 * Numbers over the whole range the schema allows (read from its checks, so the fuzzing follows the
 * schema when a bound changes): integers, or doubles with their inclusive or exclusive bounds.
 */
function num(...path: string[]): fc.Arbitrary<number> {
  const n = fieldSchema(...path) as z.ZodNumber;
  if (!(n instanceof z.ZodNumber)) throw new Error(`${path.join('.')} is not a number field`);
  let min = -Number.MAX_VALUE;
  let max = Number.MAX_VALUE;
  let minExcluded = false;
  let maxExcluded = false;
  for (const c of n._zod.def.checks ?? []) {
    const d = c._zod.def as { check: string; value?: number; inclusive?: boolean };
    if (d.check === 'greater_than' && d.value !== undefined && d.value >= min) {
      min = d.value;
      minExcluded = !d.inclusive;
    } else if (d.check === 'less_than' && d.value !== undefined && d.value <= max) {
      max = d.value;
      maxExcluded = !d.inclusive;
    }
  }
  if (n.isInt)
    return fc.integer({
      min: Math.max(Number.MIN_SAFE_INTEGER, minExcluded ? Math.floor(min) + 1 : Math.ceil(min)),
      max: Math.min(Number.MAX_SAFE_INTEGER, maxExcluded ? Math.ceil(max) - 1 : Math.floor(max)),
    });
  return fc.double({ min, max, minExcluded, maxExcluded, noNaN: true, noDefaultInfinity: true });
}

const layer = fc.record({
  width: num('network', 'hidden', 'width'),
  weights: fc.constantFrom(...WEIGHT_KINDS),
  batchNorm: fc.boolean(),
  activation: fc.constantFrom(...LAYER_ACTIVATIONS),
});

/** Valid configurations: every field drawn from its whole range, cross-field rules respected. */
const validConfig: fc.Arbitrary<RunConfig> = fc
  .record({
    seed: num('seed'),
    replicas: num('replicas'),
    data: fc.record({
      name: fc.constantFrom(...DATASETS),
      encoding: fc.constantFrom('binary', 'pm1'),
      samples: num('data', 'samples'),
      noise: num('data', 'noise'),
      mnistTrain: num('data', 'mnistTrain'),
      mnistTest: num('data', 'mnistTest'),
      trainFraction: num('data', 'trainFraction'),
      split: fc.constantFrom(...SPLIT_MODES),
    }),
    network: fc.record({
      hidden: fc.array(layer, { maxLength: 6 }),
      outputWeights: fc.constantFrom('float', 'binary'),
      init: fc.constantFrom(...INITS),
    }),
    optimizer: fc.record({
      name: fc.constantFrom(...OPTIMIZERS),
      lr: num('optimizer', 'lr'),
      beta1: num('optimizer', 'beta1'),
      beta2: num('optimizer', 'beta2'),
      eps: num('optimizer', 'eps'),
      clip: num('optimizer', 'clip'),
    }),
    batchSize: num('batchSize'),
    epochs: num('epochs'),
    estimator: fc.record({
      discretization: fc.constantFrom('fixed', 'width', 'adaptive'),
      bins: num('estimator', 'bins'),
      lo: num('estimator', 'lo'),
      hi: num('estimator', 'hi'),
      width: num('estimator', 'width'),
      set: fc.constantFrom('full', 'train', 'test'),
      millerMadow: fc.boolean(),
      kde: fc.boolean(),
      kdeVariance: num('estimator', 'kdeVariance'),
    }),
    log: fc.record({
      schedule: fc.constantFrom(...SCHEDULES),
      every: num('log', 'every'),
      points: num('log', 'points'),
    }),
  })
  .map((c) => {
    // The cross-field rules (src/config/run-config.ts crossCheck).
    if (c.data.name === 'mnist') c.data.split = 'shuffled';
    else for (const l of c.network.hidden) l.width = Math.min(l.width, 4096);
    if (c.optimizer.name === 'bop' && !c.network.hidden.some((l) => l.weights === 'binary'))
      c.network.outputWeights = 'binary'; // Bop needs binary weights
    if (!(Math.fround(c.estimator.lo) < Math.fround(c.estimator.hi)))
      [c.estimator.lo, c.estimator.hi] = [-1, 1];
    if (c.network.hidden.some((l) => l.batchNorm)) c.batchSize = Math.max(2, c.batchSize);
    if (['circle', 'xor', 'spiral', 'gauss'].includes(c.data.name)) {
      // both parts of the split non-empty, and two training samples for batch normalization
      c.data.samples = Math.max(c.data.samples, 20);
      c.data.trainFraction = Math.min(0.9, Math.max(0.1, c.data.trainFraction));
    }
    return parseConfig(c);
  });

function get(obj: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** The checks every parse must pass, whatever the input. */
function checkParsed(text: string): ParsedLink {
  let parsed: ParsedLink | undefined;
  expect(() => {
    parsed = parseLink(text);
  }).not.toThrow();
  const { config, issues } = parsed!;
  // The configuration is always a valid one.
  expect(() => parseConfig(config)).not.toThrow();
  for (const issue of issues) {
    expect(typeof issue.key).toBe('string');
    expect(issue.key.length).toBeGreaterThan(0);
    expect(typeof issue.field).toBe('string');
    expect(issue.field.length).toBeGreaterThan(0);
    expect(issue.message.length).toBeGreaterThan(0);
    // A known key's issue names a field under that key's path.
    const f = LINK_FIELDS.find((x) => x.key === issue.key);
    const p = f?.path.join('.');
    if (p)
      expect(issue.field === p || issue.field.startsWith(`${p}.`), `${issue.key}: ${issue.field}`).toBe(true);
  }
  // A field that was given (with a value its parser reads) and not applied is always named.
  const named = new Set(issues.map((x) => x.key));
  const seen = new Set<string>();
  for (const pair of (text.includes('#') ? text.slice(text.indexOf('#') + 1) : text).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    let value: unknown;
    const f = LINK_FIELDS.find((x) => x.key === safeDecode(pair.slice(0, eq)));
    if (!f || seen.has(f.key)) continue;
    const key = f.key;
    seen.add(key);
    try {
      value = f.parse(decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' ')));
    } catch {
      continue; // a value its parser refuses: named by the corrupted-value property
    }
    if (f.format(value) !== f.format(get(config, f.path)))
      expect(
        named.has(key),
        `${key}=${f.format(value)} given, ${f.format(get(config, f.path))} applied`,
      ).toBe(true);
  }
  return parsed!;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The schema's bounds of a number field: [min, max] (infinite where it has none). */
function bounds(path: readonly string[]): [number, number] {
  const n = fieldSchema(...path) as z.ZodNumber;
  let min = -Infinity;
  let max = Infinity;
  for (const c of n._zod.def.checks ?? []) {
    const d = c._zod.def as { check: string; value?: number };
    if (d.check === 'greater_than' && d.value !== undefined) min = Math.max(min, d.value);
    if (d.check === 'less_than' && d.value !== undefined) max = Math.min(max, d.value);
  }
  return [min, max];
}

/** Number fields with a finite bound, and a value beyond it (below min or above max). */
const NUMBER_FIELDS = LINK_FIELDS.filter((f) => {
  try {
    return fieldSchema(...f.path) instanceof z.ZodNumber;
  } catch {
    return false;
  }
});
const outOfRange = fc
  .tuple(fc.constantFrom(...NUMBER_FIELDS), fc.boolean(), fc.double({ min: 1, max: 1e6, noNaN: true }))
  .filter(([f]) => bounds(f.path).some(Number.isFinite))
  .map(([f, above, by]) => {
    const [min, max] = bounds(f.path);
    const high = Number.isFinite(max) && (above || !Number.isFinite(min));
    return { f, value: high ? max + by : min - by };
  });

/**
 * Links whose fields are each valid but conflict (config.ts's cross-field rules), with the keys involved;
 * `base` adds valid fields that take no part in the conflict.
 */
const conflict = fc.oneof(
  fc
    .tuple(fc.constantFrom('circle', 'xor', 'spiral', 'gauss'), fc.integer({ min: 2, max: 4 }))
    .map(([data, samples]) => ({
      pairs: [`data=${data}`, `samples=${samples}`, 'train=0.1'],
      keys: ['data', 'samples', 'train'],
    })),
  fc
    .tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }))
    .map(([lo, d]) => ({ pairs: [`lo=${lo}`, `hi=${lo - d}`], keys: ['lo', 'hi'] })),
  fc.constant({ pairs: ['data=mnist', 'split=first-rows'], keys: ['data', 'split'] }),
  fc
    .integer({ min: 4097, max: 16384 })
    .map((w) => ({ pairs: [`net=${w}-float-relu`, 'data=digits'], keys: ['net', 'data'] })),
  fc.constant({ pairs: ['net=8-float-bn-tanh', 'batch=1'], keys: ['net', 'batch'] }),
);
const base = fc.record({
  lr: fc.constantFrom('0.01', '0.003', '0.1'),
  epochs: fc.integer({ min: 1, max: 900 }).map(String),
  seed: fc.integer({ min: 0, max: 1000 }).map(String),
  logk: fc.integer({ min: 1, max: 50 }).map(String),
});

/** Text that breaks any field's parser when put before or after its value (a bare '%' could start a valid escape). */
const breaker = fc.constantFrom('Z!', '%G', '%zz', ' x', '!!', '-?', '..', 'NaN!', '\u00e9!');

/** Characters links are made of, and a few that should not be there. */
const linkChar = fc.constantFrom(
  ...'abcdefghijklmnopqrstuvwxyz0123456789-_.,=&%#+!~ e\u00e9\u2212\u{1F600}'.split(''),
  '%2C',
  '%E2%88%92',
  '%ZZ',
  '%',
  '&&',
  '==',
);

describe('link parser, fuzzed (fast-check)', () => {
  it('never throws on random text (4,000 strings)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 })),
        (s) => {
          checkParsed(s);
        },
      ),
      { numRuns: 4000, seed: SEED },
    );
  });

  it('never throws on random key=value soups of real keys (2,000 links)', () => {
    const pair = fc
      .tuple(
        fc.oneof(fc.constantFrom(...KEYS, 'v'), fc.string({ maxLength: 6 })),
        fc.array(linkChar, { maxLength: 12 }),
      )
      .map(([k, v]) => `${k}=${v.join('')}`);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 12 }), (pairs) => {
        checkParsed(pairs.join('&'));
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('never throws on character-level mutations of real links (2,000 links)', () => {
    const edit = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 4 }),
      insert: fc.array(linkChar, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(validConfig, fc.array(edit, { minLength: 1, maxLength: 4 }), (config, edits) => {
        let s = serializeLink(config);
        for (const e of edits) {
          const at = e.at % (s.length + 1);
          s = s.slice(0, at) + e.insert.join('') + s.slice(at + e.cut);
        }
        checkParsed(s);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('a corrupted value is reported by its key and every other field still applies (2,000 links)', () => {
    fc.assert(
      fc.property(validConfig, fc.nat(), breaker, fc.boolean(), (config, which, junk, prefix) => {
        const pairs = serializeLink(config).split('&');
        if (pairs.length < 2) return; // only 'v=1': nothing to corrupt
        const i = 1 + (which % (pairs.length - 1));
        const [key, value] = pairs[i].split('=');
        pairs[i] = `${key}=${prefix ? junk + value : value + junk}`;
        const { config: got, issues } = checkParsed(pairs.join('&'));
        const named = new Set(issues.map((x) => x.key));
        expect(named.has(key)).toBe(true);
        for (const f of LINK_FIELDS)
          if (!named.has(f.key)) expect(get(got, f.path)).toEqual(get(config, f.path));
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('parse(serialize(config)) gives back config (2,000 random valid configurations)', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const { config: back, issues } = checkParsed(serializeLink(config));
        expect(issues).toEqual([]);
        expect(back).toEqual(config);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('an out-of-range value is named by its key and every other field still applies (2,000 links)', () => {
    fc.assert(
      fc.property(validConfig, outOfRange, ({ ...config }, { f, value }) => {
        const pairs = serializeLink(config)
          .split('&')
          .filter((p) => !p.startsWith(`${f.key}=`));
        pairs.push(`${f.key}=${value}`);
        const { config: got, issues } = checkParsed(pairs.join('&'));
        const named = new Set(issues.map((x) => x.key));
        // named by the schema's own reason (a bound), not only by the "not applied" safety net
        expect(issues.find((x) => x.key === f.key)?.message).not.toMatch(/not applied/);
        for (const g of LINK_FIELDS)
          if (!named.has(g.key)) expect(get(got, g.path)).toEqual(get(config, g.path));
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('a cross-field conflict names a key it involves and keeps every field outside it (1,000 links)', () => {
    fc.assert(
      fc.property(conflict, base, ({ pairs, keys }, extra) => {
        const text = ['v=1', ...pairs, ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)].join('&');
        const { config: got, issues } = checkParsed(text);
        const named = issues.map((x) => x.key);
        expect(named.length).toBeGreaterThan(0);
        for (const k of named) expect(keys).toContain(k);
        // The conflict's message names the rule; the fields outside it all apply.
        expect(got.optimizer.lr).toBe(Number(extra.lr));
        expect(got.epochs).toBe(Number(extra.epochs));
        expect(got.seed).toBe(Number(extra.seed));
        expect(got.log.every).toBe(Number(extra.logk));
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  it('the reported case: v=1&data=xor&samples=2&lr=0.01&epochs=7 keeps data, lr and epochs', () => {
    const { config, issues } = checkParsed('v=1&data=xor&samples=2&lr=0.01&epochs=7');
    expect(config.data.name).toBe('xor');
    expect(config.optimizer.lr).toBe(0.01);
    expect(config.epochs).toBe(7);
    expect(issues.map((i) => i.key)).toEqual(['samples']);
    expect(issues[0].message).toMatch(/2 samples at 0\.8/);
  });

  it('many unknown keys are summarised: a count, the first few, and did-you-mean', () => {
    const keys = Array.from({ length: 12_000 }, (_, i) => `zz${i}=1`);
    const { issues } = checkParsed(['v=1', 'lrr=0.1', ...keys].join('&'));
    expect(issues).toHaveLength(6);
    expect(issues[0]).toMatchObject({ key: 'lrr', message: 'unknown key; did you mean "lr"?' });
    expect(issues[5].message).toMatch(
      /^12001 unknown keys in all: 11996 more not listed; known keys: seed, /,
    );
    expect(issues.map((i) => i.message).join('\n').length).toBeLessThan(2000);
    // suggestions only when close: one edit for short keys, two for longer ones
    expect([closestKey('epoch'), closestKey('kdevr'), closestKey('x1'), closestKey('foo')]).toEqual([
      'epochs',
      'kdevar',
      undefined,
      undefined,
    ]);
  });

  it('the generator makes valid configurations only', () => {
    fc.assert(
      fc.property(validConfig, (c) => {
        expect(() => parseConfig(c)).not.toThrow(ConfigError);
      }),
      { numRuns: 50, seed: SEED },
    );
  });
});
