/**
 * One entry point for every dataset:
 *
 *   const data = await loadDataset({ name: 'spiral', samples: 500, noise: 0.1 }, root.derive('data'));
 *   const split = splitIndices(data.N, { trainFraction: 0.8, mode: 'shuffled' }, root.derive('split'));
 *
 * The spec is validated first; a bad one throws a DatasetSpecError naming the field and what it allows.
 * Fields that do not apply to the chosen dataset (say `noise` for MNIST) are checked but otherwise
 * ignored, so a configuration may carry all of them. `rng` is used by the generated toys only.
 * Files come from node:fs in Node and from `fetch` in the browser (files.ts); pass `files` to override.
 */
import type { Rng } from '../util/rng.ts';
import { BITS12_SOURCE, bits12Dataset } from './bits12.ts';
import {
  type CustomData,
  CustomDataError,
  type CustomFileMeta,
  describeFile,
  type HeaderMode,
  hashMismatch,
  parseCustomData,
} from './custom.ts';
import { DIGITS_SOURCE, loadDigits } from './digits.ts';
import { defaultDataFiles } from './files.ts';
import { loadMnist, MNIST_ASSET_TRAIN, MNIST_SOURCE, MNIST_TEST_TOTAL, MNIST_TRAIN_TOTAL } from './mnist.ts';
import { TOY_NAMES, TOY_NOISE_MAX, TOY_SOURCE, type ToyName, toyDataset } from './toys.ts';
import { DATASET_NAMES, type DataFiles, type Dataset, type DatasetName } from './types.ts';

export type Bits12Encoding = 'binary' | 'pm1';
export const BITS12_ENCODINGS: readonly Bits12Encoding[] = ['binary', 'pm1'];

export interface DatasetSpec {
  name: DatasetName;
  /** Toys: number of points, TOY_SAMPLES_MIN–TOY_SAMPLES_MAX (default 500, as TensorFlow Playground). */
  samples?: number;
  /** Toys: noise level 0–0.5 (Playground's 0–50 %; default 0). */
  noise?: number;
  /** 12-bit task: inputs as {0, 1} ('binary', default, as var_u.mat) or {−1, +1} ('pm1'). */
  encoding?: Bits12Encoding;
  /** MNIST: training rows, the first of the official 60,000 (default 10,000; the browser has 10,000). */
  mnistTrain?: number;
  /** MNIST: test rows, the first of the official 10,000 in their order (default all 10,000; any N in the browser). */
  mnistTest?: number;
  /** Your own data: the file(s) to read through `files` and the hash they must have. */
  file?: CustomFileMeta;
  /** Your own CSV: the label column (name or 1-based index; '' = last) and whether row 1 is a header. */
  labelColumn?: string;
  header?: HeaderMode;
}

export const DATASET_DEFAULTS = {
  samples: 500,
  noise: 0,
  encoding: 'binary' as Bits12Encoding,
  mnistTrain: 10000,
  mnistTest: MNIST_TEST_TOTAL,
  labelColumn: '',
  header: 'auto' as HeaderMode,
};
export const TOY_SAMPLES_MIN = 2;
export const TOY_SAMPLES_MAX = 100_000;

/** The attribution line of each dataset, available before loading it (e.g. for the picker). */
export const DATASET_SOURCES: Record<DatasetName, string> = {
  bits12: BITS12_SOURCE,
  mnist: MNIST_SOURCE,
  digits: DIGITS_SOURCE,
  ...TOY_SOURCE,
  custom: 'Parsed and checked on this machine; a run names the file by its content hash (SHA-256)',
};

export class DatasetSpecError extends Error {
  override name = 'DatasetSpecError';
  constructor(
    readonly field: string,
    allowed: string,
    got: unknown,
  ) {
    super(`dataset spec: ${field} must be ${allowed}, got ${JSON.stringify(got) ?? String(got)}`);
  }
}

const FIELDS = [
  'name',
  'samples',
  'noise',
  'encoding',
  'mnistTrain',
  'mnistTest',
  'file',
  'labelColumn',
  'header',
];

/**
 * Throws a DatasetSpecError unless `spec` is valid; `where` ('browser' or 'node') bounds mnistTrain.
 * Returns the spec with defaults filled in.
 */
