/**
 * Your own data's shared checks (custom.ts parses, this file validates): the types, the problem list that
 * names file, row and column, the label rules, the size and adapter limits, and the canonical hash.
 */
import { sha256Hex } from './bytes.ts';
import type { Dataset } from './types.ts';

/** Sizes the parser accepts at all; the adapter's buffer limits are checked too (`limits` below). */
export const CUSTOM_LIMITS = {
  maxBytes: 64 * 1024 * 1024,
  maxRows: 200_000,
  maxColumns: 4096,
  maxClasses: 1000,
};
/** Stop collecting after this many problems (a wrong file would otherwise list every cell). */
const MAX_ISSUES = 20;

export type HeaderMode = 'auto' | 'yes' | 'no';
export const HEADER_MODES: readonly HeaderMode[] = ['auto', 'yes', 'no'];
export type Normalization = 'none' | 'zscore' | 'minmax';
export const NORMALIZATIONS: readonly Normalization[] = ['none', 'zscore', 'minmax'];

export interface CustomSource {
  name: string;
  bytes: Uint8Array;
}

export interface CustomOptions {
  /** CSV: the label column, by header name or 1-based index ('' = the last column). */
  labelColumn?: string;
  /** CSV: is the first row a header? 'auto' (default) decides from the first two rows. */
  header?: HeaderMode;
  /** The adapter's limits (gpu.device.limits): the inputs of all rows must fit one storage buffer. */
  limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number };
}

export interface CustomIssue {
  file: string;
  /** 1-based, as a user counts (a CSV's line number). */
  row?: number;
  /** 1-based. */
  column?: number;
  message: string;
}

export function describeIssue(i: CustomIssue): string {
  const at = [i.row !== undefined ? `row ${i.row}` : '', i.column !== undefined ? `column ${i.column}` : '']
    .filter(Boolean)
    .join(', ');
  return `${i.file}${at ? `: ${at}` : ''}: ${i.message}`;
}

export class CustomDataError extends Error {
  override name = 'CustomDataError';
  constructor(readonly issues: CustomIssue[]) {
    super(issues.map(describeIssue).join('\n'));
  }
}

export interface CustomData extends Dataset {
  name: 'custom';
  /** The file name(s) as given: "iris.csv", or "x.npy,y.npy". */
  fileName: string;
  /** Class index → the label it stands for (integers as themselves, strings in sorted order). */
  classNames: string[];
  /** Feature column names (a CSV's header, else "1", "2", …). */
  featureNames: string[];
  /** SHA-256 of the canonical parsed data (canonicalHash). */
  sha256: string;
}

export class Issues {
  readonly list: CustomIssue[] = [];
  constructor(readonly file: string) {}
  add(message: string, row?: number, column?: number, file = this.file): void {
    if (this.list.length < MAX_ISSUES) this.list.push({ file, row, column, message });
    else if (this.list.length === MAX_ISSUES)
      this.list.push({ file, message: 'more problems follow; fix these first' });
  }
  throwIfAny(): void {
    if (this.list.length) throw new CustomDataError(this.list);
  }
}

export interface Labels {
  values: Uint32Array;
  classNames: string[];
}

/**
 * Integer labels must be 0..C−1 with every class present; if any label is not an integer number, all
 * are taken as names and numbered in sorted (code-unit) order.
 */
export function labelsFromStrings(
  raw: string[],
  rowOf: (i: number) => number,
  column: number,
  issues: Issues,
): Labels {
  // All numbers: they must be class indices (1.5 is refused, not taken as a name).
  const numeric = raw.every((s) => /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s));
  if (numeric) return integerLabels(raw.map(Number), rowOf, column, issues);
  const names = [...new Set(raw)].sort();
  const index = new Map(names.map((n, k) => [n, k]));
  return { values: Uint32Array.from(raw, (s) => index.get(s) ?? 0), classNames: names };
}

