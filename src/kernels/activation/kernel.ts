/**
 * Wrappers of the activation and quantizer kernels (docs/METHOD.md §2; CPU reference ./ref.ts):
 * - shaders/activation_forward.wgsl   y = f(x), elementwise, any shape; `kind` picks f
 * - shaders/activation_backward.wgsl  dx = dy · f'(x) (STE pseudo-gradients for the quantizers)
 * The magnitude-aware sign has its own family (../magnitude_sign/).
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import actBackwardV1 from '../../../shaders/activation_backward.wgsl?raw';
import actForwardV1 from '../../../shaders/activation_forward.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32 } from '../layout.ts';
import { ACTIVATION_NAMES, type ActivationName, activation, SWISH_BETA } from './ref.ts';

const ActParams = d.struct({ n: d.u32, beta: d.f32 });

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
