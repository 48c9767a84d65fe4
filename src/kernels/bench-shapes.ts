/**
 * Shapes shared by the benchmark rows of several families: the layer the elementwise kernels run on
 * (x is [1, N, ROW_WIDTH]) and seeded output samples for sizes whose full CPU reference is too slow.
 */

import type { Rng } from '../util/rng.ts';

/** Width of the layer the 'rows' kernels run on: x is [1, N, ROW_WIDTH]. */
export const ROW_WIDTH = 256;

/** `count` distinct indices in [0, n), seeded, ascending. */
export function sampleIndices(rng: Rng, n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const set = new Set<number>();
  while (set.size < count) set.add(rng.int(0, n - 1));
  return [...set].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------
// Elementwise kernels over a layer x [1, N, ROW_WIDTH].

export const rowsDescribe = (s: number) => `N=${s}×${ROW_WIDTH}`;
export const rowsWork = (s: number) => s * ROW_WIDTH;

export interface RowsInputs {
  N: number;
  x: Float32Array;
}
