/**
 * The layered trainer's op builders, one function per stage of a step (llm.c's layer functions): each
 * prepares the kernels of every layer for one set of activations and returns them in encoding order.
 *
 * Layer l (fan-in K, width N), per replica, row-major:
 *   z  = input · Wqᵀ (+ b)          float GEMM, or XNOR-popcount GEMM of packed signs when input and W are ±1
 *   zn = BN(z)                       when the layer has batch normalization (else zn is z)
 *   a  = act(zn)                     activation or quantizer (the output layer's z are the logits)
 * backward, from dz of layer l:
 *   dW = dzᵀ · input,  db = Σ_b dz,  da(l−1) = dz · Wq,  dzn(l−1) = act'(zn)·da,  dz(l−1) = BN'(dzn)
 * Binary weights: the forward uses Wq = sign(W); the gradient with respect to Wq is applied to the latent
 * W (straight-through; |W| ≤ 1 holds after clipping, so Larq's window passes it), then W is clipped.
 */
import { kbitActivation, kbitWeights, type RunConfig } from '../config/run-config.ts';
import type { Gpu } from '../gpu/device.ts';
import type { PreparedOp } from '../gpu/kernel.ts';
import { prepareActivationBackward, prepareActivationForward } from '../kernels/activation/kernel.ts';
import type { ActivationName } from '../kernels/activation/ref.ts';
import { prepareAdamUpdate } from '../kernels/adam_update/kernel.ts';
import { prepareBatchnormBackward, prepareBatchnormForward } from '../kernels/batchnorm/kernel.ts';
import { prepareBopUpdate } from '../kernels/bop_update/kernel.ts';
import { LARQ_BOP } from '../kernels/bop_update/ref.ts';
import { prepareFlipCount } from '../kernels/flip_count/kernel.ts';
import { prepareGemm } from '../kernels/gemm/kernel.ts';
import {
  prepareMagnitudeSignBackward,
  prepareMagnitudeSignForward,
} from '../kernels/magnitude_sign/kernel.ts';
import { preparePackSigns } from '../kernels/pack_signs/kernel.ts';
import { prepareQuantizeTernary, prepareQuantizeUniform } from '../kernels/quantize/kernel.ts';
import { prepareReduceRows } from '../kernels/reduce_rows/kernel.ts';
import { prepareSgdUpdate } from '../kernels/sgd_update/kernel.ts';
import { prepareSoftmaxXent } from '../kernels/softmax_xent/kernel.ts';
import { prepareXnorGemm } from '../kernels/xnor_gemm/kernel.ts';
import type { Acts, F32, LayerState, TensorPool } from './layer-buffers.ts';

/** An optimizer update; Adam's carries the params buffer its per-step α_t is copied into. */
export type UpdateOp = PreparedOp & { params?: GPUBuffer };

/** The default GEMM version for an [M, N] output: tiled v2 once both sides fill a tile. */
export const gemmVersion = (M: number, N: number): string => (Math.min(M, N) >= 32 ? 'v2' : 'v1');

/** sign(W) and the packed signs of the binary layers, q(W) of the others: encoded before every forward. */
export async function weightOps(gpu: Gpu, layers: readonly LayerState[]): Promise<PreparedOp[]> {
  const ops: PreparedOp[] = [];
  for (const s of layers) {
    const bits = kbitWeights(s.plan.weights);
    if (s.wq && bits) ops.push(await prepareQuantizeUniform(gpu, { x: s.w, y: s.wq, bits }));
    if (s.wq && s.plan.weights === 'ternary')
      ops.push(await prepareQuantizeTernary(gpu, { w: s.w, y: s.wq }));
    if (!s.wq || !s.wPacked) continue;
    ops.push(await prepareActivationForward(gpu, { x: s.w, y: s.wq, kind: 'ste_sign' }));
    ops.push(await preparePackSigns(gpu, { x: s.w, out: s.wPacked }));
  }
  return ops;
}

/** The forward pass of every layer over `acts` (training: batch statistics; else the running ones). */
export async function forwardOps(
  gpu: Gpu,
  layers: readonly LayerState[],
  acts: Acts,
  training: boolean,
): Promise<PreparedOp[]> {
  const ops: PreparedOp[] = [];
  for (const [i, s] of layers.entries()) {
    const l = s.plan;
    const a = acts.layers[i];
    if (l.xnor && a.inPacked && s.wPacked) {
      ops.push(await preparePackSigns(gpu, { x: a.input, out: a.inPacked }));
      ops.push(
        await prepareXnorGemm(
          gpu,
          { a: a.inPacked, b: s.wPacked, out: a.z, K: l.fanIn },
          gemmVersion(acts.rows, l.width),
        ),
      );
    } else {
      ops.push(
        await prepareGemm(
          gpu,
          { a: a.input, b: s.wq ?? s.w, out: a.z, bias: s.bias, transB: true },
          gemmVersion(acts.rows, l.width),
        ),
      );
    }
    if (l.batchNorm) {
      ops.push(
        await prepareBatchnormForward(gpu, {
          x: a.z,
          gamma: s.gamma!,
          beta: s.beta!,
          runningMean: s.runningMean!,
          runningVar: s.runningVar!,
          y: a.zn,
          mean: a.mean!,
          invstd: a.invstd!,
          training,
        }),
      );
    }
    const bits = l.activation ? kbitActivation(l.activation) : undefined;
    if (l.activation === 'magnitude_aware_sign') {
      ops.push(await prepareMagnitudeSignForward(gpu, { x: a.zn, y: a.out, alpha: a.alpha! }));
    } else if (bits) {
      ops.push(await prepareQuantizeUniform(gpu, { x: a.zn, y: a.out, bits }));
    } else if (l.activation) {
      ops.push(
        await prepareActivationForward(gpu, { x: a.zn, y: a.out, kind: l.activation as ActivationName }),
      );
    }
  }
  return ops;
}

