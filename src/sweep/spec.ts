/**
 * A sweep spec → the manifest of runs it names (pure: runs in Node and in the browser).
 *
 *   {
 *     "base":  "v=1&data=xor&epochs=3",                 the link every run starts from
 *     "grid":  {"lr": [0.01, 0.001], "samples": [200, 500]},   every combination (first axis slowest)
 *     "lists": {"net": ["8-bin-bn-ste_sign", "8-float-tanh"], "lr": [0.01, 0.001]},
 *                                                        equal-length lists that vary together
 *     "sample": {"count": 3, "seed": 7},                 a seeded random subset of the grid × lists points
 *     "seeds": 10                                         each point for seed 1…10 (or a list: [1, 4, 9])
 *     "blocks": [ {"base": …, "grid": …}, … ]             sub-sweeps, one after another; each block's base
 *   }                                                     is laid over the outer base, and "seeds" is inherited
 *
 * Axis names are link keys (src/run/link.ts: lr, net, samples, …); values are what the link would say
 * ("8-bin-bn-ste_sign", 0.01, true). Every expanded configuration is validated by the run schema through
 * parseLink; the first bad one is reported naming its axis and value. Each manifest entry's link is the
 * canonical serialization of its configuration (defaults left out, fixed key order), so equal
 * configurations give equal links and equal ids; an id is the first 16 hex digits of its link's SHA-256.
 * Expansion order: blocks in order; within one, grid × lists points (the first grid axis varies slowest,
 * lists innermost) and, innermost of all, the seeds, so consecutive lines differ only by seed.
 */
import { LINK_FIELDS, parseLink, serializeLink } from '../run/link.ts';
import { Rng } from '../util/rng.ts';
import { sha256Hex } from './sha256.ts';

export interface ManifestEntry {
  id: string;
  link: string;
}

/** A spec that cannot be expanded: each problem names the axis (or spec key) and the value. */
export class SpecError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SpecError';
  }
}

/** Most lines one spec may expand to (a guard against a typo that multiplies a grid into billions). */
export const MAX_SWEEP_RUNS = 1_000_000;

type AxisValue = string | number | boolean;
type Axes = Record<string, AxisValue[]>;

interface Block {
  base: string;
  grid: Axes;
  lists: Axes;
  sample?: { count: number; seed: number };
  seeds?: number[];
}

/** The stable id of a canonical link: the first 16 hex digits of its SHA-256. */
export function sweepId(link: string): string {
  return sha256Hex(link).slice(0, 16);
}

/** The canonical form of a link: parsed and serialized again (defaults dropped, keys in link order). */
export function canonicalLink(link: string): { link: string; issues: string[] } {
  const { config, issues } = parseLink(link);
  return { link: serializeLink(config), issues: issues.map((i) => `${i.key}: ${i.message}`) };
}

const LINK_KEYS = new Set(LINK_FIELDS.map((f) => f.key));
const SPEC_KEYS = ['base', 'grid', 'lists', 'sample', 'seeds', 'blocks', 'name', 'description'];
const BLOCK_KEYS = ['base', 'grid', 'lists', 'sample', 'seeds', 'name', 'description'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown) => JSON.stringify(v);

function readAxes(where: string, raw: unknown, problems: string[]): Axes {
  if (raw === undefined) return {};
  if (!isObject(raw)) {
    problems.push(`${where}: must be an object of axis → list of values, got ${show(raw)}`);
    return {};
  }
  const axes: Axes = {};
  for (const [key, values] of Object.entries(raw)) {
    const name = `${where} axis "${key}"`;
    if (key === 'v') problems.push(`${name}: the link version is not an axis`);
    else if (key === 'seed') problems.push(`${name}: use "seeds" (a count or a list) for the seed axis`);
    else if (!LINK_KEYS.has(key))
      problems.push(
        `${name}: not a link key; known keys: ${[...LINK_KEYS].filter((k) => k !== 'seed').join(', ')}`,
      );
    else if (!Array.isArray(values) || values.length === 0)
      problems.push(`${name}: must be a non-empty list of values, got ${show(values)}`);
    else {
      const bad = values.find((v) => !['string', 'number', 'boolean'].includes(typeof v));
      if (bad !== undefined) problems.push(`${name}: value ${show(bad)} is not a string, number or boolean`);
      else if (new Set(values.map(String)).size !== values.length)
        problems.push(`${name}: a value is listed twice (${show(values)})`);
      else axes[key] = values as AxisValue[];
    }
  }
  return axes;
}

