/**
 * The generated part of shaders/fused_train.wgsl: per layer, the forward and backward pass of ONE sample
 * written out unrolled, with every weight, input and gradient at a constant index. SwiftShader (and a
 * real GPU's compiler) then keeps them at fixed private offsets or in registers; the same loops with
 * trip counts read from a table indexed private arrays dynamically and ran ~50× slower on SwiftShader.
 *
 * Sums keep the layered trainer's order: z = ((bias + x0·w0) + x1·w1) + …, da = (dz0·w0k + dz1·w1k) + ….
 */

import { kbitWeights } from '../config/run-config.ts';
import { columnBackwardFn, columnForwardFn } from './fused-columns.ts';
import type { FusedLayout } from './fused-layout.ts';
import { activationId, KBIT_IDS } from './fused-layout.ts';
import type { NetworkPlan } from './plan.ts';

const f = (n: number) => `${n}u`;

/** A column layer: one whose outputs need statistics over the step's samples (./fused-columns.ts). */
const isColumn = (l: { batchNorm: boolean; activation: string | null }) =>
  l.batchNorm || l.activation === 'magnitude_aware_sign';

/**
 * Layer l's input row at sample b: `prologue` (once per pass, before the sample loop) and `row` (per
 * sample) giving lets x0…x{K−1} and, for a hidden input layer, its pre-activations zn0…zn{K−1}. A column
 * layer's outputs are not stored: they are recomputed from its z with the statistics its column phase
 * left in workgroup memory (the same expression, so the same bits, as the column phase's); other layers'
 * are read from the scratch's A and ZN.
 */
function inputRow(
  plan: NetworkPlan,
  layout: FusedLayout,
  l: number,
  withZn = false,
): { prologue: string[]; row: string[] } {
  const K = plan.layers[l].fanIn;
  const prologue: string[] = [];
  const row: string[] = [];
  if (l === 0) {
    row.push('let xi = epoch_data[p.n_steps + r * p.n_train + start + b] * D;');
    for (let k = 0; k < K; k++) row.push(`let x${k} = x[xi + ${f(k)}];`);
    return { prologue, row };
  }
  const prev = plan.layers[l - 1];
  const lay = layout.layers[l - 1];
  const at = (k: number) => `${f((lay.unitOffset + k) * layout.BS)} + b`;
  if (!isColumn(prev)) {
    for (let k = 0; k < K; k++) row.push(`let x${k} = scratch[ab + ${at(k)}];`);
    if (withZn) for (let k = 0; k < K; k++) row.push(`let zn${k} = scratch[znb + ${at(k)}];`);
    return { prologue, row };
  }
  const mag = prev.activation === 'magnitude_aware_sign';
  for (let k = 0; k < K; k++) {
    const u = f(lay.unitOffset + k);
    const z = `scratch[zb + ${at(k)}]`;
    if (prev.batchNorm && lay.gamma && lay.beta) {
      const c = (off: number) => `params[${f(off)} + r * ${f(prev.width)} + ${f(k)}]`;
      prologue.push(`let c_mu${k} = w_mean[${u}];`, `let c_is${k} = w_invstd[${u}];`);
      prologue.push(`let c_g${k} = ${c(lay.gamma.offset)};`, `let c_bt${k} = ${c(lay.beta.offset)};`);
      row.push(`let zn${k} = c_g${k} * ((${z} - c_mu${k}) * c_is${k}) + c_bt${k};`);
    } else {
      row.push(`let zn${k} = ${z};`);
    }
    if (mag) {
      prologue.push(`let c_al${k} = w_alpha[${u}];`);
      row.push(`let x${k} = select(-c_al${k}, c_al${k}, zn${k} >= 0.0);`);
    } else {
      row.push(`let x${k} = act(${f(activationId(prev))}, zn${k});`);
    }
  }
  return { prologue, row };
}

/** A pass over the thread's own samples: fn name(r, t, start, bs) { prologue; for b { body } }. */
function samplePass(name: string, prologue: string[], body: string[]): string {
  return [
    `fn ${name}(r: u32, t: u32, start: u32, bs: u32) {`,
    ...prologue.map((x) => `  ${x}`),
    '  for (var b = t; b < bs; b += WG) {',
    ...body.map((x) => `    ${x}`),
    '  }',
    '}',
  ].join('\n');
}

function forwardFn(plan: NetworkPlan, layout: FusedLayout, l: number): string {
  const L = plan.layers[l];
  const lay = layout.layers[l];
  const { fanIn: K, width: N } = L;
  const input = inputRow(plan, layout, l);
  const body = [...input.row];
  const at = (n: number) => `${f((lay.unitOffset + n) * layout.BS)} + b`;
  for (let n = 0; n < N; n++) {
    const terms: string[] = lay.privateB >= 0 ? [`wp[${lay.privateB + n}]`] : [];
    for (let k = 0; k < K; k++) terms.push(`x${k} * wp[${lay.privateW + n * K + k}]`);
    body.push(`let z${n} = ${terms.join(' + ')};`);
    body.push(`scratch[zb + ${at(n)}] = z${n};`);
    if (!isColumn(L)) {
      body.push(`scratch[znb + ${at(n)}] = z${n};`);
      body.push(`scratch[ab + ${at(n)}] = act(${f(activationId(L))}, z${n});`);
    }
  }
  return samplePass(`forward_${l}`, input.prologue, body);
}

