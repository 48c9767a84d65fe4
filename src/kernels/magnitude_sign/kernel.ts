/**
 * Wrappers of shaders/magnitude_sign_forward.wgsl and magnitude_sign_backward.wgsl (CPU reference
 * ./ref.ts): y = sign(x)·α, α the mean |x| of each column of x f32[R, B, N], and its gradient.
 */

import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import magBackwardV1 from '../../../shaders/magnitude_sign_backward.wgsl?raw';
import magForwardV1 from '../../../shaders/magnitude_sign_forward.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { ceilDiv, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { ACTIVATION_TUNING } from '../activation/kernel.ts';
import { readF32, rwF32 } from '../layout.ts';

const MagParams = d.struct({ R: d.u32, B: d.u32, N: d.u32 });

export const magnitudeSignForwardKernel = {
  name: 'magnitude_sign_forward',
  versions: { v1: magForwardV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: MagParams }, x: readF32, y: rwF32, alpha: rwF32 }),
} satisfies KernelDef;

export const magnitudeSignBackwardKernel = {
  name: 'magnitude_sign_backward',
  versions: { v1: magBackwardV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: MagParams },
    x: readF32,
    alpha: readF32,
    dy: readF32,
    dx: rwF32,
  }),
} satisfies KernelDef;

function shapeRBN(kernel: string, x: Tensor): [number, number, number] {
  if (x.shape.length !== 3)
    throw new ShapeError(`${kernel}: x must be [R, B, N], got [${x.shape.join(', ')}]`);
  const [R, B, N] = x.shape;
  return [R, B, N];
}

export interface MagnitudeSignForwardArgs {
  /** f32 [R, B, N] */
  x: Tensor<'f32'>;
  /** f32 [R, B, N]: α[r, n] · sign(x) */
  y: Tensor<'f32'>;
  /** f32 [R, N]: α = mean over b of |x[r, b, n]|, kept for the backward */
  alpha: Tensor<'f32'>;
}

export async function prepareMagnitudeSignForward(
  gpu: Gpu,
  { x, y, alpha }: MagnitudeSignForwardArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = magnitudeSignForwardKernel.name;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'y', y, 'f32');
  expectDtype(name, 'alpha', alpha, 'f32');
  const [R, B, N] = shapeRBN(name, x);
  expectShape(name, 'y', y, [R, B, N]);
  expectShape(name, 'alpha', alpha, [R, N]);
  const { WG } = ACTIVATION_TUNING;
  const pipeline = await kernelPipeline(gpu, magnitudeSignForwardKernel, version, { WG });
  const params = createUniform(gpu, MagParams, { R, B, N }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(magnitudeSignForwardKernel.layout, {
      params,
      x: x.buffer,
      y: y.buffer,
      alpha: alpha.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [ceilDiv(N, WG), 1, R]);
}

export interface MagnitudeSignBackwardArgs {
  /** f32 [R, B, N], the forward's input */
  x: Tensor<'f32'>;
  /** f32 [R, N], the α the forward wrote */
  alpha: Tensor<'f32'>;
  /** f32 [R, B, N] */
  dy: Tensor<'f32'>;
  /** f32 [R, B, N] */
  dx: Tensor<'f32'>;
}

export async function prepareMagnitudeSignBackward(
  gpu: Gpu,
  { x, alpha, dy, dx }: MagnitudeSignBackwardArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = magnitudeSignBackwardKernel.name;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'alpha', alpha, 'f32');
  expectDtype(name, 'dy', dy, 'f32');
  expectDtype(name, 'dx', dx, 'f32');
  const [R, B, N] = shapeRBN(name, x);
  expectShape(name, 'alpha', alpha, [R, N]);
  expectShape(name, 'dy', dy, [R, B, N]);
  expectShape(name, 'dx', dx, [R, B, N]);
  const { WG } = ACTIVATION_TUNING;
  const pipeline = await kernelPipeline(gpu, magnitudeSignBackwardKernel, version, { WG });
  const params = createUniform(gpu, MagParams, { R, B, N }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(magnitudeSignBackwardKernel.layout, {
      params,
      x: x.buffer,
      alpha: alpha.buffer,
      dy: dy.buffer,
      dx: dx.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [ceilDiv(N, WG), B, R]);
}
