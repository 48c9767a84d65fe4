/**
 * The fill_u32 family's spec. It has no check of its own: the code_counts check runs it in the counting
 * stage (fill_u32 → code_counts → count_of_counts) and compares the decoded count of counts with
 * the CPU reference, exactly.
 */

import type { KernelSpec } from '../types.ts';
import { fillU32Kernel } from './kernel.ts';

/** The fill_u32 family: its wrappers, checks and benchmark rows. */
export const fillU32Spec: KernelSpec = {
  family: 'fill_u32',
  kernels: [fillU32Kernel],
  checks: [],
  checkedBy: 'code_counts',
  bench: [],
};
