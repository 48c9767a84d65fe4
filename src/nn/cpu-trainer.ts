/**
 * The CPU reference trainer: the same network, the same steps, in float64 plain loops over the kernel
 * references of src/kernels/<family>/ref.ts. The GPU trainer is checked against it (binary forward passes identical, losses
 * within a tolerance), and its gradients against finite differences.
 */

import { kbitActivation, kbitWeights, type LayerActivation, type RunConfig } from '../config/run-config.ts';
import {
  type ActivationName,
  activationBackwardRef,
  activationForwardRef,
} from '../kernels/activation/ref.ts';
import { adamUpdateRef } from '../kernels/adam_update/ref.ts';
import { batchnormBackwardRef, batchnormForwardRef } from '../kernels/batchnorm/ref.ts';
import { bopUpdateRef, LARQ_BOP } from '../kernels/bop_update/ref.ts';
import { gemmRef } from '../kernels/gemm/ref.ts';
import { magnitudeSignBackwardRef, magnitudeSignForwardRef } from '../kernels/magnitude_sign/ref.ts';
import { sign } from '../kernels/pack_signs/ref.ts';
import { quantizeTernaryRef, quantizeUniformRef, TERNARY_WG } from '../kernels/quantize/ref.ts';
import { reduceRowsRef } from '../kernels/reduce_rows/ref.ts';
import { sgdUpdateRef } from '../kernels/sgd_update/ref.ts';
import { softmaxXentRef } from '../kernels/softmax_xent/ref.ts';

import type { LayerParams } from './init.ts';
import type { LayerPlan, NetworkPlan } from './plan.ts';

type F64 = Float64Array;

interface CpuLayer {
  plan: LayerPlan;
  w: F64;
  b?: F64;
  gamma?: F64;
  beta?: F64;
  runningMean?: F64;
  runningVar?: F64;
}

/** What one layer's forward pass kept for the backward pass. */
interface LayerTrace {
  input: F64; // [R,B,K]
  wq: F64; // the weights used: sign(W) or W
  z: F64; // pre-normalization [R,B,N]
  zn: F64; // pre-activation [R,B,N]
  mean?: F64;
  invstd?: F64;
  alpha?: F64;
  out: F64; // activation output (logits for the output layer)
}

export interface ForwardResult {
  traces: LayerTrace[];
  logits: F64;
}

export interface Gradients {
  /** Per layer: gradients of the mean minibatch loss, same layout as the parameters. */
  layers: { w: F64; b?: F64; gamma?: F64; beta?: F64 }[];
}

function activate(
  name: LayerActivation,
  zn: F64,
  R: number,
  B: number,
  N: number,
): { out: F64; alpha?: F64 } {
  if (name === 'magnitude_aware_sign') {
    const { y, alpha } = magnitudeSignForwardRef(zn, R, B, N);
    return { out: y, alpha };
  }
  const bits = kbitActivation(name);
  if (bits) return { out: quantizeUniformRef(zn, bits).y };
  return { out: activationForwardRef(name as ActivationName, zn) };
}

/** The weights the forward uses: sign(W), q_k(W), ternary(W) per replica, or W. */
function weightsUsed(L: CpuLayer, R: number): F64 {
  const bits = kbitWeights(L.plan.weights);
  if (L.plan.binaryWeights) return L.w.map(sign);
  if (bits) return quantizeUniformRef(L.w, bits).y;
  if (L.plan.weights === 'ternary') {
    return quantizeTernaryRef(L.w, R, L.w.length / R, TERNARY_WG).y;
  }
  return L.w;
}

export class CpuTrainer {
  readonly layers: CpuLayer[];
  private adam: { m: F64; v: F64 }[][] = [];
  private t = 0;

  constructor(
    readonly plan: NetworkPlan,
    readonly replicas: number,
    params: LayerParams[],
    readonly optimizer: RunConfig['optimizer'],
  ) {
    const f64 = (x?: Float32Array) => (x ? Float64Array.from(x) : undefined);
    this.layers = plan.layers.map((l, i) => ({
      plan: l,
      w: Float64Array.from(params[i].weights),
      b: f64(params[i].bias),
      gamma: f64(params[i].gamma),
      beta: f64(params[i].beta),
      runningMean: f64(params[i].runningMean),
      runningVar: f64(params[i].runningVar),
    }));
  }

  /** Forward pass over x [R, B, D] (or [1, B, D] shared by every replica when `shared`). */
  forward(x: ArrayLike<number>, B: number, training: boolean, shared = false): ForwardResult {
    const R = this.replicas;
    let input: F64 = shared ? tile(x, R) : Float64Array.from(x);
    const traces: LayerTrace[] = [];
    for (const L of this.layers) {
      const { fanIn: K, width: N } = L.plan;
      const wq = weightsUsed(L, R);
      const z = gemmRef(input, wq, { R, M: B, N, K, transB: true }, L.b);
      let zn = z;
      let mean: F64 | undefined;
      let invstd: F64 | undefined;
      if (L.plan.batchNorm) {
        const bn = batchnormForwardRef(z, L.gamma!, L.beta!, L.runningMean!, L.runningVar!, R, B, N, {
          training,
        });
        ({ y: zn, mean, invstd } = bn);
        if (training) {
          L.runningMean = bn.runningMean;
          L.runningVar = bn.runningVar;
        }
      }
      const act = L.plan.activation ? activate(L.plan.activation, zn, R, B, N) : { out: zn };
      traces.push({ input, wq, z, zn, mean, invstd, alpha: act.alpha, out: act.out });
      input = act.out;
    }
    return { traces, logits: input };
  }