function readSeeds(where: string, raw: unknown, problems: string[]): number[] | undefined {
  if (raw === undefined) return undefined;
  const ok = (s: unknown) => Number.isInteger(s) && (s as number) >= 0 && (s as number) <= 2 ** 31 - 1;
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 1 && raw <= MAX_SWEEP_RUNS)
      return Array.from({ length: raw }, (_, i) => i + 1);
    problems.push(`${where} "seeds": a count must be a whole number from 1, got ${show(raw)}`);
    return undefined;
  }
  if (Array.isArray(raw) && raw.length > 0 && raw.every(ok) && new Set(raw).size === raw.length)
    return raw as number[];
  problems.push(
    `${where} "seeds": must be a count (10 means seeds 1…10) or a list of distinct seeds 0…2³¹−1, got ${show(raw)}`,
  );
  return undefined;
}

function readBlock(
  where: string,
  raw: Record<string, unknown>,
  outer: Partial<Block>,
  problems: string[],
): Block {
  for (const key of Object.keys(raw))
    if (!(outer.base === undefined ? SPEC_KEYS : BLOCK_KEYS).includes(key))
      problems.push(`${where}: unknown key "${key}"; known keys: ${BLOCK_KEYS.join(', ')}`);
  const base = raw.base ?? '';
  if (typeof base !== 'string') problems.push(`${where} "base": must be a link fragment, got ${show(base)}`);
  const block: Block = {
    base: typeof base === 'string' ? overlay(outer.base ?? '', base) : (outer.base ?? ''),
    grid: readAxes(`${where} grid`, raw.grid, problems),
    lists: readAxes(`${where} lists`, raw.lists, problems),
    seeds: readSeeds(where, raw.seeds, problems) ?? outer.seeds,
  };
  const lengths = new Set(Object.values(block.lists).map((v) => v.length));
  if (lengths.size > 1)
    problems.push(
      `${where} lists: the lists must have equal lengths, got ${Object.entries(block.lists)
        .map(([k, v]) => `${k}: ${v.length}`)
        .join(', ')}`,
    );
  for (const key of Object.keys(block.lists))
    if (key in block.grid) problems.push(`${where}: axis "${key}" is both in grid and in lists`);
  if (raw.sample !== undefined) {
    const s = raw.sample;
    if (
      !isObject(s) ||
      !Number.isInteger(s.count) ||
      (s.count as number) < 1 ||
      !Number.isInteger(s.seed) ||
      (s.seed as number) < 0 ||
      (s.seed as number) > 2 ** 31 - 1
    )
      problems.push(
        `${where} "sample": must be {"count": whole number ≥ 1, "seed": 0…2³¹−1}, got ${show(s)}`,
      );
    else block.sample = { count: s.count as number, seed: s.seed as number };
  }
  return block;
}

/** Reads a parsed spec (JSON value) into blocks, or a SpecError naming every bad key, axis and value. */
export function readSpec(raw: unknown): Block[] {
  const problems: string[] = [];
  if (!isObject(raw)) throw new SpecError([`the spec must be a JSON object, got ${show(raw)}`]);
  let blocks: Block[];
  if (raw.blocks !== undefined) {
    for (const key of ['grid', 'lists', 'sample'])
      if (raw[key] !== undefined) problems.push(`"${key}" goes inside each block when the spec has "blocks"`);
    const outer = readBlock('spec', { base: raw.base, seeds: raw.seeds }, {}, problems);
    if (!Array.isArray(raw.blocks) || raw.blocks.length === 0) {
      problems.push(`"blocks": must be a non-empty list of blocks, got ${show(raw.blocks)}`);
      blocks = [];
    } else
      blocks = raw.blocks.map((b, i) => {
        if (isObject(b)) return readBlock(`block ${i + 1}`, b, outer, problems);
        problems.push(`block ${i + 1}: must be an object, got ${show(b)}`);
        return outer;
      });
  } else blocks = [readBlock('spec', raw, {}, problems)];
  if (problems.length) throw new SpecError(problems);
  return blocks;
}

/** The grid × lists points of a block, each as axis → value, in expansion order. */
function points(block: Block): Record<string, AxisValue>[] {
  let out: Record<string, AxisValue>[] = [{}];
  for (const [key, values] of Object.entries(block.grid))
    out = out.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  const lists = Object.entries(block.lists);
  if (lists.length) {
    const n = lists[0][1].length;
    out = out.flatMap((p) =>
      Array.from({ length: n }, (_, i) => ({
        ...p,
        ...Object.fromEntries(lists.map(([k, v]) => [k, v[i]])),
      })),
    );
  }
  return out;
}

