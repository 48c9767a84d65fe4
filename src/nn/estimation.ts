/**
 * The information plane hooked into evaluation (nn/evaluation.ts): each hidden layer's codes over the
 * estimation set are computed right after each chunk's forward pass (the one the metrics use), counted on
 * the GPU (nn/estimator.ts), and read back as a few (k, m_k) pairs per layer and replica with the
 * evaluation's record. Binary-output layers use their exact sign patterns (ste_heaviside's {0, 1} at
 * threshold 0.5); float layers the settings' bins. With `kde`, the KDE upper bound of every float hidden
 * layer over the first `kdeMax` samples, in a submit of its own after the evaluation.
 *
 * Works for any trainer whose evaluation chunks give every layer's output (`EvalChunk.outputs`); the
 * hidden layers are the plan's layers with an activation, which come first.
 */
import type { Gpu } from '../gpu/device.ts';
import { submit } from '../gpu/submit.ts';
import type { KdeEstimate } from '../info/kde.ts';
import { type EstimatorSettings, type LayerCoding, layerCoding } from '../info/settings.ts';
import { createLayerEstimator, type LayerEstimator } from './estimator.ts';
import type { EvalChunk, Evaluation, EvaluationHook } from './evaluation.ts';
import { kbitLayerCoding } from './kbit-codes.ts';
import { createKdeEstimator, type KdeEstimator } from './kde-estimator.ts';
import type { F32, TensorPool } from './layer-buffers.ts';
import type { LayerPlan } from './plan.ts';

/** The KDE bound costs O(n²·W): it runs over at most this many samples of the estimation set. */
export const KDE_MAX_SAMPLES = 4096;

export interface EstimationOptions {
  kde?: boolean;
  kdeVariance?: number;
  kdeMax?: number;
}

interface KdeState {
  /** Samples the bound is computed over: the first n of the estimation set. */
  n: number;
  /** Per hidden layer: its activations over those samples, f32 [R, n, W], and the estimator; null for binary layers. */
  layers: ({ acts: F32; estimator: KdeEstimator } | null)[];
}

/**
 * How a hidden layer's activations become codes: exact sign patterns for quantizers, exact level indices
 * for k-bit layers (./kbit-codes.ts), else the bins.
 */
export function codingOf(settings: EstimatorSettings, l: LayerPlan): LayerCoding {
  const kbit = kbitLayerCoding(l.activation);
  if (kbit) return kbit;
  if (!l.binaryOutput) return layerCoding(settings, false);
  return l.activation === 'ste_heaviside' ? { mode: 'sign', threshold: 0.5 } : { mode: 'sign' };
}

export class Estimation implements EvaluationHook {
  private constructor(
    private readonly gpu: Gpu,
    private readonly pool: TensorPool,
    private readonly evaluation: Evaluation,
    private readonly estimator: LayerEstimator,
    /** The chunks of the estimation set, in its order. */
    private readonly chunks: EvalChunk[],
    private readonly kde?: KdeState,
  ) {}

  /** Prepares the estimate over `set` and attaches it to `evaluation` (once). */
  static async attach(
    gpu: Gpu,
    pool: TensorPool,
    evaluation: Evaluation,
    settings: EstimatorSettings,
    set: 'full' | 'train' | 'test',
    options: EstimationOptions = {},
  ): Promise<Estimation> {
    if (evaluation.hook) throw new Error('estimation is already enabled');
    const { R, plan } = evaluation.source;
    const chunks = evaluation.chunksOf(set);
    const labels = evaluation.labels(set);
    const hidden = plan.layers.filter((l) => l.activation !== null);
    const estimator = pool.own(
      await createLayerEstimator(gpu, {
        R,
        n: labels.length,
        classes: plan.classes,
        labels,
        layers: hidden.map((l) => ({ width: l.width, coding: codingOf(settings, l) })),
        millerMadow: settings.millerMadow,
      }),
    );
    let rowOffset = 0;
    for (const c of chunks) {
      for (const [i] of hidden.entries()) {
        const ops = await estimator.prepareChunk(i, c.outputs[i], rowOffset);
        c.codes.push(ops.codes);
        if (ops.minmax) c.minmax.push(ops.minmax);
      }
      rowOffset += c.rows;
    }
    let kde: KdeState | undefined;
    if (options.kde) {
      const n = Math.min(labels.length, options.kdeMax ?? KDE_MAX_SAMPLES);
      const layers: KdeState['layers'] = [];
      for (const l of hidden) {
        if (l.binaryOutput) {
          layers.push(null);
          continue;
        }
        const acts = pool.f32([R, n, l.width], `${l.name} activations for KDE`);
        const estimator = pool.own(
          await createKdeEstimator(gpu, {
            acts,
            labels: labels.subarray(0, n),
            classes: plan.classes,
            sigma2: options.kdeVariance ?? 1e-3,
          }),
        );
        layers.push({ acts, estimator });
      }
      kde = { n, layers };
    }
    const estimation = new Estimation(gpu, pool, evaluation, estimator, chunks, kde);
    evaluation.hook = estimation;
    return estimation;
  }

  encodeBefore(pass: GPUComputePassEncoder): void {
    // Adaptive bins need every layer's min and max over the whole estimation set before any code.
    if (!this.estimator.needsMinMax) return;
    for (const c of this.chunks) for (const op of [...c.forward, ...c.minmax]) op.encode(pass);
  }

  encodeAfter(pass: GPUComputePassEncoder): void {
    for (const op of this.estimator.countOps) op.encode(pass);
  }

  encodeReadback(enc: GPUCommandEncoder): void {
    this.estimator.encodeReadback(enc);
  }

  readEncoded() {
    return this.estimator.readEncoded();
  }

  async readAfter(): Promise<(KdeEstimate[] | null)[] | undefined> {
    return this.kde ? this.estimateKde(this.kde) : undefined;
  }

  /** The KDE bound of every float hidden layer over the first n samples of the estimation set. */
  private async estimateKde(kde: KdeState): Promise<(KdeEstimate[] | null)[]> {
    const { R, plan, prelude } = this.evaluation.source;
    const raw = (t: F32) => this.pool.raw(t);
    await submit(this.gpu, 'KDE estimate', (enc) => {
      let offset = 0;
      for (const c of this.chunks) {
        if (offset >= kde.n) break;
        const pass = enc.beginComputePass({ label: 'KDE forward' });
        for (const op of prelude) op.encode(pass);
        for (const op of c.forward) op.encode(pass);
        pass.end();
        const rows = Math.min(c.rows, kde.n - offset);
        kde.layers.forEach((k, i) => {
          if (!k) return;
          const W = plan.layers[i].width;
          for (let r = 0; r < R; r++) {
            enc.copyBufferToBuffer(
              raw(c.outputs[i]),
              r * c.rows * W * 4,
              raw(k.acts),
              (r * kde.n + offset) * W * 4,
              rows * W * 4,
            );
          }
        });
        offset += rows;
      }
      const pass = enc.beginComputePass({ label: 'KDE pairwise sums' });
      for (const k of kde.layers) if (k) for (const op of k.estimator.ops) op.encode(pass);
      pass.end();
    });
    const out: (KdeEstimate[] | null)[] = [];
    for (const k of kde.layers) out.push(k ? await k.estimator.read() : null);
    return out;
  }
}