  /** Mean loss per replica, and the gradients, for one minibatch (training-mode forward). */
  gradients(x: ArrayLike<number>, labels: ArrayLike<number>, B: number): { loss: F64; grads: Gradients } {
    const R = this.replicas;
    const C = this.plan.classes;
    const fwd = this.forward(x, B, true);
    const xent = softmaxXentRef(fwd.logits, labels, R, B, C, 1 / B);
    const loss = reduceRowsRef(xent.loss, R, B, 1, 1 / B);
    const grads: Gradients['layers'] = [];
    let dz: F64 = xent.dlogits;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const L = this.layers[i];
      const tr = fwd.traces[i];
      const { fanIn: K, width: N } = L.plan;
      const g: Gradients['layers'][number] = {
        // dW[r] = dz[r]ᵀ · input[r]: [N, B]·[B, K]. For binary weights this is the gradient with respect to
        // sign(W), applied to the latent W (STE; |W| ≤ 1 holds after clipping, so the window passes it).
        w: gemmRef(dz, tr.input, { R, M: N, N: K, K: B, transA: true }),
      };
      if (L.b) g.b = reduceRowsRef(dz, R, B, N);
      grads[i] = { ...grads[i], ...g }; // keeps the γ/β gradients written when passing its batch norm
      if (i === 0) break;
      const da = gemmRef(dz, tr.wq, { R, M: B, N: K, K: N }); // [B, N]·[N, K]
      const prev = this.layers[i - 1];
      const ptr = fwd.traces[i - 1];
      const pN = prev.plan.width;
      const act = prev.plan.activation!;
      let dzn =
        act === 'magnitude_aware_sign'
          ? magnitudeSignBackwardRef(ptr.zn, ptr.alpha!, da, R, B, pN)
          : activationBackwardRef(kbitActivation(act) ? 'ste_sign' : (act as ActivationName), ptr.zn, da);
      if (prev.plan.batchNorm) {
        const bn = batchnormBackwardRef(dzn, ptr.z, prev.gamma!, ptr.mean!, ptr.invstd!, R, B, pN);
        grads[i - 1] = { w: new Float64Array(0), gamma: bn.dgamma, beta: bn.dbeta };
        dzn = bn.dx;
      }
      dz = dzn;
    }
    return { loss, grads: { layers: grads } };
  }

  /** One optimizer step on a minibatch; returns the mean loss per replica before the step. */
  step(x: ArrayLike<number>, labels: ArrayLike<number>, B: number): F64 {
    const { loss, grads } = this.gradients(x, labels, B);
    this.apply(grads);
    return loss;
  }

  private apply(grads: Gradients): void {
    this.t++;
    const o = this.optimizer;
    this.layers.forEach((L, i) => {
      const g = grads.layers[i];
      const tensors: [F64, F64, number | undefined][] = [
        [L.w, g.w, L.plan.binaryWeights || L.plan.quantizedWeights ? o.clip : undefined],
      ];
      const bop = o.name === 'bop' && L.plan.binaryWeights;
      if (L.b && g.b) tensors.push([L.b, g.b, undefined]);
      if (L.gamma && g.gamma) tensors.push([L.gamma, g.gamma, undefined]);
      if (L.beta && g.beta) tensors.push([L.beta, g.beta, undefined]);
      this.adam[i] ??= tensors.map(([w]) => ({
        m: new Float64Array(w.length),
        v: new Float64Array(w.length),
      }));
      tensors.forEach(([w, grad, clip], j) => {
        // Bop's moving average lives in the Adam slot's m (its v unused): Bop for binary W, Adam for the rest.
        if (bop && j === 0)
          bopUpdateRef(
            w,
            this.adam[i][j].m,
            grad,
            o.gamma ?? LARQ_BOP.gamma,
            o.tau ?? LARQ_BOP.tau,
            Math.fround(1 - (o.gamma ?? LARQ_BOP.gamma)),
          );
        else if (o.name === 'sgd') sgdUpdateRef(w, grad, o.lr, clip);
        else adamUpdateRef(w, this.adam[i][j].m, this.adam[i][j].v, grad, { ...o, t: this.t, clip });
      });
    });
  }

  /** Mean loss and accuracy per replica over a whole set (evaluation mode: running statistics). */
  evaluate(x: ArrayLike<number>, labels: ArrayLike<number>, n: number): { loss: F64; acc: F64 } {
    const R = this.replicas;
    const fwd = this.forward(x, n, false, true);
    const xent = softmaxXentRef(fwd.logits, tile(labels, R), R, n, this.plan.classes, 1 / n);
    return {
      loss: reduceRowsRef(xent.loss, R, n, 1, 1 / n),
      acc: reduceRowsRef(xent.correct, R, n, 1, 1 / n),
    };
  }
}

/** [len] → [R, len]: the same rows for every replica. */
export function tile(x: ArrayLike<number>, R: number): F64 {
  const out = new Float64Array(R * x.length);
  for (let r = 0; r < R; r++) for (let i = 0; i < x.length; i++) out[r * x.length + i] = x[i];
  return out;
}
