/**
 * Wrappers of shaders/sgd_update*.wgsl and shaders/adam_update*.wgsl: one optimizer step over a flat
 * parameter tensor (any shape, all replicas: n = R·P elements), in place, with optional latent-weight
 * clipping to [−clip, clip] after the step (docs/METHOD.md §2, Larq's weight_clip).
 *
 *   const op = await prepareAdamUpdate(gpu, { w, g, m, v, lr: 1e-3, t: 1, clip: 1 });
 *   op.set({ t: 2 });   // rewrites the params uniform; takes effect from the next submit
 *
 * Hyper-parameters live in a uniform buffer written with queue.writeBuffer, so a value set applies to
 * every encode of that op in the next submit. To encode several steps (different t) in one submit, prepare
 * one op per step (each has its own uniform). Clipping on/off is a pipeline constant (`override CLIP`),
 * fixed when the op is prepared; the bound itself is in the uniform.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import adamV1 from '../../../shaders/adam_update.wgsl?raw';
import sgdV1 from '../../../shaders/sgd_update.wgsl?raw';
import type { Gpu } from '../device.ts';
import { ShapeError } from '../errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../tensor.ts';
import { createUniform } from '../uniform.ts';
import { readF32, rwF32 } from './layout.ts';

const SgdParams = d.struct({ n: d.u32, lr: d.f32, clip: d.f32 });
const AdamParams = d.struct({
  n: d.u32,
  beta1: d.f32,
  beta2: d.f32,
  eps: d.f32,
  alpha: d.f32,
  clip: d.f32,
});

export const sgdUpdateKernel = {
  name: 'sgd_update',
  versions: { v1: sgdV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: SgdParams }, w: rwF32, g: readF32 }),
} satisfies KernelDef;

export const adamUpdateKernel = {
  name: 'adam_update',
  versions: { v1: adamV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: AdamParams },
    w: rwF32,
    g: readF32,
    m: rwF32,
    v: rwF32,
  }),
} satisfies KernelDef;

/**
 * Workgroup size per version (the WGSL `override WG`, set from here only). The prepare functions take
 * another as their last argument, for benchmarks that sweep it and for checks of the 2-D grid.
 */
export const SGD_UPDATE_TUNING: Record<string, { WG: number }> = { v1: { WG: 64 } };
export const ADAM_UPDATE_TUNING: Record<string, { WG: number }> = { v1: { WG: 64 } };

/** Keras' Adam defaults (docs/METHOD.md §2). */
export const KERAS_ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-7 } as const;

export interface SgdHyper {
  lr: number;
}

