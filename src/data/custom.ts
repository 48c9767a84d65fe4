/**
 * Your own data: a CSV file, or a pair of NumPy .npy files (features [N, D], labels [N]), parsed and
 * validated into a Dataset named 'custom', with a content hash that links carry (docs/own-data.md).
 * Pure: runs in Node and the browser alike; the caller reads the bytes (CLI: node:fs; app: a File).
 *
 *   const data = await parseCustomData({ name: 'iris.csv', bytes }, undefined, { labelColumn: 'species' });
 *   data.sha256   // SHA-256 of the canonical parsed data (see canonicalHash)
 *
 * Every problem is collected as a CustomIssue naming the file, and the row and/or column as a user counts
 * them (1-based; a CSV's rows are its lines, the header being row 1), and thrown as one CustomDataError.
 */

import { sha256Hex } from './bytes.ts';
import { parseNpy } from './npy-read.ts';
import type { DataFiles, Dataset } from './types.ts';

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

class Issues {
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

const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const NAN_RE = /^[-+]?(nan|inf|infinity)$/i;

/** One CSV line split into cells; double quotes group (with "" for a quote inside), cells are trimmed. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** The label column's 0-based index, or an issue. */
function labelIndex(spec: string, header: string[] | undefined, columns: number, issues: Issues): number {
  if (spec === '') return columns - 1;
  if (/^\d+$/.test(spec)) {
    const k = Number(spec);
    if (k >= 1 && k <= columns) return k - 1;
    issues.add(`label column ${spec} is not among the ${columns} columns (counted from 1)`);
    return -1;
  }
  const k = header ? header.indexOf(spec) : -1;
  if (k < 0)
    issues.add(
      header
        ? `no column is named "${spec}" (the header has ${header.map((h) => `"${h}"`).join(', ')})`
        : `label column "${spec}" is a name, but the file has no header row`,
    );
  return k;
}

function parseCsv(src: CustomSource, options: CustomOptions): Promise<CustomData> {
  const issues = new Issues(src.name);
  const text = new TextDecoder('utf-8').decode(src.bytes).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  // [line number, cells] of every non-blank line
  const rows: [number, string[]][] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '') rows.push([i + 1, splitCsvLine(l)]);
  });
  if (rows.length === 0) {
    issues.add('the file is empty');
    issues.throwIfAny();
  }
  const isNum = (c: string) => NUMBER_RE.test(c);
  const mode = options.header ?? 'auto';
  const first = rows[0][1];
  const second = rows[1]?.[1];
  const hasHeader =
    mode === 'yes' ||
    (mode === 'auto' &&
      (first.every((c) => !isNum(c)) || first.some((c, j) => !isNum(c) && second && isNum(second[j] ?? ''))));
  const header = hasHeader ? first : undefined;
  const data = hasHeader ? rows.slice(1) : rows;
  const columns = first.length;
  if (columns < 2)
    issues.add(`a row needs at least 2 columns (features and a label), got ${columns}`, rows[0][0]);
  if (data.length > CUSTOM_LIMITS.maxRows)
    issues.add(`${data.length} rows is more than the limit of ${CUSTOM_LIMITS.maxRows}`);
  issues.throwIfAny();
  const li = labelIndex(options.labelColumn ?? '', header, columns, issues);
  issues.throwIfAny();
  const D = columns - 1;
  const N = data.length;
  const x = new Float64Array(N * D);
  const rawLabels: string[] = new Array(N);
  data.forEach(([line, cells], i) => {
    if (cells.length !== columns) {
      issues.add(
        `has ${cells.length} columns, the ${hasHeader ? 'header' : 'first row'} has ${columns}`,
        line,
      );
      return;
    }
    let j = 0;
    cells.forEach((c, k) => {
      if (k === li) {
        rawLabels[i] = c;
        if (c === '') issues.add('the label is empty', line, k + 1);
        return;
      }
      if (isNum(c)) x[i * D + j] = Number(c);
      else if (NAN_RE.test(c)) issues.add(`${c} is not a finite number`, line, k + 1);
      else if (c === '') issues.add('the cell is empty', line, k + 1);
      else issues.add(`"${c.slice(0, 40)}" is not a number`, line, k + 1);
      j++;
    });
  });
  issues.throwIfAny();
  const featureNames = header
    ? header.filter((_, k) => k !== li)
    : Array.from({ length: D }, (_, j) => String(j + (j >= li ? 2 : 1)));
  const rowOf = (i: number) => data[i][0];
  const colOf = (j: number) => (j >= li ? j + 2 : j + 1);
  return finish(src.name, x, N, D, labelsFromStrings(rawLabels, rowOf, li + 1, issues), featureNames, {
    rowOf,
    colOf,
    issues,
    options,
  });
}

