/**
 * Wrapper of shaders/bop_update.wgsl: one Bop step over a flat tensor of binary weights (any shape, all
 * replicas), in place, with its gradient moving average m (docs/METHOD.md §2). Bop updates only binary
 * weights; a run's float parameters (biases, batch-norm scales, a float output layer) keep Adam or SGD.
 *
 * γ and τ live in a uniform buffer written with queue.writeBuffer, so set() applies from the next submit.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import bopV1 from '../../../shaders/bop_update.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { flatGrid, type KernelDef, kernelPipeline, preparedOp } from '../../gpu/kernel.ts';
import type { Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, rwF32 } from '../layout.ts';
import { expectOperands, type PreparedUpdate } from '../sgd_update/kernel.ts';
import { bopProblem } from './ref.ts';

const BopParams = d.struct({ n: d.u32, gamma: d.f32, decay: d.f32, tau: d.f32 });
export const bopUpdateKernel = {
  name: 'bop_update',
  versions: { v1: bopV1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({ params: { uniform: BopParams }, w: rwF32, m: rwF32, g: readF32 }),
} satisfies KernelDef;

/** Workgroup size (the WGSL `override WG`, set from here only). */
export const BOP_UPDATE_TUNING = { WG: 64 };

export interface BopHyper {
  /** adaptivity rate γ ∈ (0, 1] */
  gamma: number;
  /** threshold τ > 0 */
  tau: number;
}

export interface BopUpdateArgs extends BopHyper {
  /** f32, any shape (typically [R, …]): binary weights (±1), updated in place */
  w: Tensor<'f32'>;
  /** f32, the shape of w: the gradient's moving average, updated in place (zeros at the start) */
  m: Tensor<'f32'>;
  /** f32, the shape of w */
  g: Tensor<'f32'>;
}

function checkHyper(name: string, h: BopHyper): void {
  const problem = bopProblem(h.gamma, h.tau);
  if (problem) throw new RangeError(`${name}: ${problem}`);
}

/** The uniform's values: 1 − γ is computed here in float64 and rounded once to f32. */
const paramsOf = (n: number, h: BopHyper) => ({
  n,
  gamma: h.gamma,
  decay: Math.fround(1 - h.gamma),
  tau: h.tau,
});

export async function prepareBopUpdate(
  gpu: Gpu,
  { w, m, g, gamma, tau }: BopUpdateArgs,
  version = 'v1',
): Promise<PreparedUpdate<BopHyper>> {
  const name = bopUpdateKernel.name;
  expectOperands(name, w, { m, g });
  let hyper: BopHyper = { gamma, tau };
  checkHyper(name, hyper);
  const { WG } = BOP_UPDATE_TUNING;
  const pipeline = await kernelPipeline(gpu, bopUpdateKernel, version, { WG });
  const params = createUniform(gpu, BopParams, paramsOf(w.size, hyper), `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(bopUpdateKernel.layout, { params, w: w.buffer, m: m.buffer, g: g.buffer }),
  );
  const groups = flatGrid(gpu, w.size, WG);
  const op = preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, groups);
  return {
    ...op,
    params: gpu.root.unwrap(params),
    get hyper() {
      return hyper;
    },
    set(h) {
      const next = { ...hyper, ...h };
      checkHyper(name, next);
      hyper = next;
      params.write(paramsOf(w.size, hyper));
    },
  };
}
