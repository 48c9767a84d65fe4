/**
 * The count_of_counts family's spec. It has no check of its own: the code_counts check runs it in the counting
 * stage (fill_u32 → code_counts → count_of_counts) and compares the decoded count of counts with
 * the CPU reference, exactly.
 */

import type { KernelSpec } from '../types.ts';
import { countOfCountsKernel } from './kernel.ts';

/** The count_of_counts family: its wrappers, checks and benchmark rows. */
export const countOfCountsSpec: KernelSpec = {
  family: 'count_of_counts',
  kernels: [countOfCountsKernel],
  checks: [],
  checkedBy: 'code_counts',
  bench: [],
};
