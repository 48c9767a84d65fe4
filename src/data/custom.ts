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
import {
  CUSTOM_LIMITS,
  type CustomData,
  CustomDataError,
  type CustomOptions,
  type CustomSource,
  finish,
  Issues,
  integerLabels,
  type Normalization,
} from './custom-check.ts';
import { parseCsv } from './custom-csv.ts';
import { parseNpy } from './npy-read.ts';
import type { DataFiles } from './types.ts';

export {
  adapterLimitProblem,
  CUSTOM_LIMITS,
  type CustomData,
  CustomDataError,
  type CustomIssue,
  type CustomOptions,
  type CustomSource,
  canonicalHash,
  describeIssue,
  HEADER_MODES,
  type HeaderMode,
  NORMALIZATIONS,
  type Normalization,
} from './custom-check.ts';

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
