/**
 * The kinds of link field (numbers, words, flags, lists) and the path helpers the link parser uses:
 * a field names its key, its path in the run configuration, and how its value is written and read.
 */
export type Path = readonly string[];

/** One link key: where its value lives in the configuration, and how it is written and read. */
export interface Field {
  key: string;
  path: Path;
  format(v: unknown): string;
  parse(s: string): unknown;
}

export const num = (key: string, ...path: string[]): Field => ({
  key,
  path,
  format: (v) => (Object.is(v, -0) ? '-0' : String(v)),
  parse: (s) => {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) throw new Error(`"${s}" is not a number`);
    return Number(s);
  },
});

export const word = (key: string, ...path: string[]): Field => ({
  key,
  path,
  format: (v) => String(v),
  parse: (s) => s,
});

export const bool = (key: string, ...path: string[]): Field => ({
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
export const list = (key: string, ...path: string[]): Field => ({
  key,
  path,
  format: (v) => (Array.isArray(v) ? v.join(',') : ''),
  parse: (s) => (s === '' ? [] : s.split(',')),
});

export function get(obj: unknown, path: Path): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}
export function set(obj: Record<string, unknown>, path: Path, value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]] = value;
}
export function removePath(obj: Record<string, unknown>, path: Path): void {
  const parent = get(obj, path.slice(0, -1)) as Record<string, unknown> | undefined;
  if (parent) delete parent[path[path.length - 1]];
}
