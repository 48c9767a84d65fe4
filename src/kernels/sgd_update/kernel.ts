/**
 * Wrapper of shaders/sgd_update*.wgsl: one SGD step over a flat parameter tensor (any shape, all
 * replicas: n = R·P elements), in place, with optional latent-weight clipping to [−clip, clip] after the
 * step (docs/METHOD.md §2, Larq's weight_clip). Also the parts adam_update shares: PreparedUpdate and the
 * operand checks.
 *
 * Hyper-parameters live in a uniform buffer written with queue.writeBuffer, so a value set applies to
 * every encode of that op in the next submit. Clipping on/off is a pipeline constant (`override CLIP`),
 * fixed when the op is prepared; the bound itself is in the uniform.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import sgdV1 from '../../../shaders/sgd_update.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { flatGrid, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32 } from '../layout.ts';

const SgdParams = d.struct({ n: d.u32, lr: d.f32, clip: d.f32 });
export const sgdUpdateKernel = {
  name: 'sgd_update',
  versions: { v1: sgdV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: SgdParams }, w: rwF32, g: readF32 }),
} satisfies KernelDef;

/**
 * Workgroup size per version (the WGSL `override WG`, set from here only). The prepare functions take
 * another as their last argument, for benchmarks that sweep it and for checks of the 2-D grid.
 */
export const SGD_UPDATE_TUNING: Record<string, { WG: number }> = { v1: { WG: 64 } };

export interface SgdHyper {
  lr: number;
}

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

/** Same dtype (f32), same shape as w, and distinct buffers (a buffer cannot be bound twice writable). */
export function expectOperands(name: string, w: Tensor<'f32'>, others: Record<string, Tensor<'f32'>>): void {
  expectDtype(name, 'w', w, 'f32');
  const seen = new Set([w.buffer]);
  for (const [key, t] of Object.entries(others)) {
    expectDtype(name, key, t, 'f32');
    expectShape(name, key, t, w.shape);
    if (seen.has(t.buffer)) throw new ShapeError(`${name}: ${key} shares its buffer with another operand`);
    seen.add(t.buffer);
  }
}

export function expectFinite(name: string, what: string, x: number): void {
  if (!Number.isFinite(x)) throw new RangeError(`${name}: ${what} must be a finite number, got ${x}`);
}

export function checkClip(name: string, clip: number | undefined): void {
  if (clip !== undefined && !(Number.isFinite(clip) && clip > 0)) {
    throw new RangeError(`${name}: clip must be a finite number > 0 (or omitted), got ${clip}`);
  }
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
