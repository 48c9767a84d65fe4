/** Every kernel check, in dependency order. */
import {
  activationBackwardCheck,
  activationForwardCheck,
  magnitudeSignBackwardCheck,
  magnitudeSignForwardCheck,
} from './activation.ts';
import { batchnormBackwardCheck, batchnormForwardCheck } from './batchnorm.ts';
import { packSignsCheck, xnorGemmCheck } from './binary.ts';
import { flipCountCheck, gatherRowsCheck } from './gather.ts';
import { gemmCheck } from './gemm.ts';
import { codeCountsCheck, kdePairwiseCheck, layerCodesCheck, layerMinMaxCheck } from './info.ts';
import { adamUpdateCheck, sgdUpdateCheck } from './optimizers.ts';
import { reduceRowsCheck } from './reduce.ts';
import { softmaxXentCheck } from './softmax-xent.ts';
import type { KernelCheck } from './types.ts';

export const KERNEL_CHECKS: readonly KernelCheck[] = [
  packSignsCheck,
  xnorGemmCheck,
  gemmCheck,
  reduceRowsCheck,
  batchnormForwardCheck,
  batchnormBackwardCheck,
  activationForwardCheck,
  activationBackwardCheck,
  magnitudeSignForwardCheck,
  magnitudeSignBackwardCheck,
  softmaxXentCheck,
  sgdUpdateCheck,
  adamUpdateCheck,
  gatherRowsCheck,
  flipCountCheck,
  layerMinMaxCheck,
  layerCodesCheck,
  codeCountsCheck,
  kdePairwiseCheck,
];
export type { CheckCase, KernelCheck } from './types.ts';