export function validateDatasetSpec(
  spec: DatasetSpec,
  where: DataFiles['kind'] = 'node',
): Required<Omit<DatasetSpec, 'file'>> & Pick<DatasetSpec, 'file'> {
  if (typeof spec !== 'object' || spec === null) throw new DatasetSpecError('spec', 'an object', spec);
  for (const key of Object.keys(spec))
    if (!FIELDS.includes(key))
      throw new DatasetSpecError(key, `absent (known fields: ${FIELDS.join(', ')})`, key);
  if (!DATASET_NAMES.includes(spec.name))
    throw new DatasetSpecError('name', `one of ${DATASET_NAMES.join(', ')}`, spec.name);
  const s = { ...DATASET_DEFAULTS, ...stripUndefined(spec) } as Required<Omit<DatasetSpec, 'file'>> &
    Pick<DatasetSpec, 'file'>;
  if (s.name === 'custom' && !s.file)
    throw new DatasetSpecError('file', 'the data file (name, rows, columns, sha256)', s.file);
  if (!Number.isInteger(s.samples) || s.samples < TOY_SAMPLES_MIN || s.samples > TOY_SAMPLES_MAX)
    throw new DatasetSpecError(
      'samples',
      `an integer in [${TOY_SAMPLES_MIN}, ${TOY_SAMPLES_MAX}]`,
      s.samples,
    );
  if (typeof s.noise !== 'number' || !(s.noise >= 0 && s.noise <= TOY_NOISE_MAX))
    throw new DatasetSpecError('noise', `a number in [0, ${TOY_NOISE_MAX}]`, s.noise);
  if (!BITS12_ENCODINGS.includes(s.encoding))
    throw new DatasetSpecError('encoding', `one of ${BITS12_ENCODINGS.join(', ')}`, s.encoding);
  const max = where === 'browser' ? MNIST_ASSET_TRAIN : MNIST_TRAIN_TOTAL;
  if (!Number.isInteger(s.mnistTrain) || s.mnistTrain < 1 || s.mnistTrain > max)
    throw new DatasetSpecError(
      'mnistTrain',
      `an integer in [1, ${max}]` +
        (where === 'browser' ? ` in the browser (Node: up to ${MNIST_TRAIN_TOTAL})` : ''),
      s.mnistTrain,
    );
  if (!Number.isInteger(s.mnistTest) || s.mnistTest < 1 || s.mnistTest > MNIST_TEST_TOTAL)
    throw new DatasetSpecError('mnistTest', `an integer in [1, ${MNIST_TEST_TOTAL}]`, s.mnistTest);
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function loadDataset(spec: DatasetSpec, rng: Rng, files?: DataFiles): Promise<Dataset> {
  const where =
    files?.kind ?? (typeof process !== 'undefined' && process.versions?.node ? 'node' : 'browser');
  const s = validateDatasetSpec(spec, where);
  switch (s.name) {
    case 'bits12':
      return bits12Dataset(s.encoding);
    case 'digits':
      return loadDigits(files ?? (await defaultDataFiles()));
    case 'custom':
      return loadCustom(s.file as CustomFileMeta, s, files ?? (await defaultDataFiles()));
    case 'mnist':
      return loadMnist(files ?? (await defaultDataFiles()), {
        train: s.mnistTrain,
        test: s.mnistTest,
      });
    default:
      if (!TOY_NAMES.includes(s.name as ToyName)) throw new Error(`loadDataset: no loader for ${s.name}`);
      return toyDataset(s.name as ToyName, s.samples, s.noise, rng);
  }
}

/** Your own data, read through `files` by name, parsed, validated and held to the configuration's hash. */
async function loadCustom(
  file: CustomFileMeta,
  options: { labelColumn: string; header: HeaderMode },
  files: DataFiles,
): Promise<CustomData> {
  const names = file.name.split(',');
  const sources = [];
  for (const name of names) {
    try {
      sources.push({ name, bytes: await files.read(name) });
    } catch (e) {
      throw new CustomDataError([
        {
          file: name,
          message: `this run needs the data file ${describeFile(file)}: ${(e as Error).message}`,
        },
      ]);
    }
  }
  const data = await parseCustomData(sources[0], sources[1], options);
  const wrong = hashMismatch(file, data);
  if (wrong) throw new CustomDataError([{ file: file.name, message: wrong }]);
  return data;
}