interface Labels {
  values: Uint32Array;
  classNames: string[];
}

/**
 * Integer labels must be 0..C−1 with every class present; if any label is not an integer number, all
 * are taken as names and numbered in sorted (code-unit) order.
 */
function labelsFromStrings(
  raw: string[],
  rowOf: (i: number) => number,
  column: number,
  issues: Issues,
): Labels {
  const numeric = raw.every((s) => /^[-+]?\d+(\.0*)?$/.test(s));
  if (numeric) return integerLabels(raw.map(Number), rowOf, column, issues);
  const names = [...new Set(raw)].sort();
  const index = new Map(names.map((n, k) => [n, k]));
  return { values: Uint32Array.from(raw, (s) => index.get(s) ?? 0), classNames: names };
}

function integerLabels(
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

interface FinishContext {
  rowOf: (i: number) => number;
  colOf: (j: number) => number;
  issues: Issues;
  options: CustomOptions;
}

/** Shared checks (sizes, classes, float32 range, adapter limits) and the hash. */
async function finish(
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

function parseNpyPair(
  features: CustomSource,
  labelsSrc: CustomSource,
  options: CustomOptions,
): Promise<CustomData> {
  const fileName = `${features.name},${labelsSrc.name}`;
  const issues = new Issues(features.name);
  const fx = parseNpy(features.bytes, features.name, issues.list);
  const fy = parseNpy(labelsSrc.bytes, labelsSrc.name, issues.list);
  issues.throwIfAny();
  if (!fx || !fy) throw new CustomDataError([{ file: fileName, message: 'unreadable' }]);
  if (fx.shape.length !== 2) issues.add(`features must have shape [N, D], got [${fx.shape.join(', ')}]`);
  const ny = fy.shape[0];
  if (!(fy.shape.length === 1 || (fy.shape.length === 2 && fy.shape[1] === 1)))
    issues.add(
      `labels must have shape [N], got [${fy.shape.join(', ')}]`,
      undefined,
      undefined,
      labelsSrc.name,
    );
  if (!fy.integer)
    issues.add(`labels must be integers, got dtype ${fy.descr}`, undefined, undefined, labelsSrc.name);
  issues.throwIfAny();
  const [N, D] = fx.shape;
  if (ny !== N)
    issues.add(
      `has ${ny} labels, the features file ${features.name} has ${N} rows`,
      undefined,
      undefined,
      labelsSrc.name,
    );
  if (N > CUSTOM_LIMITS.maxRows) issues.add(`${N} rows is more than the limit of ${CUSTOM_LIMITS.maxRows}`);
  issues.throwIfAny();
  const labels = integerLabels(fy.values, (i) => i + 1, undefined, issues, labelsSrc.name);
  return finish(
    fileName,
    fx.values,
    N,
    D,
    labels,
    Array.from({ length: D }, (_, j) => String(j + 1)),
    { rowOf: (i) => i + 1, colOf: (j) => j + 1, issues, options },
  );
}

/** Parses and validates: a CSV alone, or a features .npy with a labels .npy. Throws CustomDataError. */
export async function parseCustomData(
  features: CustomSource,
  labels?: CustomSource,
  options: CustomOptions = {},
): Promise<CustomData> {
  for (const s of [features, labels])
    if (s && s.bytes.length > CUSTOM_LIMITS.maxBytes)
      throw new CustomDataError([
        {
          file: s.name,
          message: `${s.bytes.length} bytes is more than the limit of ${CUSTOM_LIMITS.maxBytes}`,
        },
      ]);
  const isNpy = /\.npy$/i.test(features.name);
  if (isNpy) {
    if (!labels)
      throw new CustomDataError([
        {
          file: features.name,
          message: 'a features .npy needs its labels .npy too (FEATURES.npy,LABELS.npy)',
        },
      ]);
    return parseNpyPair(features, labels, options);
  }
  if (labels)
    throw new CustomDataError([
      {
        file: labels.name,
        message: 'a separate labels file goes with a features .npy only; a CSV holds its labels',
      },
    ]);
  if (/\.npz$/i.test(features.name))
    throw new CustomDataError([
      { file: features.name, message: '.npz is not supported: save features and labels as two .npy files' },
    ]);
  return parseCsv(features, options);
}

/**
 * Column-wise normalization with statistics of the training rows only (so nothing about the test rows
 * leaks into training): 'zscore' (x − mean) / std (population std; a constant column becomes 0),
 * 'minmax' (x − min) / (max − min) (training rows in [0, 1]; a constant column becomes 0). Sums run in
 * float64 in row order. Returns a new array; 'none' returns the input.
 */
export function normalizeColumns(
  inputs: Float32Array,
  D: number,
  trainRows: Uint32Array,
  mode: Normalization,
): Float32Array {
  if (mode === 'none') return inputs;
  const N = inputs.length / D;
  const shift = new Float64Array(D);
  const scale = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    let a = 0;
    let b = 0;
    if (mode === 'zscore') {
      for (const r of trainRows) a += inputs[r * D + j];
      const mean = a / trainRows.length;
      for (const r of trainRows) b += (inputs[r * D + j] - mean) ** 2;
      shift[j] = mean;
      scale[j] = Math.sqrt(b / trainRows.length);
    } else {
      a = Infinity;
      b = -Infinity;
      for (const r of trainRows) {
        a = Math.min(a, inputs[r * D + j]);
        b = Math.max(b, inputs[r * D + j]);
      }
      shift[j] = a;
      scale[j] = b - a;
    }
  }
  const out = new Float32Array(inputs.length);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < D; j++) {
      const v = inputs[i * D + j] - shift[j];
      out[i * D + j] = scale[j] > 0 ? v / scale[j] : 0;
    }
  return out;
}

