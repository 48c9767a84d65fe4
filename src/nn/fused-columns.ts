/**
 * The column phases of shaders/fused_train.wgsl, generated per layer: the statistics over a minibatch
 * that batch normalization (forward and backward) and magnitude_aware_sign's scale need. Like the
 * per-sample passes (src/nn/fused-codegen.ts), the units are written out, so every accumulator is a
 * register.
 *
 * Why split by samples, not by units: an earlier version gave each thread whole units and had it walk
 * all the step's samples in order. On SwiftShader the lanes then read words BS apart, and layers of 3 or 5
 * units left lanes idle; the column phases took ~60 % of a BNN-with-BN step. Split by samples, the lanes
 * read neighbouring words and all of them work: the 12-bit BNN with batch norm trains 1.5× faster.
 */
import type { FusedLayout, ParamBlock } from './fused-layout.ts';
import type { NetworkPlan } from './plan.ts';

const f = (n: number) => `${n}u`;

/** A loop over the thread's own samples (b ≡ t mod WG) around `body`. */
const own = (body: string[]) => [
  '  for (var b = t; b < bs; b += WG) {',
  ...body.map((x) => `    ${x}`),
  '  }',
];

/**
 * Layer l's batch statistics (training mode) and the quantizer scale of magnitude_aware_sign, with the
 * samples split over the threads as in the per-sample passes (thread t: b ≡ t mod WG, so the lanes read
 * neighbouring words) and the units written out. Each thread sums its own samples in order, writes its
 * partial sums to the scratch's reduction rows RED1/RED2 [WG, S], and after a barrier every thread adds
 * the WG partials in the order t = 0…WG−1: the same value in every thread, never a float atomic. Pass 1
 * Σ z → μ; pass 2 Σ (z − μ)² → σ²; for magnitude_aware_sign pass 3 Σ |zn| → α. Thread 0 updates the
 * running statistics and leaves μ, 1/σ and α in workgroup memory, and a last barrier makes them visible:
 * the layer's outputs zn = γ·((z − μ)·(1/σ)) + β and act(zn) are not stored but recomputed from z where
 * they are read (src/nn/fused-codegen.ts inputRow), which spares a write and a read of each.
 */
export function columnForwardFn(plan: NetworkPlan, layout: FusedLayout, l: number): string {
  const L = plan.layers[l];
  const lay = layout.layers[l];
  const N = L.width;
  const units = Array.from({ length: N }, (_, n) => n);
  const u = (n: number) => f(lay.unitOffset + n);
  const at = (n: number) => `${f((lay.unitOffset + n) * layout.BS)} + b`;
  const mag = L.activation === 'magnitude_aware_sign';
  /** Writes partials `v{n}` to row `red`, then sums the rows in thread order into `out{n}`. */
  const reduce = (red: string, v: string, out: string) => [
    ...units.map((n) => `  scratch[${red} + t * S + ${u(n)}] = ${v}${n};`),
    '  sync();',
    ...units.map((n) => `  var ${out}${n} = 0.0;`),
    '  for (var i = 0u; i < WG; i++) {',
    ...units.map((n) => `    ${out}${n} += scratch[${red} + i * S + ${u(n)}];`),
    '  }',
  ];
  const lines = [`fn column_forward_${l}(r: u32, t: u32, bs: u32) {`, '  let fb = f32(bs);'];
  /** zn of unit n at sample b: the BN output, or z without batch normalization. */
  let zn = (n: number) => `scratch[zb + ${at(n)}]`;
  if (L.batchNorm && lay.gamma && lay.beta && lay.runningMean && lay.runningVar) {
    const c = (b: { offset: number }, n: number) => `${f(b.offset)} + r * ${f(N)} + ${f(n)}`;
    lines.push(...units.map((n) => `  var s${n} = 0.0;`));
    lines.push(...own(units.map((n) => `s${n} += scratch[zb + ${at(n)}];`)));
    lines.push(...reduce('red1', 's', 'm'));
    lines.push(...units.map((n) => `  let mu${n} = m${n} / fb;`));
    lines.push(...units.map((n) => `  var q${n} = 0.0;`));
    lines.push(
      ...own(
        units.flatMap((n) => [`let d${n} = scratch[zb + ${at(n)}] - mu${n};`, `q${n} += d${n} * d${n};`]),
      ),
    );
    lines.push(...reduce('red2', 'q', 'v'));
    lines.push(...units.map((n) => `  let is${n} = inverseSqrt(v${n} / fb + BN_EPS);`));
    lines.push('  if (t == 0u) {');
    for (const n of units) {
      const rm = c(lay.runningMean, n);
      const rv = c(lay.runningVar, n);
      lines.push(`    params[${rm}] = (1.0 - BN_MOMENTUM) * params[${rm}] + BN_MOMENTUM * mu${n};`);
      lines.push(
        `    params[${rv}] = (1.0 - BN_MOMENTUM) * params[${rv}] + BN_MOMENTUM * ((v${n} / fb) * fb) / f32(bs - 1u);`,
      );
      lines.push(`    w_mean[${u(n)}] = mu${n};`, `    w_invstd[${u(n)}] = is${n};`);
    }
    lines.push('  }');
    if (mag) {
      lines.push(...units.map((n) => `  let g${n} = params[${c(lay.gamma as ParamBlock, n)}];`));
      lines.push(...units.map((n) => `  let bt${n} = params[${c(lay.beta as ParamBlock, n)}];`));
      zn = (n) => `(g${n} * ((scratch[zb + ${at(n)}] - mu${n}) * is${n}) + bt${n})`;
    }
  }
  if (mag) {
    lines.push(...units.map((n) => `  var a${n} = 0.0;`));
    lines.push(...own(units.map((n) => `a${n} += abs(${zn(n)});`)));
    lines.push(...reduce('red1', 'a', 'sa'));
    lines.push(...units.map((n) => `  let al${n} = sa${n} / f32(max(bs, 1u));`));
    lines.push(`  if (t == 0u) {`, ...units.map((n) => `    w_alpha[${u(n)}] = al${n};`), '  }');
  }
  lines.push('  sync();', '}');
  return lines.join('\n');
}