export interface AdamHyper {
  lr: number;
  /** The step, counted from 1 (bias correction). */
  t: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * Byte offset of `alpha` (Adam's step size α_t) in the params uniform. A trainer that encodes many steps
 * in one submit copies each step's α_t there with copyBufferToBuffer before that step's pass.
 */
export const ADAM_PARAMS_ALPHA_OFFSET = d.memoryLayoutOf(AdamParams, (p) => p.alpha).offset;

/** A prepared update whose hyper-parameters can be changed between submits. */
export interface PreparedUpdate<H> extends PreparedOp {
  readonly hyper: Readonly<H>;
  /** The params uniform (COPY_DST), for per-step copies within one submit. */
  readonly params: GPUBuffer;
  /** Validates and writes the new values to the params uniform; they apply from the next submit. */
  set(h: Partial<H>): void;
}

export interface SgdUpdateArgs {
  /** f32, any shape (typically [R, …]); updated in place */
  w: Tensor<'f32'>;
  /** f32, the shape of w */
  g: Tensor<'f32'>;
  lr: number;
  /** Clip w to [−clip, clip] after the step; omit for no clipping. */
  clip?: number;
}

export interface AdamUpdateArgs extends Partial<Omit<AdamHyper, 'lr' | 't'>> {
  /** f32, any shape (typically [R, …]); updated in place */
  w: Tensor<'f32'>;
  /** f32, the shape of w */
  g: Tensor<'f32'>;
  /** f32, the shape of w: first moment, zero before step 1; updated in place */
  m: Tensor<'f32'>;
  /** f32, the shape of w: second moment, zero before step 1; updated in place */
  v: Tensor<'f32'>;
  lr: number;
  t: number;
  /** Clip w to [−clip, clip] after the step; omit for no clipping. */
  clip?: number;
}

/** α_t = lr·sqrt(1 − β2^t)/(1 − β1^t), in float64 (see shaders/adam_update.wgsl for why on the host). */
export function adamStepSize({ lr, t, beta1, beta2 }: AdamHyper): number {
  return (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
}

/** Same dtype (f32), same shape as w, and distinct buffers (a buffer cannot be bound twice writable). */
function expectOperands(name: string, w: Tensor<'f32'>, others: Record<string, Tensor<'f32'>>): void {
  expectDtype(name, 'w', w, 'f32');
  const seen = new Set([w.buffer]);
  for (const [key, t] of Object.entries(others)) {
    expectDtype(name, key, t, 'f32');
    expectShape(name, key, t, w.shape);
    if (seen.has(t.buffer)) throw new ShapeError(`${name}: ${key} shares its buffer with another operand`);
    seen.add(t.buffer);
  }
}

function expectFinite(name: string, what: string, x: number): void {
  if (!Number.isFinite(x)) throw new RangeError(`${name}: ${what} must be a finite number, got ${x}`);
}

function checkClip(name: string, clip: number | undefined): void {
  if (clip !== undefined && !(Number.isFinite(clip) && clip > 0)) {
    throw new RangeError(`${name}: clip must be a finite number > 0 (or omitted), got ${clip}`);
  }
}

function checkAdam(name: string, h: AdamHyper): void {
  expectFinite(name, 'lr', h.lr);
  if (!Number.isInteger(h.t) || h.t < 1)
    throw new RangeError(`${name}: step t must be an integer ≥ 1, got ${h.t}`);
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(h[k] >= 0 && h[k] < 1)) throw new RangeError(`${name}: ${k} must be in [0, 1), got ${h[k]}`);
  }
  if (!(Number.isFinite(h.eps) && h.eps >= 0)) throw new RangeError(`${name}: eps must be ≥ 0, got ${h.eps}`);
}

export async function prepareSgdUpdate(
  gpu: Gpu,
  { w, g, lr, clip }: SgdUpdateArgs,
  version = 'v1',
  tuning = SGD_UPDATE_TUNING[version],
): Promise<PreparedUpdate<SgdHyper>> {
  const name = sgdUpdateKernel.name;
  expectOperands(name, w, { g });
  expectFinite(name, 'lr', lr);
  checkClip(name, clip);
  if (!tuning) throw new ShapeError(`${name}: no version ${version}`);
  const pipeline = await kernelPipeline(gpu, sgdUpdateKernel, version, {
    ...tuning,
    CLIP: clip === undefined ? 0 : 1,
  });
  const value = (h: SgdHyper) => ({ n: w.size, lr: h.lr, clip: clip ?? 0 });
  let hyper: SgdHyper = { lr };
  const params = createUniform(gpu, SgdParams, value(hyper), `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(sgdUpdateKernel.layout, { params, w: w.buffer, g: g.buffer }),
  );
  const op = preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, flatGrid(gpu, w.size, tuning.WG));
  return {
    ...op,
    params: gpu.root.unwrap(params),
    get hyper() {
      return hyper;
    },
    set(h) {
      const next = { ...hyper, ...h };
      expectFinite(name, 'lr', next.lr);
      hyper = next;
      params.write(value(hyper));
    },
  };
}

export async function prepareAdamUpdate(
  gpu: Gpu,
  { w, g, m, v, lr, t, beta1, beta2, eps, clip }: AdamUpdateArgs,
  version = 'v1',
  tuning = ADAM_UPDATE_TUNING[version],
): Promise<PreparedUpdate<AdamHyper>> {
  const name = adamUpdateKernel.name;
  expectOperands(name, w, { g, m, v });
  let hyper: AdamHyper = {
    lr,
    t,
    beta1: beta1 ?? KERAS_ADAM.beta1,
    beta2: beta2 ?? KERAS_ADAM.beta2,
    eps: eps ?? KERAS_ADAM.eps,
  };
  checkAdam(name, hyper);
  checkClip(name, clip);
  if (!tuning) throw new ShapeError(`${name}: no version ${version}`);
  const pipeline = await kernelPipeline(gpu, adamUpdateKernel, version, {
    ...tuning,
    CLIP: clip === undefined ? 0 : 1,
  });
  const value = (h: AdamHyper) => ({
    n: w.size,
    beta1: h.beta1,
    beta2: h.beta2,
    eps: h.eps,
    alpha: adamStepSize(h),
    clip: clip ?? 0,
  });
  const params = createUniform(gpu, AdamParams, value(hyper), `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(adamUpdateKernel.layout, {
      params,
      w: w.buffer,
      g: g.buffer,
      m: m.buffer,
      v: v.buffer,
    }),
  );
  const op = preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, flatGrid(gpu, w.size, tuning.WG));
  return {
    ...op,
    params: gpu.root.unwrap(params),
    get hyper() {
      return hyper;
    },
    set(h) {
      const next = { ...hyper, ...h };
      checkAdam(name, next);
      hyper = next;
      params.write(value(hyper));
    },
  };
}