function backwardFn(plan: NetworkPlan, layout: FusedLayout, l: number): string {
  const L = plan.layers[l];
  const lay = layout.layers[l];
  const { fanIn: K, width: N } = L;
  const input = inputRow(plan, layout, l, true);
  const body = [...input.row];
  for (let n = 0; n < N; n++) {
    body.push(`let d${n} = scratch[dzb + ${f((lay.unitOffset + n) * layout.BS)} + b];`);
  }
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) body.push(`gp[${lay.privateW + n * K + k}] += d${n} * x${k};`);
    if (lay.privateB >= 0) body.push(`gp[${lay.privateB + n}] += d${n};`);
  }
  if (l > 0) {
    const prev = plan.layers[l - 1];
    const pu = layout.layers[l - 1].unitOffset;
    const kind = activationId(prev);
    for (let k = 0; k < K; k++) {
      const terms: string[] = [];
      for (let n = 0; n < N; n++) terms.push(`d${n} * wp[${lay.privateW + n * K + k}]`);
      const alpha = kind === 10 ? ` * c_al${k}` : '';
      body.push(
        `scratch[dzb + ${f((pu + k) * layout.BS)} + b] = (${terms.join(' + ')}) * act_grad(${f(kind)}, zn${k})${alpha};`,
      );
    }
  }
  return samplePass(`backward_${l}`, input.prologue, body);
}

/** The activation of kind `id` at z, written out for the two that cost a transcendental. */
function activate(id: number, z: string): string {
  if (id === 5) return `tanh(clamp(${z}, -10.0, 10.0))`;
  return `act(${f(id)}, ${z})`;
}

/**
 * The derivative at z, from the output h where that saves a transcendental: tanh' = 1 − h², σ' = h(1 − h)
 * (the layered kernels compute both from exp(−|z|); the two agree to a few f32 ulps).
 */
function derivative(id: number, z: string, h: string): string {
  if (id === 5) return `(1.0 - ${h} * ${h})`;
  if (id === 7) return `(${h} * (1.0 - ${h}))`;
  return `act_grad(${f(id)}, ${z})`;
}

/**
 * A network without batch normalization or magnitude_aware_sign needs nothing from other samples: one
 * function takes a sample through forward, loss and backward in registers, touching no scratch.
 */
