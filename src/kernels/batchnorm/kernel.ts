/**
 * Wrappers of shaders/batchnorm_forward.wgsl and shaders/batchnorm_backward.wgsl: batch normalization
 * over the batch of x f32[R,B,N], per (replica, unit) column, with gamma, beta, running statistics and
 * saved statistics f32[R,N] (docs/METHOD.md §2; CPU reference in src/kernels/batchnorm/ref.ts).
 *
 * Training uses the batch statistics and updates the running ones in place (PyTorch's rule, unbiased
 * variance); evaluation uses the running statistics and writes nothing but y, mean and invstd. Training
 * with B = 1 is refused with a ShapeError, as PyTorch refuses it: the unbiased variance would be 0/0.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import backwardV1 from '../../../shaders/batchnorm_backward.wgsl?raw';
import forwardV2 from '../../../shaders/batchnorm_forward.v2.wgsl?raw';
import forwardV1 from '../../../shaders/batchnorm_forward.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { ceilDiv, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32 } from '../layout.ts';
import { columnReduceShape, expectRBN } from '../reduce_rows/kernel.ts';
import { BATCHNORM_EPS, BATCHNORM_MOMENTUM } from './ref.ts';

const ForwardParams = d.struct({ R: d.u32, B: d.u32, N: d.u32, eps: d.f32, momentum: d.f32 });
const BackwardParams = d.struct({ R: d.u32, B: d.u32, N: d.u32 });

export const batchnormForwardKernel = {
  name: 'batchnorm_forward',
  versions: { v1: forwardV1, v2: forwardV2 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: ForwardParams },
    x: readF32,
    gamma: readF32,
    beta: readF32,
    runningMean: rwF32,
    runningVar: rwF32,
    y: rwF32,
    mean: rwF32,
    invstd: rwF32,
  }),
} satisfies KernelDef;

export const batchnormBackwardKernel = {
  name: 'batchnorm_backward',
  versions: { v1: backwardV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: BackwardParams },
    dy: readF32,
    x: readF32,
    gamma: readF32,
    mean: readF32,
    invstd: readF32,
    dx: rwF32,
    dgamma: rwF32,
    dbeta: rwF32,
  }),
} satisfies KernelDef;

export interface BatchnormForwardArgs {
  /** f32 [R, B, N] */
  x: Tensor<'f32'>;
  /** f32 [R, N] */
  gamma: Tensor<'f32'>;
  beta: Tensor<'f32'>;
  /** f32 [R, N]; updated in place when training. */
  runningMean: Tensor<'f32'>;
  runningVar: Tensor<'f32'>;
  /** f32 [R, B, N] */
  y: Tensor<'f32'>;
  /** f32 [R, N]: the statistics y was normalised with, for the backward. */
  mean: Tensor<'f32'>;
  invstd: Tensor<'f32'>;
  /** Batch statistics and running-stat update (true) or running statistics (false). */
  training: boolean;
  eps?: number;
  momentum?: number;
}

function expectF32(name: string, ts: Record<string, Tensor>): void {
  for (const [k, t] of Object.entries(ts)) expectDtype(name, k, t, 'f32');
}

export async function prepareBatchnormForward(
  gpu: Gpu,
  args: BatchnormForwardArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const { x, gamma, beta, runningMean, runningVar, y, mean, invstd, training } = args;
  const { eps = BATCHNORM_EPS, momentum = BATCHNORM_MOMENTUM } = args;
  const name = batchnormForwardKernel.name;
  expectF32(name, { x, gamma, beta, runningMean, runningVar, y, mean, invstd });
  const [R, B, N] = expectRBN(name, 'x', x);
  expectShape(name, 'y', y, x.shape);
  for (const [k, t] of Object.entries({ gamma, beta, runningMean, runningVar, mean, invstd })) {
    expectShape(name, k, t, [R, N]);
  }
  if (training && B < 2) {
    throw new ShapeError(
      `${name}: training needs a batch of at least 2 samples (x [${x.shape.join(', ')}] has B = ${B}): ` +
        'the batch variance of one sample is undefined. Use a larger batch, or evaluation mode.',
    );
  }
  if (!(eps > 0)) throw new ShapeError(`${name}: eps must be > 0, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1)) {
    throw new ShapeError(`${name}: momentum must be in [0, 1], got ${momentum}`);
  }
  const { constants, groups } = columnReduceShape(gpu, name, R, N);
  // v2's evaluation also splits the rows among workgroups: ROWS_PER_WG rows each (32 per invocation,
  // more only when the grid's y would pass the device's limit).
  const maxGroups = gpu.device.limits.maxComputeWorkgroupsPerDimension;
  const ROWS_PER_WG = constants.WG_B * Math.max(32, Math.ceil(B / (maxGroups * constants.WG_B)));
  const v2Eval = version === 'v2' && !training;
  const pipeline = await kernelPipeline(gpu, batchnormForwardKernel, version, {
    ...constants,
    TRAINING: training ? 1 : 0,
    ...(version === 'v2' ? { ROWS_PER_WG } : {}),
  });
  const params = createUniform(gpu, ForwardParams, { R, B, N, eps, momentum }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(batchnormForwardKernel.layout, {
      params,
      x: x.buffer,
      gamma: gamma.buffer,
      beta: beta.buffer,
      runningMean: runningMean.buffer,
      runningVar: runningVar.buffer,
      y: y.buffer,
      mean: mean.buffer,
      invstd: invstd.buffer,
    }),
  );
  const mode = training ? 'train' : 'eval';
  const grid: [number, number, number] = v2Eval ? [groups[0], ceilDiv(B, ROWS_PER_WG), R] : groups;
  return preparedOp(gpu, `${name} ${version} ${mode}`, pipeline, bindGroup, grid);
}

export interface BatchnormBackwardArgs {
  /** f32 [R, B, N]: the gradient of the loss with respect to y. */
  dy: Tensor<'f32'>;
  /** f32 [R, B, N]: the forward's input. */
  x: Tensor<'f32'>;
  /** f32 [R, N] */
  gamma: Tensor<'f32'>;
  /** f32 [R, N]: saved by the training-mode forward. */
  mean: Tensor<'f32'>;
  invstd: Tensor<'f32'>;
  /** f32 [R, B, N] */
  dx: Tensor<'f32'>;
  /** f32 [R, N], overwritten. */
  dgamma: Tensor<'f32'>;
  dbeta: Tensor<'f32'>;
}

export async function prepareBatchnormBackward(
  gpu: Gpu,
  args: BatchnormBackwardArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const { dy, x, gamma, mean, invstd, dx, dgamma, dbeta } = args;
  const name = batchnormBackwardKernel.name;
  expectF32(name, { dy, x, gamma, mean, invstd, dx, dgamma, dbeta });
  const [R, B, N] = expectRBN(name, 'x', x);
  expectShape(name, 'dy', dy, x.shape);
  expectShape(name, 'dx', dx, x.shape);
  for (const [k, t] of Object.entries({ gamma, mean, invstd, dgamma, dbeta })) {
    expectShape(name, k, t, [R, N]);
  }
  const { constants, groups } = columnReduceShape(gpu, name, R, N);
  const pipeline = await kernelPipeline(gpu, batchnormBackwardKernel, version, constants);
  const params = createUniform(gpu, BackwardParams, { R, B, N }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(batchnormBackwardKernel.layout, {
      params,
      dy: dy.buffer,
      x: x.buffer,
      gamma: gamma.buffer,
      mean: mean.buffer,
      invstd: invstd.buffer,
      dx: dx.buffer,
      dgamma: dgamma.buffer,
      dbeta: dbeta.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, groups);
}
