/**
 * The fused trainer's evaluation forward pass (shaders/fused_eval.wgsl): every replica's forward over one
 * evaluation chunk in one dispatch, reading the fused parameter buffer, writing each layer's output (the
 * logits for the output layer) into the layered trainer's evaluation buffers. It replaces the layered
 * forward's ~20 dispatches per chunk at every logged epoch; the loss, the metrics and the estimator's codes
 * run on its outputs unchanged.
 *
 *   const make = await fusedEvalForward(gpu, plan, layout, params, WG);  // null: keep the layered forward
 *   const op = make && make(chunk);                                     // per chunk, once
 *
 * The arithmetic is the layered evaluation's (GEMM sums in order from 0 with the bias last, batch norm
 * with the running statistics, the same activation formulas), so the outputs agree bit for bit where f32
 * rounds alike (test/fused-trainer.test.ts compares them).
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import common from '../../shaders/fused_common.wgsl?raw';
import source from '../../shaders/fused_eval.wgsl?raw';
import type { Gpu } from '../gpu/device.ts';
import { type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../gpu/kernel.ts';
import type { Tensor } from '../gpu/tensor.ts';
import { createUniform } from '../gpu/uniform.ts';
import { readF32, rwF32 } from '../kernels/layout.ts';
import type { ChunkForward } from './evaluation.ts';
import { loadWeightsFn } from './fused-codegen.ts';
import { activationId, type FusedLayout, fusedPrelude } from './fused-layout.ts';
import type { NetworkPlan } from './plan.ts';

const EvalParams = d.struct({ rows: d.u32 });

const f = (n: number) => `${n}u`;

/** Rows one workgroup takes: the weight copy is amortised over ROWS / WG rows per thread. */
export const fusedEvalRows = (WG: number): number => WG * 32;

/** Why the fused evaluation cannot serve this network (null when it can). */
export function fusedEvalMisfit(plan: NetworkPlan, maxStorageBuffers: number): string | null {
  if (plan.layers.some((l) => l.activation === 'magnitude_aware_sign'))
    return "magnitude_aware_sign's α is a statistic of the chunk";
  if (2 + plan.layers.length > maxStorageBuffers)
    return `${2 + plan.layers.length} storage buffers, more than the adapter's ${maxStorageBuffers}`;
  return null;
}

/** eval_rows(): the generated per-row forward pass of shaders/fused_eval.wgsl. */
export function fusedEvalPasses(plan: NetworkPlan, layout: FusedLayout): string {
  const decl = plan.layers.map(
    (_, l) => `@group(0) @binding(${3 + l}) var<storage, read_write> out_${l}: array<f32>;`,
  );
  const consts: string[] = [];
  const body = ['    let xi = (r * p.rows + b) * D;'];
  for (let k = 0; k < plan.inputs; k++) body.push(`    let x${k} = x[xi + ${f(k)}];`);
  const last = plan.layers.length - 1;
  plan.layers.forEach((L, l) => {
    const lay = layout.layers[l];
    const { fanIn: K, width: N } = L;
    const input = (k: number) => (l === 0 ? `x${k}` : `h${l - 1}_${k}`);
    const row = `(r * p.rows + b) * ${f(N)}`;
    for (let n = 0; n < N; n++) {
      const terms = ['0.0'];
      for (let k = 0; k < K; k++) terms.push(`${input(k)} * wp[${lay.privateW + n * K + k}]`);
      if (lay.privateB >= 0) terms.push(`wp[${lay.privateB + n}]`);
      body.push(`    let z${l}_${n} = ${terms.join(' + ')};`);
      let v = `z${l}_${n}`;
      if (lay.gamma && lay.beta && lay.runningMean && lay.runningVar && l < last) {
        const at = (off: number) => `params[${f(off)} + r * ${f(N)} + ${f(n)}]`;
        consts.push(
          `  let g${l}_${n} = ${at(lay.gamma.offset)};`,
          `  let bt${l}_${n} = ${at(lay.beta.offset)};`,
          `  let rm${l}_${n} = ${at(lay.runningMean.offset)};`,
          `  let is${l}_${n} = inverseSqrt(${at(lay.runningVar.offset)} + BN_EPS);`,
        );
        body.push(
          `    let zn${l}_${n} = g${l}_${n} * ((z${l}_${n} - rm${l}_${n}) * is${l}_${n}) + bt${l}_${n};`,
        );
        v = `zn${l}_${n}`;
      }
      if (l === last) {
        body.push(`    out_${l}[${row} + ${f(n)}] = z${l}_${n};`); // the logits, as the loss reads them
      } else {
        body.push(`    let h${l}_${n} = act(${f(activationId(L))}, ${v});`);
        body.push(`    out_${l}[${row} + ${f(n)}] = h${l}_${n};`);
      }
    }
  });
  return [
    ...decl,
    '',
    'fn eval_rows(r: u32, b0: u32, end: u32) {',
    ...consts,
    '  for (var b = b0; b < end; b += WG) {',
    ...body,
    '  }',
    '}',
    '',
    loadWeightsFn(plan, layout),
  ].join('\n');
}

/**
 * The fused evaluation of `plan` over the parameter buffer `params`, or null when it cannot serve it
 * (fusedEvalMisfit): a function that makes the op of one evaluation chunk.
 */
export async function fusedEvalForward(
  gpu: Gpu,
  plan: NetworkPlan,
  layout: FusedLayout,
  params: Tensor<'f32'>,
  WG: number,
  owned: { destroy(): void }[],
): Promise<((c: ChunkForward & { rows: number }) => PreparedOp) | null> {
  if (fusedEvalMisfit(plan, gpu.device.limits.maxStorageBuffersPerShaderStage)) return null;
  const entries: Record<string, typeof readF32 | typeof rwF32 | { uniform: typeof EvalParams }> = {
    p: { uniform: EvalParams },
    x: readF32,
    params: readF32,
  };
  plan.layers.forEach((_, l) => {
    entries[`out_${l}`] = rwF32;
  });
  const bindings = tgpu.bindGroupLayout(entries);
  const version = fusedPrelude(plan, layout);
  const code = `${version}\n${common}\n${source}\n${fusedEvalPasses(plan, layout)}`;
  const def: KernelDef = { name: 'fused_eval', versions: { [version]: code }, layout: bindings };
  const ROWS = fusedEvalRows(WG);
  const pipeline = await kernelPipeline(gpu, def, version, { WG, ROWS });
  return (c) => {
    const uniform = createUniform(gpu, EvalParams, { rows: c.rows }, `fused eval rows ${c.rows}`);
    owned.push(uniform);
    const bind: Record<string, unknown> = { p: uniform, x: c.inputs.buffer, params: params.buffer };
    c.outputs.forEach((t, l) => {
      bind[`out_${l}`] = t.buffer; // the output layer's `out` is its z: the logits
    });
    const group = gpu.root.unwrap(gpu.root.createBindGroup(bindings, bind as never));
    const replicas = c.inputs.shape[0];
    return preparedOp(gpu, 'fused_eval', pipeline, group, [replicas, Math.ceil(c.rows / ROWS), 1]);
  };
}