function sampleFn(plan: NetworkPlan, layout: FusedLayout): string {
  const lines = [
    'fn sample_all(r: u32, b: u32, start: u32, fb: f32) {',
    ...inputRow(plan, layout, 0).row.map((x) => `  ${x}`),
  ];
  const last = plan.layers.length - 1;
  const input = (l: number, k: number) => (l === 0 ? `x${k}` : `h${l - 1}_${k}`);
  plan.layers.forEach((L, l) => {
    const lay = layout.layers[l];
    const { fanIn: K, width: N } = L;
    for (let n = 0; n < N; n++) {
      const terms: string[] = lay.privateB >= 0 ? [`wp[${lay.privateB + n}]`] : [];
      for (let k = 0; k < K; k++) terms.push(`${input(l, k)} * wp[${lay.privateW + n * K + k}]`);
      lines.push(`  let z${l}_${n} = ${terms.join(' + ')};`);
      if (l < last) lines.push(`  let h${l}_${n} = ${activate(activationId(L), `z${l}_${n}`)};`);
    }
  });
  const C = plan.classes;
  const z = (c: number) => `z${last}_${c}`;
  lines.push(`  var mx = ${z(0)};`);
  for (let c = 1; c < C; c++) lines.push(`  mx = max(mx, ${z(c)});`);
  for (let c = 0; c < C; c++) lines.push(`  let e${c} = exp(${z(c)} - mx);`);
  lines.push(`  let sum = ${Array.from({ length: C }, (_, c) => `e${c}`).join(' + ')};`);
  lines.push('  let label = y[epoch_data[p.n_steps + r * p.n_train + start + b]];');
  for (let c = 0; c < C; c++) {
    lines.push(`  let d${last}_${c} = (e${c} / sum - select(0.0, 1.0, label == ${f(c)})) / fb;`);
  }
  for (let l = last; l >= 0; l--) {
    const L = plan.layers[l];
    const lay = layout.layers[l];
    const { fanIn: K, width: N } = L;
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++)
        lines.push(`  gp[${lay.privateW + n * K + k}] += d${l}_${n} * ${input(l, k)};`);
      if (lay.privateB >= 0) lines.push(`  gp[${lay.privateB + n}] += d${l}_${n};`);
    }
    if (l === 0) break;
    const kind = activationId(plan.layers[l - 1]);
    for (let k = 0; k < K; k++) {
      const terms: string[] = [];
      for (let n = 0; n < N; n++) terms.push(`d${l}_${n} * wp[${lay.privateW + n * K + k}]`);
      const grad = derivative(kind, `z${l - 1}_${k}`, `h${l - 1}_${k}`);
      lines.push(`  let d${l - 1}_${k} = (${terms.join(' + ')}) * ${grad};`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

/** True when some layer needs statistics over the batch (a "column" phase between samples). */
export function needsColumns(plan: NetworkPlan): boolean {
  return plan.layers.some((l) => l.batchNorm || l.activation === 'magnitude_aware_sign');
}

/**
 * train_samples(): forward, loss and backward of the step's samples, for the step loop in
 * shaders/fused_train.wgsl. Without column phases, one register-only pass per sample; with them,
 * forward() and backward() layer by layer through the scratch, the columns in between.
 */
export function fusedPasses(plan: NetworkPlan, layout: FusedLayout): string {
  return `${privateCopies(plan, layout)}\n${trainSamples(plan, layout)}`;
}

/** load_weights(r): replica r's weights (sign(W) or q_k(W) when quantized) and biases into the private wp. */
export function loadWeightsFn(plan: NetworkPlan, layout: FusedLayout): string {
  const load = ['fn load_weights(r: u32) {'];
  plan.layers.forEach((L, l) => {
    const lay = layout.layers[l];
    const NK = L.width * L.fanIn;
    const bits = kbitWeights(L.weights);
    const kbit = bits ? KBIT_IDS[bits] : 0; // q_k(W) through act()'s k-bit ids
    load.push(`  let w${l} = ${f(lay.w.offset)} + r * ${f(NK)};`);
    for (let i = 0; i < NK; i++) {
      const w = `params[w${l} + ${f(i)}]`;
      load.push(
        `  wp[${lay.privateW + i}] = ${L.binaryWeights ? `select(-1.0, 1.0, ${w} >= 0.0)` : kbit ? `act(${f(kbit)}, ${w})` : w};`,
      );
    }
    if (lay.bias) {
      load.push(`  let b${l} = ${f(lay.bias.offset)} + r * ${f(L.width)};`);
      for (let n = 0; n < L.width; n++) load.push(`  wp[${lay.privateB + n}] = params[b${l} + ${f(n)}];`);
    }
  });
  load.push('}');
  return load.join('\n');
}

/**
 * load_weights(), zero_grads() and store_partials(), unrolled: with every index into wp and gp a
 * constant, the compiler can keep them at fixed offsets (a dynamic index anywhere makes every access
 * one per lane on SwiftShader).
 */
function privateCopies(plan: NetworkPlan, layout: FusedLayout): string {
  const load = loadWeightsFn(plan, layout).split('\n');
  const PW = layout.PW;
  const zero = ['fn zero_grads() {', ...Array.from({ length: PW }, (_, i) => `  gp[${i}] = 0.0;`), '}'];
  const store = [
    'fn store_partials(at: u32) {',
    ...Array.from({ length: PW }, (_, i) => `  scratch[at + ${f(i)}] = gp[${i}];`),
    '}',
  ];
  return [load, zero, store].map((x) => x.join('\n')).join('\n\n');
}

function trainSamples(plan: NetworkPlan, layout: FusedLayout): string {
  if (!needsColumns(plan)) {
    return `${sampleFn(plan, layout)}

fn train_samples(r: u32, t: u32, start: u32, bs: u32) {
  let fb = f32(bs);
  for (var b = t; b < bs; b += WG) { sample_all(r, b, start, fb); }
}
`;
  }
  return `${layerPasses(plan, layout)}
fn train_samples(r: u32, t: u32, start: u32, bs: u32) {
  forward(r, t, start, bs);
  softmax_loss(r, t, start, bs);
  backward(r, t, start, bs);
}
`;
}

/**
 * forward() and backward() of a network with column phases. Each thread's passes read only the samples
 * it wrote, so the barriers are the column phases' own (each ends with one, after thread 0 has written
 * the statistics that later passes read from workgroup memory).
 */
function layerPasses(plan: NetworkPlan, layout: FusedLayout): string {
  const fns: string[] = [];
  const fwd: string[] = ['fn forward(r: u32, t: u32, start: u32, bs: u32) {'];
  plan.layers.forEach((L, l) => {
    fns.push(forwardFn(plan, layout, l), backwardFn(plan, layout, l));
    fwd.push(`  forward_${l}(r, t, start, bs);`);
    if (isColumn(L)) {
      fns.push(columnForwardFn(plan, layout, l));
      fwd.push(`  column_forward_${l}(r, t, bs);`);
    }
    if (L.batchNorm) fns.push(columnBackwardFn(plan, layout, l));
  });
  fwd.push('}');
  const bwd: string[] = ['fn backward(r: u32, t: u32, start: u32, bs: u32) {'];
  for (let l = plan.layers.length - 1; l >= 0; l--) {
    bwd.push(`  backward_${l}(r, t, start, bs);`);
    if (l > 0 && plan.layers[l - 1].batchNorm) bwd.push(`  column_backward_${l - 1}(r, t, bs);`);
  }
  bwd.push('}');
  return [...fns, fwd.join('\n'), bwd.join('\n'), ''].join('\n\n');
}