export function integerLabels(
  raw: ArrayLike<number>,
  rowOf: (i: number) => number,
  column: number | undefined,
  issues: Issues,
  file?: string,
): Labels {
  const values = new Uint32Array(raw.length);
  let max = -1;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (!Number.isInteger(v) || v < 0) {
      issues.add(`label ${v} is not an integer from 0 (classes are 0..C−1)`, rowOf(i), column, file);
      continue;
    }
    if (v >= CUSTOM_LIMITS.maxClasses) {
      issues.add(
        `label ${v} is beyond the limit of ${CUSTOM_LIMITS.maxClasses} classes`,
        rowOf(i),
        column,
        file,
      );
      continue;
    }
    values[i] = v;
    max = Math.max(max, v);
  }
  issues.throwIfAny();
  const seen = new Uint8Array(max + 1);
  for (const v of values) seen[v] = 1;
  const missing = [...seen.keys()].filter((k) => !seen[k]);
  if (missing.length)
    issues.add(
      `labels must be 0..C−1 with every class present; the labels run 0..${max} but ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} never occur${missing[0] === 0 ? ' (if they count from 1, subtract 1)' : ''}`,
      undefined,
      column,
      file,
    );
  return { values, classNames: Array.from({ length: max + 1 }, (_, k) => String(k)) };
}

export interface FinishContext {
  rowOf: (i: number) => number;
  colOf: (j: number) => number;
  issues: Issues;
  options: CustomOptions;
}

/** Shared checks (sizes, classes, float32 range, adapter limits) and the hash. */
export async function finish(
  fileName: string,
  x: Float64Array | Float32Array | ArrayLike<number>,
  N: number,
  D: number,
  labels: Labels,
  featureNames: string[],
  ctx: FinishContext,
): Promise<CustomData> {
  const { issues, options } = ctx;
  if (N < 2) issues.add(`needs at least 2 rows, got ${N}`);
  if (D > CUSTOM_LIMITS.maxColumns)
    issues.add(`${D} feature columns is more than the limit of ${CUSTOM_LIMITS.maxColumns}`);
  const classes = labels.classNames.length;
  if (classes < 2)
    issues.add(`needs at least 2 classes, found ${classes}${classes ? ` (${labels.classNames[0]})` : ''}`);
  const tooLarge = options.limits && adapterLimitProblem(N, D, options.limits);
  if (tooLarge) issues.add(tooLarge);
  const inputs = new Float32Array(N * D);
  for (let i = 0; i < N * D; i++) {
    const v = x[i];
    inputs[i] = v;
    if (!Number.isFinite(v))
      issues.add(`${v} is not a finite number`, ctx.rowOf(Math.floor(i / D)), ctx.colOf(i % D));
    else if (!Number.isFinite(inputs[i]))
      issues.add(
        `${v} is beyond the float32 range (±3.4e38)`,
        ctx.rowOf(Math.floor(i / D)),
        ctx.colOf(i % D),
      );
  }
  issues.throwIfAny();
  return {
    name: 'custom',
    fileName,
    inputs,
    labels: labels.values,
    N,
    D,
    classes,
    shape: [D],
    source: `your data: ${fileName} (${N} rows × ${D} features, ${classes} classes)`,
    classNames: labels.classNames,
    featureNames,
    sha256: await canonicalHash(inputs, labels.values, N, D, classes),
  };
}

/**
 * The inputs of all N rows must fit one storage buffer of this adapter (`gpu.device.limits`): null when
 * they do, else the message. The app and the CLI check uploads with it (through parseCustomData's
 * `limits`, or directly once the adapter is known).
 */
export function adapterLimitProblem(
  N: number,
  D: number,
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number },
): string | null {
  const bytes = N * D * 4;
  const max = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  return bytes > max
    ? `${N} rows × ${D} columns as float32 is ${bytes} bytes, more than this adapter's storage buffer limit of ${max} bytes`
    : null;
}

/**
 * SHA-256 of what training sees, not of the file's bytes: the ASCII line "bitplane-data/1 N D C\n", the
 * inputs as little-endian float32 (row-major) and the labels as little-endian uint32. So the hash is the
 * same whatever the CSV's formatting (line endings, spacing, "1.0" vs "1", a header, the label column's
 * place) and for a CSV and a .npy pair of the same numbers, and differs whenever a value the network
 * sees differs. (Typed arrays are little-endian on every platform WebGPU runs on.)
 */
export async function canonicalHash(
  inputs: Float32Array,
  labels: Uint32Array,
  N: number,
  D: number,
  C: number,
): Promise<string> {
  const head = new TextEncoder().encode(`bitplane-data/1 ${N} ${D} ${C}\n`);
  const all = new Uint8Array(head.length + inputs.byteLength + labels.byteLength);
  all.set(head, 0);
  all.set(new Uint8Array(inputs.buffer, inputs.byteOffset, inputs.byteLength), head.length);
  all.set(
    new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength),
    head.length + inputs.byteLength,
  );
  return sha256Hex(all);
}