/** What a configuration records about the data file (config.data.file). */
export interface CustomFileMeta {
  name: string;
  rows: number;
  columns: number;
  classes: number;
  sha256: string;
}

export function fileMeta(d: CustomData): CustomFileMeta {
  return { name: d.fileName, rows: d.N, columns: d.D, classes: d.classes, sha256: d.sha256 };
}

/** "iris.csv (150 rows × 4 columns, SHA-256 1a2b…)": how a message names the file a link needs. */
export function describeFile(m: CustomFileMeta): string {
  return `${m.name} (${m.rows} rows × ${m.columns} columns, ${m.classes} classes, SHA-256 ${m.sha256})`;
}

/**
 * Refuses to pass `data` off as the file a configuration names: null when the hashes agree, else a
 * message with both hashes.
 */
export function hashMismatch(expected: CustomFileMeta, data: CustomData): string | null {
  if (expected.sha256 === data.sha256) return null;
  return `${data.fileName} is not the data of this link: its SHA-256 is ${data.sha256} (${data.N} rows × ${data.D} columns), the link names ${describeFile(expected)}; a run on it would not be a reproduction (to run on this file as a new experiment, leave out the link's file, rows, cols, classes and sha)`;
}

/** Data files served from memory by name (an upload, a file the CLI read), others from `fallback`. */
export function memoryFiles(uploads: ReadonlyMap<string, Uint8Array>, fallback?: DataFiles): DataFiles {
  return {
    kind: fallback?.kind ?? 'browser',
    async read(path: string): Promise<Uint8Array> {
      const b = uploads.get(path);
      if (b) return b;
      if (!fallback) throw new Error(`no data file ${path} was given`);
      return fallback.read(path);
    },
  };
}
