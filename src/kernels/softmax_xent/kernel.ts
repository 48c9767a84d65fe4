/**
 * Wrapper of shaders/softmax_xent*.wgsl: per-sample softmax cross-entropy loss, its gradient with respect
 * to the logits (scaled), and whether the argmax hit the label.
 *
 *   logits f32[R,B,C], labels u32[R,B]  →  loss f32[R,B], dlogits f32[R,B,C], correct f32[R,B]
 *
 * A label ≥ C cannot be seen here (labels live on the GPU): the kernel writes NaN loss and dlogits for
 * that row and correct 0, and never reads out of bounds.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import v1 from '../../../shaders/softmax_xent.wgsl?raw';
import type { Gpu } from '../../gpu/device.ts';
import { ShapeError } from '../../gpu/errors.ts';
import { ceilDiv, type KernelDef, kernelPipeline, type PreparedOp, preparedOp } from '../../gpu/kernel.ts';
import { expectDtype, expectShape, type Tensor } from '../../gpu/tensor.ts';
import { createUniform } from '../../gpu/uniform.ts';
import { readF32, readU32, rwF32 } from '../layout.ts';

const Params = d.struct({ R: d.u32, B: d.u32, C: d.u32, scale: d.f32 });

export const softmaxXentKernel = {
  name: 'softmax_xent',
  versions: { v1 } as Record<string, string>,
  layout: tgpu.bindGroupLayout({
    params: { uniform: Params },
    logits: readF32,
    labels: readU32,
    loss: rwF32,
    dlogits: rwF32,
    correct: rwF32,
  }),
} satisfies KernelDef;

/** Workgroup size per version (the WGSL `override WG`, set from here only). */
export const SOFTMAX_XENT_TUNING: Record<string, { WG: number }> = { v1: { WG: 64 } };

export interface SoftmaxXentArgs {
  /** f32 [R, B, C] */
  logits: Tensor<'f32'>;
  /** u32 [R, B], each in [0, C) (a label ≥ C gives NaN, see above) */
  labels: Tensor<'u32'>;
  /** f32 [R, B]: −log softmax(logits)[label] */
  loss: Tensor<'f32'>;
  /** f32 [R, B, C]: scale·(softmax − onehot(label)) */
  dlogits: Tensor<'f32'>;
  /** f32 [R, B]: 1 if argmax (lowest index on ties) == label else 0 */
  correct: Tensor<'f32'>;
  /** Gradient scale; default 1/B, the gradient of the minibatch's mean loss. */
  scale?: number;
}

export async function prepareSoftmaxXent(
  gpu: Gpu,
  { logits, labels, loss, dlogits, correct, scale }: SoftmaxXentArgs,
  version = 'v1',
): Promise<PreparedOp> {
  const name = softmaxXentKernel.name;
  expectDtype(name, 'logits', logits, 'f32');
  expectDtype(name, 'labels', labels, 'u32');
  expectDtype(name, 'loss', loss, 'f32');
  expectDtype(name, 'dlogits', dlogits, 'f32');
  expectDtype(name, 'correct', correct, 'f32');
  if (logits.shape.length !== 3 || logits.shape[2] < 1) {
    throw new ShapeError(`${name}: logits must be [R, B, C] with C ≥ 1, got [${logits.shape.join(', ')}]`);
  }
  const [R, B, C] = logits.shape;
  expectShape(name, 'labels', labels, [R, B]);
  expectShape(name, 'loss', loss, [R, B]);
  expectShape(name, 'dlogits', dlogits, [R, B, C]);
  expectShape(name, 'correct', correct, [R, B]);
  const s = scale ?? 1 / Math.max(1, B);
  if (!Number.isFinite(s)) throw new RangeError(`${name}: scale must be finite, got ${scale}`);
  const tuning = SOFTMAX_XENT_TUNING[version];
  if (!tuning) throw new ShapeError(`${name}: no version ${version}`);
  const pipeline = await kernelPipeline(gpu, softmaxXentKernel, version, tuning);
  const params = createUniform(gpu, Params, { R, B, C, scale: s }, `${name} params`);
  const bindGroup = gpu.root.unwrap(
    gpu.root.createBindGroup(softmaxXentKernel.layout, {
      params,
      logits: logits.buffer,
      labels: labels.buffer,
      loss: loss.buffer,
      dlogits: dlogits.buffer,
      correct: correct.buffer,
    }),
  );
  return preparedOp(gpu, `${name} ${version}`, pipeline, bindGroup, [ceilDiv(B, tuning.WG), 1, R]);
}