function pointCount(block: Block): number {
  const grid = Object.values(block.grid).reduce((n, v) => n * v.length, 1);
  const lists = Object.values(block.lists)[0]?.length ?? 1;
  const count = block.sample ? Math.min(block.sample.count, grid * lists) : grid * lists;
  return count * (block.seeds?.length ?? 1);
}

/** `count` of the points, chosen by a seeded partial Fisher–Yates shuffle and kept in grid order. */
function sampled<T>(xs: T[], count: number, seed: number): T[] {
  const idx = xs.map((_, i) => i);
  const rng = new Rng(seed).derive('sweep sample');
  const k = Math.min(count, xs.length);
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, idx.length - 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => xs[i]);
}

const linkText = (v: AxisValue) => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v));

/** The base's `key=value` pairs with the axis keys taken out (axes override the base). */
function baseWithout(base: string, keys: Set<string>): string[] {
  const fragment = base.includes('#') ? base.slice(base.indexOf('#') + 1) : base;
  return fragment.split('&').filter((pair) => {
    if (pair === '') return false;
    const key = pair.split('=')[0];
    try {
      return !keys.has(decodeURIComponent(key));
    } catch {
      return true; // parseLink reports the bad encoding
    }
  });
}

/** The link `over` laid over `under`: keys `over` sets replace those of `under`. */
function overlay(under: string, over: string): string {
  const keys = new Set(
    baseWithout(over, new Set()).map((p) => {
      try {
        return decodeURIComponent(p.split('=')[0]);
      } catch {
        return p;
      }
    }),
  );
  return [...baseWithout(under, keys), ...baseWithout(over, new Set())].join('&');
}

/**
 * Expands a spec to its manifest. Throws a SpecError, before returning anything, if any key, axis or
 * expanded configuration is invalid. A configuration reached twice (e.g. a value equal to the base's) is
 * listed once, at its first place; `duplicates` says how many were dropped.
 */
export function expandSpec(raw: unknown): { entries: ManifestEntry[]; duplicates: number } {
  const blocks = readSpec(raw);
  const total = blocks.reduce((n, b) => n + pointCount(b), 0);
  if (total > MAX_SWEEP_RUNS)
    throw new SpecError([`the spec expands to ${total} runs, more than ${MAX_SWEEP_RUNS}; split it`]);
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const [b, block] of blocks.entries()) {
    const where = blocks.length > 1 ? `block ${b + 1}` : 'spec';
    const base = canonicalLink(block.base);
    if (base.issues.length)
      throw new SpecError(base.issues.map((i) => `${where} "base" ${show(block.base)}: ${i}`));
    const all = points(block);
    const chosen = block.sample ? sampled(all, block.sample.count, block.sample.seed) : all;
    const axisKeys = new Set([...Object.keys(block.grid), ...Object.keys(block.lists)]);
    if (block.seeds) axisKeys.add('seed');
    const baseParts = baseWithout(block.base, axisKeys);
    for (const point of chosen) {
      for (const seed of block.seeds ?? [undefined]) {
        const values: Record<string, AxisValue> = seed === undefined ? point : { ...point, seed };
        const parts = Object.entries(values).map(([k, v]) => `${k}=${encodeURIComponent(linkText(v))}`);
        const { config, issues } = parseLink([...baseParts, ...parts].join('&'));
        if (issues.length) {
          throw new SpecError(
            issues.map((i) =>
              i.key in values
                ? `${where} axis "${i.key}" value ${show(values[i.key])}: ${i.message}`
                : `${where} "base" ${show(block.base)}, at ${JSON.stringify(values)}: ${i.key}: ${i.message}`,
            ),
          );
        }
        const link = serializeLink(config);
        if (seen.has(link)) {
          duplicates++;
          continue;
        }
        seen.add(link);
        entries.push({ id: sweepId(link), link });
      }
    }
  }
  return { entries, duplicates };
}

/** The manifest's text: one `{"id":…,"link":…}` per line, newline-terminated. */
export function manifestText(entries: readonly ManifestEntry[]): string {
  return entries.map((e) => `${JSON.stringify({ id: e.id, link: e.link })}\n`).join('');
}
