/**
 * Wrappers of the k-bit and ternary quantizers (docs/METHOD.md §2; CPU reference ./ref.ts):
 * - shaders/quantize_uniform.wgsl  y = q_k(x), k ∈ {1, 2, 4, 8}, elementwise; optionally the level indices
 * - shaders/quantize_ternary.wgsl  TWN ternary weights, one workgroup per replica
 * Their backward is the straight-through estimator of ste_sign: activation_backward with kind 'ste_sign'.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import ternaryV1 from '../../../shaders/quantize_ternary.wgsl?raw';
import uniformV1 from '../../../shaders/quantize_uniform.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { createTensor, expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32, rwU32 } from '../layout.ts';
import { TERNARY_WG, TWN_FACTOR, uniformConstants } from './ref.ts';

const UniformParams = d.struct({ n: d.u32, half: d.f32, steps: d.f32, inv: d.f32 });
const TernaryParams = d.struct({ R: d.u32, P: d.u32, scale: d.f32 });

export const quantizeUniformKernel = {
  name: 'quantize_uniform',
  versions: { v1: uniformV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: UniformParams }, x: readF32, y: rwF32, level: rwU32 }),
} satisfies KernelDef;

export const quantizeTernaryKernel = {
  name: 'quantize_ternary',
  versions: { v1: ternaryV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: TernaryParams }, w: readF32, y: rwF32 }),
} satisfies KernelDef;

/** Workgroup sizes (the WGSL `override WG`, set from here only); the ternary one is ref.ts's TERNARY_WG. */
export const QUANTIZE_TUNING = { WG: 64, TERNARY_WG };

/**
 * Without levels the binding still needs a u32 buffer, never written (LEVELS = 0): one per device,
 * shared by every such op, so preparing ops does not leave a buffer behind each time.
 */
const spareLevels = new WeakMap<Gpu, Tensor<'u32'>>();
function unusedLevels(gpu: Gpu): Tensor<'u32'> {
  let t = spareLevels.get(gpu);
  if (!t) {
    t = createTensor(gpu, 'u32', [1], 'quantize_uniform unused levels');
    spareLevels.set(gpu, t);
  }
  return t;
}

export interface QuantizeUniformArgs {
  /** f32, any shape (by convention [R, B, N] for activations, [R, …] for weights) */
  x: Tensor<'f32'>;
  /** f32, the shape of x */
  y: Tensor<'f32'>;
  /** u32, the shape of x: the level indices 0 … 2^k − 1 (a layer's exact codes); omit to skip them */
  level?: Tensor<'u32'>;
  bits: number;
}

export async function prepareQuantizeUniform(
  gpu: Gpu,
  { x, y, level, bits }: QuantizeUniformArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = quantizeUniformKernel.name;
  expectDtype(name, 'x', x, 'f32');
  expectDtype(name, 'y', y, 'f32');
  expectShape(name, 'y', y, x.shape);
  if (level) {
    expectDtype(name, 'level', level, 'u32');
    expectShape(name, 'level', level, x.shape);
  }
  let c: ReturnType<typeof uniformConstants>;
  try {
    c = uniformConstants(bits);
  } catch (e) {
    throw new ShapeError((e as Error).message);
  }
  const { WG } = QUANTIZE_TUNING;
  const pipeline = await kernelPipeline(gpu, quantizeUniformKernel, version, { WG, LEVELS: level ? 1 : 0 });
  const params = createUniform(
    gpu,
    UniformParams,
    { n: x.size, half: c.half, steps: c.steps, inv: c.inv },
    `${name} params`,
  );
  const levels = level ?? unusedLevels(gpu);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(quantizeUniformKernel.layout, {
      params,
      x: x.buffer,
      y: y.buffer,
      level: levels.buffer,
    }),
  );
  return preparedOp(gpu, `${name} k=${bits} ${version}`, pipeline, bindGroup, flatGrid(gpu, x.size, WG));
}

export interface QuantizeTernaryArgs {
  /** f32 [R, …]: R replicas' latent weights, P = size / R each */
  w: Tensor<'f32'>;
  /** f32, the shape of w: values in {−1, 0, +1} */
  y: Tensor<'f32'>;
}

export async function prepareQuantizeTernary(
  gpu: Gpu,
  { w, y }: QuantizeTernaryArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = quantizeTernaryKernel.name;
  expectDtype(name, 'w', w, 'f32');
  expectDtype(name, 'y', y, 'f32');
  expectShape(name, 'y', y, w.shape);
  if (w.shape.length < 2) throw new ShapeError(`${name}: w must be [R, …], got [${w.shape.join(', ')}]`);
  const R = w.shape[0];
  const P = w.size / R;
  if (P === 0) throw new ShapeError(`${name}: w has no weights per replica`);
  const WG = QUANTIZE_TUNING.TERNARY_WG;
  const pipeline = await kernelPipeline(gpu, quantizeTernaryKernel, version, { WG });
  const params = createUniform(
    gpu,
    TernaryParams,
    { R, P, scale: Math.fround(TWN_FACTOR / P) },
    `${name} params`,
  );
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(quantizeTernaryKernel.layout, { params, w: w.buffer, y: y.buffer }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [R, 1, 1]);
}
