/**
 * Wrappers of the activation and quantizer kernels (docs/METHOD.md §2; CPU reference src/ref/activations.ts):
 * - shaders/activation_forward.wgsl   y = f(x), elementwise, any shape; `kind` picks f
 * - shaders/activation_backward.wgsl  dx = dy · f'(x) (STE pseudo-gradients for the quantizers)
 * - shaders/magnitude_sign_forward.wgsl   x [R,B,N] → y = α·sign(x) [R,B,N], α = mean_b |x| [R,N]
 * - shaders/magnitude_sign_backward.wgsl  dx = dy · α · 1{|x| ≤ 1} (α a constant, as Larq's stop_gradient)
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import actBackwardV1 from '../../../shaders/activation_backward.wgsl?raw';
import actForwardV1 from '../../../shaders/activation_forward.wgsl?raw';
import magBackwardV1 from '../../../shaders/magnitude_sign_backward.wgsl?raw';
import magForwardV1 from '../../../shaders/magnitude_sign_forward.wgsl?raw';
import { ACTIVATION_NAMES, type ActivationName, activation, SWISH_BETA } from '../../ref/activations.ts';
import type { Gpu } from '../device.ts';
import { ShapeError } from '../errors.ts';
import { ceilDiv, flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../tensor.ts';
import { createUniform } from '../uniform.ts';
import { readF32, rwF32 } from './layout.ts';

const ActParams = d.struct({ n: d.u32, beta: d.f32 });
const MagParams = d.struct({ R: d.u32, B: d.u32, N: d.u32 });

export const activationForwardKernel = {
  name: 'activation_forward',
  versions: { v1: actForwardV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: ActParams }, x: readF32, y: rwF32 }),
} satisfies KernelDef;

export const activationBackwardKernel = {
  name: 'activation_backward',
  versions: { v1: actBackwardV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: ActParams }, x: readF32, dy: readF32, dx: rwF32 }),
} satisfies KernelDef;

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

/** Workgroup size of all four kernels (the WGSL `override WG`, set from here only). */
export const ACTIVATION_TUNING = { WG: 64 };

function kindOf(kernel: string, kind: ActivationName): number {
  if (!ACTIVATION_NAMES.includes(kind)) {
    throw new ShapeError(`${kernel}: unknown kind '${kind}'; known: ${ACTIVATION_NAMES.join(', ')}`);
  }
  return activation(kind).id;
}

function expectSameShape(kernel: string, name: string, t: Tensor, like: Tensor, likeName: string): void {
  const same = t.shape.length === like.shape.length && t.shape.every((n, i) => n === like.shape[i]);
  if (!same) {
    throw new ShapeError(
      `${kernel}: ${name} [${t.shape.join(', ')}] and ${likeName} [${like.shape.join(', ')}] must have the same shape`,
    );
  }
}

export interface ActivationForwardArgs {
  /** f32, any shape (by convention [R, B, N]) */
  x: Tensor<'f32'>;
  /** f32, the shape of x */
  y: Tensor<'f32'>;
  kind: ActivationName;
  /** swish_sign's β (default SWISH_BETA = 5); ignored by the others. */
  beta?: number;
}

export async function prepareActivationForward(
  gpu: Gpu,
  { x, y, kind, beta = SWISH_BETA }: ActivationForwardArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = activationForwardKernel.name;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'y', y, 'f32');
  expectSameShape(name, 'y', y, x, 'x');
  const KIND = kindOf(name, kind);
  const { WG } = ACTIVATION_TUNING;
  const pipeline = await kernelPipeline(gpu, activationForwardKernel, version, { WG, KIND });
  const params = createUniform(gpu, ActParams, { n: x.size, beta }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(activationForwardKernel.layout, { params, x: x.buffer, y: y.buffer }),
  );
  return preparedOp(gpu, `${name} ${kind} ${version}`, pipeline, bindGroup, flatGrid(gpu, x.size, WG));
}

export interface ActivationBackwardArgs {
  /** f32, the forward's input (pre-activation), any shape */
  x: Tensor<'f32'>;
  /** f32, the gradient with respect to the forward's output, the shape of x */
  dy: Tensor<'f32'>;
  /** f32, the gradient with respect to x, the shape of x */
  dx: Tensor<'f32'>;
  kind: ActivationName;
  /** swish_sign's β (default SWISH_BETA = 5); ignored by the others. */
  beta?: number;
}

export async function prepareActivationBackward(
  gpu: Gpu,
  { x, dy, dx, kind, beta = SWISH_BETA }: ActivationBackwardArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = activationBackwardKernel.name;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'dy', dy, 'f32');
  expectDtype(name, 'dx', dx, 'f32');
  expectSameShape(name, 'dy', dy, x, 'x');
  expectSameShape(name, 'dx', dx, x, 'x');
  const KIND = kindOf(name, kind);
  const { WG } = ACTIVATION_TUNING;
  const pipeline = await kernelPipeline(gpu, activationBackwardKernel, version, { WG, KIND });
  const params = createUniform(gpu, ActParams, { n: x.size, beta }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(activationBackwardKernel.layout, {
      params,
      x: x.buffer,
      dy: dy.buffer,
      dx: dx.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${kind} ${version}`, pipeline, bindGroup, flatGrid(gpu, x.size, WG));
}

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
