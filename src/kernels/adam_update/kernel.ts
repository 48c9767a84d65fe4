/**
 * Wrapper of shaders/adam_update*.wgsl: one Adam step over a flat parameter tensor (any shape, all
 * replicas: n = R·P elements), in place, with optional latent-weight clipping to [−clip, clip] after the
 * step (docs/METHOD.md §2, Larq's weight_clip).
 *
 *   const op = await prepareAdamUpdate(gpu, { w, g, m, v, lr: 1e-3, t: 1, clip: 1 });
 *   op.set({ t: 2 });   // rewrites the params uniform; takes effect from the next submit
 *
 * To encode several steps (different t) in one submit, prepare one op per step (each has its own uniform).
 */

import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import adamV1 from '../../../shaders/adam_update.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, preparedOp } from '../../gpu/kernel.ts';
import type { Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32 } from '../layout.ts';
import { checkClip, expectFinite, expectOperands, type PreparedUpdate } from '../sgd_update/kernel.ts';

const AdamParams = d.struct({
  n: d.u32,
  beta1: d.f32,
  beta2: d.f32,
  eps: d.f32,
  alpha: d.f32,
  clip: d.f32,
});

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

export const ADAM_UPDATE_TUNING: Record<string, { WG: number }> = { v1: { WG: 64 } };

/** Keras' Adam defaults (docs/METHOD.md §2). */
export const KERAS_ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-7 } as const;
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

function checkAdam(name: string, h: AdamHyper): void {
  expectFinite(name, 'lr', h.lr);
  if (!Number.isInteger(h.t) || h.t < 1)
    throw new RangeError(`${name}: step t must be an integer ≥ 1, got ${h.t}`);
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(h[k] >= 0 && h[k] < 1)) throw new RangeError(`${name}: ${k} must be in [0, 1), got ${h[k]}`);
  }
  if (!(Number.isFinite(h.eps) && h.eps >= 0)) throw new RangeError(`${name}: eps must be ≥ 0, got ${h.eps}`);
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