/**
 * Batch norm backward of layer l, as columnForwardFn splits it: Σ dy and Σ dy·x̂ from each thread's own
 * samples, summed in thread order, into w_dbeta / w_dgamma (thread 0), and DZ (dzn on entry) of the
 * thread's own samples becomes the gradient of z.
 */
export function columnBackwardFn(plan: NetworkPlan, layout: FusedLayout, l: number): string {
  const L = plan.layers[l];
  const lay = layout.layers[l];
  const N = L.width;
  const units = Array.from({ length: N }, (_, n) => n);
  const u = (n: number) => f(lay.unitOffset + n);
  const at = (n: number) => `${f((lay.unitOffset + n) * layout.BS)} + b`;
  const gamma = lay.gamma as ParamBlock;
  const lines = [`fn column_backward_${l}(r: u32, t: u32, bs: u32) {`, '  let fb = f32(bs);'];
  lines.push(...units.map((n) => `  let mu${n} = w_mean[${u(n)}];`));
  lines.push(...units.map((n) => `  let is${n} = w_invstd[${u(n)}];`));
  lines.push(...units.map((n) => `  var y${n} = 0.0;`), ...units.map((n) => `  var x${n} = 0.0;`));
  lines.push(
    ...own(
      units.flatMap((n) => [
        `let g${n} = scratch[dzb + ${at(n)}];`,
        `y${n} += g${n};`,
        `x${n} += g${n} * ((scratch[zb + ${at(n)}] - mu${n}) * is${n});`,
      ]),
    ),
  );
  for (const [red, v] of [
    ['red1', 'y'],
    ['red2', 'x'],
  ]) {
    lines.push(...units.map((n) => `  scratch[${red} + t * S + ${u(n)}] = ${v}${n};`));
  }
  lines.push('  sync();');
  for (const [red, out] of [
    ['red1', 'sdy'],
    ['red2', 'sdyx'],
  ]) {
    lines.push(...units.map((n) => `  var ${out}${n} = 0.0;`));
    lines.push('  for (var i = 0u; i < WG; i++) {');
    lines.push(...units.map((n) => `    ${out}${n} += scratch[${red} + i * S + ${u(n)}];`), '  }');
  }
  lines.push(
    '  if (t == 0u) {',
    ...units.flatMap((n) => [`    w_dbeta[${u(n)}] = sdy${n};`, `    w_dgamma[${u(n)}] = sdyx${n};`]),
    '  }',
  );
  lines.push(
    ...units.map((n) => `  let kk${n} = params[${f(gamma.offset)} + r * ${f(N)} + ${f(n)}] * is${n} / fb;`),
  );
  lines.push(
    ...own(
      units.map(
        (n) =>
          `scratch[dzb + ${at(n)}] = kk${n} * (fb * scratch[dzb + ${at(n)}] - sdy${n} - ((scratch[zb + ${at(n)}] - mu${n}) * is${n}) * sdyx${n});`,
      ),
    ),
  );
  lines.push('}');
  return lines.join('\n');
}
