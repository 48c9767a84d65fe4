/** Every kernel check, in dependency order. */
import { packSignsCheck, xnorGemmCheck } from './binary.ts';
import type { KernelCheck } from './types.ts';

export const KERNEL_CHECKS: readonly KernelCheck[] = [packSignsCheck, xnorGemmCheck];
export type { CheckCase, KernelCheck } from './types.ts';