/** Softmax cross-entropy of the logits: per-row loss and hit, and dlogits of the mean loss. */
export async function lossOps(gpu: Gpu, acts: Acts): Promise<PreparedOp[]> {
  const logits = acts.layers[acts.layers.length - 1].z;
  return [
    await prepareSoftmaxXent(gpu, {
      logits,
      labels: acts.labels,
      loss: acts.loss,
      dlogits: acts.dlogits,
      correct: acts.correct,
      scale: 1 / acts.rows,
    }),
  ];
}

/** The backward pass, output layer first: every parameter's gradient of the mean minibatch loss. */
export async function backwardOps(
  gpu: Gpu,
  layers: readonly LayerState[],
  acts: Acts,
): Promise<PreparedOp[]> {
  const ops: PreparedOp[] = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    const s = layers[i];
    const a = acts.layers[i];
    const dz = a.dz!;
    ops.push(
      await prepareGemm(
        gpu,
        { a: dz, b: a.input, out: s.dw, transA: true },
        gemmVersion(s.plan.width, s.plan.fanIn),
      ),
    );
    if (s.db) ops.push(await prepareReduceRows(gpu, { x: dz, out: s.db }));
    if (i === 0) break;
    const p = layers[i - 1];
    const pa = acts.layers[i - 1];
    ops.push(
      await prepareGemm(gpu, { a: dz, b: s.wq ?? s.w, out: pa.da! }, gemmVersion(acts.rows, s.plan.fanIn)),
    );
    if (p.plan.activation === 'magnitude_aware_sign') {
      ops.push(
        await prepareMagnitudeSignBackward(gpu, { x: pa.zn, alpha: pa.alpha!, dy: pa.da!, dx: pa.dzn! }),
      );
    } else {
      ops.push(
        await prepareActivationBackward(gpu, {
          x: pa.zn,
          dy: pa.da!,
          dx: pa.dzn!,
          // k-bit activations pass ste_sign's gradient (1 where |x| ≤ 1): the quantizer's clip window.
          kind: kbitActivation(p.plan.activation!) ? 'ste_sign' : (p.plan.activation as ActivationName),
        }),
      );
    }
    if (p.plan.batchNorm) {
      ops.push(
        await prepareBatchnormBackward(gpu, {
          dy: pa.dzn!,
          x: pa.z,
          gamma: p.gamma!,
          mean: pa.mean!,
          invstd: pa.invstd!,
          dx: pa.dz!,
          dgamma: p.dgamma!,
          dbeta: p.dbeta!,
        }),
      );
    }
  }
  return ops;
}

/**
 * The optimizer's update of every parameter (binary, ternary and k-bit latent weights clipped to ±clip).
 * Adam's moments are made in `pool`; its α_t is baked in for t = 1 and replaced per step by a copy into
 * each op's `params`. Bop updates the binary weights (its moving average made in `pool`, no clipping: it
 * only flips signs) and Adam the rest; its op carries no `params`, so no α_t is copied into it.
 */
export async function updateOps(
  gpu: Gpu,
  pool: TensorPool,
  layers: readonly LayerState[],
  optimizer: RunConfig['optimizer'],
): Promise<UpdateOp[]> {
  const o = optimizer;
  const ops: UpdateOp[] = [];
  for (const s of layers) {
    const clipped = s.plan.binaryWeights || s.plan.quantizedWeights;
    const pairs: [F32, F32, number | undefined][] = [];
    if (o.name === 'bop' && s.plan.binaryWeights) {
      const m = pool.f32([...s.w.shape], `${s.w.label} Bop m`);
      const tau = o.tau ?? LARQ_BOP.tau;
      const gamma = o.gamma ?? LARQ_BOP.gamma;
      const bop = await prepareBopUpdate(gpu, { w: s.w, m, g: s.dw, tau, gamma });
      ops.push({ name: bop.name, encode: bop.encode });
    } else {
      pairs.push([s.w, s.dw, clipped ? o.clip : undefined]);
    }
    if (s.bias && s.db) pairs.push([s.bias, s.db, undefined]);
    if (s.gamma && s.dgamma) pairs.push([s.gamma, s.dgamma, undefined]);
    if (s.beta && s.dbeta) pairs.push([s.beta, s.dbeta, undefined]);
    for (const [w, g, clip] of pairs) {
      if (o.name === 'sgd') {
        ops.push(await prepareSgdUpdate(gpu, { w, g, lr: o.lr, clip }));
      } else {
        const m = pool.f32([...w.shape], `${w.label} Adam m`);
        const v = pool.f32([...w.shape], `${w.label} Adam v`);
        ops.push(
          await prepareAdamUpdate(gpu, {
            w,
            g,
            m,
            v,
            lr: o.lr,
            t: 1,
            beta1: o.beta1,
            beta2: o.beta2,
            eps: o.eps,
            clip,
          }),
        );
      }
    }
  }
  return ops;
}

/** The flip ratio of every binary layer, from the packed signs (fresh after the weight ops). */
export async function flipOps(gpu: Gpu, layers: readonly LayerState[]): Promise<PreparedOp[]> {
  const ops: PreparedOp[] = [];
  for (const s of layers) {
    if (!s.wPacked || !s.wPrev || !s.flip) continue;
    ops.push(
      await prepareFlipCount(gpu, {
        cur: s.wPacked,
        prev: s.wPrev,
        ratio: s.flip,
        total: s.plan.width * s.plan.fanIn,
      }),
    );
  }
  return ops;
}
