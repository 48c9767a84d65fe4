/** Check of softmax_xent against src/kernels/softmax_xent/ref.ts (float64). */

import type { Gpu } from '../../gpu/device.ts';
import { runOps } from '../../gpu/run.ts';
import { createTensor, destroyTensors, readTensor } from '../../gpu/tensor.ts';
import type { Rng } from '../../util/rng.ts';
import { compareArrays } from '../compare.ts';
import { caseOf, type KernelCheck, type KernelSpec } from '../types.ts';
import { prepareSoftmaxXent, softmaxXentKernel } from './kernel.ts';
import { softmaxXentRef } from './ref.ts';

/** f32 unit roundoff, 2^-24 (half an ULP of 1). */
const U = 2 ** -24;

/** Labels that are out of range: C, C + 1 and the largest u32 (every 4th row of a `bad` case). */
const badLabels = (C: number) => [C, C + 1, 0xffffffff];

export const softmaxXentCheck: KernelCheck = {
  kernel: 'softmax_xent',
  versions: Object.keys(softmaxXentKernel.versions),
  exact: false,
  // dims: amp = logits uniform in [−amp, amp) (default 4); ties = small integer logits, so argmax ties
  // are common (lowest index wins); bad = every 4th label out of range (NaN loss and dlogits, correct 0).
  cases: [
    caseOf({ R: 1, B: 1, C: 1 }, true),
    caseOf({ R: 2, B: 5, C: 2 }, true),
    caseOf({ R: 3, B: 65, C: 10 }, true),
    caseOf({ R: 2, B: 100, C: 37 }),
    // ±100: exp(100) ≈ 2.7e43 overflows f32 (max 3.4e38; exp(80) ≈ 5.5e34 would not), so a kernel
    // that skipped the max subtraction would give Inf/NaN here.
    caseOf({ R: 2, B: 70, C: 10, amp: 100 }, true),
    caseOf({ R: 2, B: 67, C: 37, amp: 100 }),
    caseOf({ R: 2, B: 64, C: 10, ties: 1 }, true),
    caseOf({ R: 3, B: 33, C: 10, bad: 1 }, true),
    caseOf({ R: 1, B: 1000, C: 10 }),
  ],
  async run(gpu: Gpu, version: string, { dims }, rng: Rng) {
    const { R, B, C } = dims;
    const amp = dims.amp ?? 4;
    const xs = dims.ties
      ? Float32Array.from({ length: R * B * C }, () => rng.int(-1, 1))
      : rng.floats(R * B * C, -amp, amp);
    const ys = Uint32Array.from({ length: R * B }, (_, i) =>
      dims.bad && i % 4 === 1 ? badLabels(C)[(i >> 2) % 3] : rng.int(0, C - 1),
    );
    const scale = 1 / B;
    const logits = createTensor(gpu, 'f32', [R, B, C], 'logits', xs);
    const labels = createTensor(gpu, 'u32', [R, B], 'labels', ys);
    const loss = createTensor(gpu, 'f32', [R, B], 'loss');
    const dlogits = createTensor(gpu, 'f32', [R, B, C], 'dlogits');
    const correct = createTensor(gpu, 'f32', [R, B], 'correct');
    await runOps(gpu, 'softmax_xent check', [
      await prepareSoftmaxXent(gpu, { logits, labels, loss, dlogits, correct, scale }, version),
    ]);
    const got = {
      loss: await readTensor(gpu, loss),
      dlogits: await readTensor(gpu, dlogits),
      correct: await readTensor(gpu, correct),
    };
    destroyTensors(logits, labels, loss, dlogits, correct);
    const ref = softmaxXentRef(xs, ys, R, B, C, scale);
    // Tolerances from WGSL's accuracy rules (u = 2^-24; exp: 3 + 2|x| ULP; log: 2^-21 absolute on
    // [0.5, 2], 3 ULP elsewhere; division 2.5 ULP). With x_c = z_c − max ≤ 0, term c of
    // s = Σ exp(x_c) is off by ≤ e^{x_c}(3 + 2|x_c|)·2u, and Σ_c e^{x_c}|x_c| ≤ C/e, so with the C
    // additions s has relative error ≤ (6 + 2.5C)u (s ≥ 1); log(s) then ≤ (6 + 2.5C)u + 8u absolute.
    // loss = log(s) + (max − z_y): two more roundings, ≤ 2u relative to |loss| (at ±100 logits, up to 200).
    // p_c = e^{x_c}/s: ≤ p_c(6 + 4|x_c|)u + p_c(6 + 2.5C)u ≤ (14 + 2.5C)u absolute (p_c|x_c| ≤ 1/e),
    // then − onehot and × scale: ≤ 2u relative. Bounds doubled for headroom. Measured on SwiftShader:
    // errors 5–50× below; a kernel without the max shift fails the ±100 cases, `>=` in the argmax the
    // ties case, an off-by-one class loop every case.
    return [
      compareArrays('loss', got.loss, ref.loss, { atol: 2 * (14 + 2.5 * C) * U, rtol: 4 * U }),
      compareArrays('dlogits', got.dlogits, ref.dlogits, {
        atol: 2 * (14 + 2.5 * C) * U * scale,
        rtol: 4 * U,
      }),
      compareArrays('correct', got.correct, ref.correct),
    ];
  },
};

/** The softmax_xent family: its wrappers, checks and benchmark rows. */
export const softmaxXentSpec: KernelSpec = {
  family: 'softmax_xent',
  kernels: [softmaxXentKernel],
  checks: [softmaxXentCheck],
  bench: [],
};
