/**
 * The shapes every dataset shares. A dataset is a table of N rows of D float inputs (row-major, one
 * Float32Array) with one integer class label per row; `shape` says how to draw a row.
 *
 *   bits12   4096 × 12,     2 classes, shape [12]     (all 12-bit patterns; bits12.ts)
 *   mnist    n + 10000 × 784, 10 classes, shape [28, 28] (official train subset + test; mnist.ts)
 *   digits   1797 × 64,     10 classes, shape [8, 8]   (UCI optdigits test set; digits.ts)
 *   circle, xor, spiral, gauss   N × 2, 2 classes, shape [2] (TensorFlow Playground toys; toys.ts)
 *   custom   your own CSV or .npy file, N × D, shape [D] (custom.ts; docs/own-data.md)
 */

export type DatasetName = 'bits12' | 'mnist' | 'digits' | 'circle' | 'xor' | 'spiral' | 'gauss' | 'custom';

export const DATASET_NAMES: readonly DatasetName[] = [
  'bits12',
  'mnist',
  'digits',
  'circle',
  'xor',
  'spiral',
  'gauss',
  'custom',
];

export interface Dataset {
  name: DatasetName;
  /** [N, D] row-major. */
  inputs: Float32Array;
  /** [N], in [0, classes). */
  labels: Uint32Array;
  N: number;
  D: number;
  classes: number;
  /** For previews: [12], [28, 28], [8, 8], [2]; the product is D. */
  shape: number[];
  /** One line of attribution / provenance, shown beside the dataset. */
  source: string;
  /** A split that comes with the data (MNIST's official train/test rows), as row indices. */
  predefinedSplit?: { train: Uint32Array; test: Uint32Array };
}

/**
 * Where dataset files come from, so src/ never touches the DOM or node:fs directly.
 * 'node' reads paths relative to the repository root (node-files.ts); 'browser' fetches them relative to
 * the app's base URL (files.ts), where scripts/vite-plugin-mnist.ts serves and emits them.
 */
export interface DataFiles {
  readonly kind: 'node' | 'browser';
  read(path: string): Promise<Uint8Array>;
}
