/**
 * Benchmark settings ⇄ URL fragment (and the CLI's flags), as readable `key=value` pairs after `bench`,
 * defaults omitted:
 *
 *   #bench&sizes=128,256&kernels=gemm,xnor_gemm&spans=5
 *
 * Pure string functions (no `location` here). `parseBenchFragment` never throws: it applies every key it
 * can read and returns an issue for each one it cannot.
 */

export type PeerName = 'tfjs' | 'cpu';
export const PEERS: readonly PeerName[] = ['tfjs', 'cpu'];

export interface BenchSettings {
  /** Kernel names of the benchmark registry; empty = all of them. */
  kernels: string[];
  /** GEMM sizes: M = N = K = size. */
  sizes: number[];
  /** Row counts N of the other kernels (samples of a layer: binning, counting, elementwise). */
  rows: number[];
  /** Timed spans per measurement (median and IQR are taken over them). */
  spans: number;
  /** Each span runs enough iterations to last at least this long (ms). */
  spanMs: number;
  /** A measurement whose estimated time (from the size before it) exceeds this budget (s) is skipped. */
  budgetS: number;
  /** Peers timed in the same run: TensorFlow.js's WebGPU matmul, the JavaScript CPU references. */
  peers: PeerName[];
}

export const DEFAULT_SETTINGS: Readonly<BenchSettings> = {
  kernels: [],
  sizes: [128, 256, 512, 1024, 2048],
  rows: [4096, 16384, 70000],
  spans: 7,
  spanMs: 20,
  budgetS: 30,
  peers: ['tfjs', 'cpu'],
};

/** `quick`: tiny sizes, few short spans; a smoke run that finishes in seconds on a software adapter. */
export const QUICK_SETTINGS: Readonly<BenchSettings> = {
  ...DEFAULT_SETTINGS,
  sizes: [64],
  rows: [1024],
  spans: 3,
  spanMs: 2,
  budgetS: 5,
};

export interface SettingsIssue {
  key: string;
  message: string;
}

const MAX_SIZE = 16384;
const MAX_ROWS = 1 << 22;

function intList(s: string, lo: number, hi: number): number[] {
  const parts = s.split(',').filter((p) => p !== '');
  if (parts.length === 0) throw new Error('needs at least one value');
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new Error(`"${p}" is not a whole number`);
    const n = Number(p);
    if (n < lo || n > hi) throw new Error(`${n} is outside ${lo}…${hi}`);
    return n;
  });
}

function positive(s: string, lo: number, hi: number): number {
  if (!/^(\d+\.?\d*|\.\d+)$/.test(s)) throw new Error(`"${s}" is not a positive number`);
  const n = Number(s);
  if (n < lo || n > hi) throw new Error(`${n} is outside ${lo}…${hi}`);
  return n;
}

interface Key {
  key: keyof BenchSettings;
  name: string;
  parse(s: string): unknown;
  format(v: unknown): string;
}

const list = (v: unknown) => (v as unknown[]).join(',');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fragment's keys, in order. */
const KEYS: readonly Key[] = [
  {
    key: 'kernels',
    name: 'kernels',
    parse: (s) => {
      const names = s.split(',').filter((p) => p !== '');
      for (const n of names) if (!/^[a-z0-9_]+$/.test(n)) throw new Error(`"${n}" is not a kernel name`);
      return [...new Set(names)];
    },
    format: list,
  },
  { key: 'sizes', name: 'sizes', parse: (s) => intList(s, 1, MAX_SIZE), format: list },
  { key: 'rows', name: 'rows', parse: (s) => intList(s, 1, MAX_ROWS), format: list },
  { key: 'spans', name: 'spans', parse: (s) => intList(s, 1, 1000)[0], format: String },
  { key: 'spanMs', name: 'span_ms', parse: (s) => positive(s, 0.1, 60_000), format: String },
  { key: 'budgetS', name: 'budget', parse: (s) => positive(s, 0.1, 36_000), format: String },
  {
    key: 'peers',
    name: 'peers',
    parse: (s) => {
      if (s === 'none' || s === '') return [];
      const names = s.split(',');
      for (const n of names) {
        if (!PEERS.includes(n as PeerName)) throw new Error(`"${n}" is not one of ${PEERS.join(', ')}, none`);
      }
      return PEERS.filter((p) => names.includes(p));
    },
    format: (v) => ((v as unknown[]).length ? list(v) : 'none'),
  },
];

/** The settings a `key=value` list describes (`quick` first selects the quick preset). */
export function parseBenchParams(params: readonly (readonly [string, string])[]): {
  settings: BenchSettings;
  issues: SettingsIssue[];
} {
  const quick = params.some(([k]) => k === 'quick');
  const settings: BenchSettings = structuredClone({ ...(quick ? QUICK_SETTINGS : DEFAULT_SETTINGS) });
  const issues: SettingsIssue[] = [];
  for (const [name, value] of params) {
    if (name === 'bench' || name === 'quick') continue;
    const key = KEYS.find((k) => k.name === name);
    if (!key) {
      issues.push({
        key: name,
        message: `unknown setting; known: ${KEYS.map((k) => k.name).join(', ')}, quick`,
      });
      continue;
    }
    try {
      (settings as unknown as Record<string, unknown>)[key.key] = key.parse(value);
    } catch (e) {
      issues.push({ key: name, message: (e as Error).message });
    }
  }
  return { settings, issues };
}

/** Is this fragment (with or without '#') the benchmark view? */
export const isBenchFragment = (fragment: string): boolean => /^#?bench(&|$)/.test(fragment);

/** Settings from a fragment such as `#bench&sizes=128,256&kernels=gemm`. */
export function parseBenchFragment(fragment: string): { settings: BenchSettings; issues: SettingsIssue[] } {
  const text = fragment.replace(/^#/, '');
  const params: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    params.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return parseBenchParams(params);
}

/** The fragment (without '#') that reproduces `settings`; defaults are omitted. */
export function benchFragment(settings: BenchSettings): string {
  const parts = ['bench'];
  for (const k of KEYS) {
    const v = settings[k.key];
    if (!same(v, DEFAULT_SETTINGS[k.key])) parts.push(`${k.name}=${k.format(v)}`);
  }
  return parts.join('&');
}
