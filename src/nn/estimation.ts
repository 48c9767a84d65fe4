/**
 * The information plane hooked into evaluation (nn/evaluation.ts): each hidden layer's codes over the
 * estimation set are computed right after each chunk's forward pass (the one the metrics use), counted on
 * the GPU (nn/estimator.ts), and read back as a few (k, m_k) pairs per layer and replica with the
 * evaluation's record. Binary-output layers use their exact sign patterns (ste_heaviside's {0, 1} at
 * threshold 0.5); float layers the settings' bins. With `kde`, the KDE upper bound of every float hidden
 * layer over the first `kdeMax` samples, in a submit of its own after the evaluation.
 *
 * The settings' `estimators` (src/info/settings.ts) add named estimators beside the primary one, over the
 * float hidden layers only (a binary layer's exact codes are the same under every estimator): a binned one
 * is one more layer estimator whose codes are written in the same chunks and counted in the same submit;
 * a KDE one is one more KDE estimator over the same captured activations. `readExtras` returns them per
 * hidden layer, null for binary layers.
 *
 * Works for any trainer whose evaluation chunks give every layer's output (`EvalChunk.outputs`); the
 * hidden layers are the plan's layers with an activation, which come first.
 */
import type { Gpu } from '../gpu/device.ts';
import { submit } from '../gpu/submit.ts';
import type { InfoEstimate } from '../info/entropy.ts';
import type { KdeEstimate } from '../info/kde.ts';
import { type EstimatorSettings, extraEstimator, type LayerCoding, layerCoding } from '../info/settings.ts';
import { createLayerEstimator, type LayerEstimator } from './estimator.ts';
import { type EvalChunk, type Evaluation, type EvaluationHook, outputsForward } from './evaluation.ts';
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
  /** The bounds computed: the primary one (name null) and the extra ones, in this order. */
  slots: (string | null)[];
  /** Per hidden layer: its activations over those samples, f32 [R, n, W], and one estimator per slot; null for binary layers. */
  layers: ({ acts: F32; estimators: KdeEstimator[] } | null)[];
}

/** An extra binned estimator: its layer estimator over the float hidden layers (their indices). */
interface ExtraBins {
  name: string;
  estimator: LayerEstimator;
  layers: number[];
}

/** One estimator's I(X;T) and I(T;Y) per hidden layer and replica; null for binary layers. */
export type ExtraEstimates = Record<string, ({ ixt: number; ity: number }[] | null)[]>;

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
  private pendingExtras?: Promise<InfoEstimate[][][]>;

  private constructor(
    private readonly gpu: Gpu,
    private readonly pool: TensorPool,
    private readonly evaluation: Evaluation,
    private readonly estimator: LayerEstimator,
    /** The chunks of the estimation set, in its order. */
    private readonly chunks: EvalChunk[],
    private readonly extraBins: ExtraBins[],
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
    const floatLayers = hidden.flatMap((l, i) => (l.binaryOutput ? [] : [i]));
    const extras = (settings.estimators ?? []).map(extraEstimator);
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
    const extraBins: ExtraBins[] = [];
    if (floatLayers.length) {
      for (const x of extras) {
        if (x.kind !== 'bins') continue;
        const s = { ...settings, ...x.settings };
        const est = pool.own(
          await createLayerEstimator(gpu, {
            R,
            n: labels.length,
            classes: plan.classes,
            labels,
            layers: floatLayers.map((i) => ({ width: hidden[i].width, coding: codingOf(s, hidden[i]) })),
            millerMadow: settings.millerMadow,
          }),
        );
        extraBins.push({ name: x.name, estimator: est, layers: floatLayers });
      }
    }
    let rowOffset = 0;
    for (const c of chunks) {
      for (const [i] of hidden.entries()) {
        const ops = await estimator.prepareChunk(i, c.outputs[i], rowOffset);
        c.codes.push(ops.codes);
        if (ops.minmax) c.minmax.push(ops.minmax);
      }
      for (const x of extraBins) {
        for (const [j, i] of x.layers.entries()) {
          const ops = await x.estimator.prepareChunk(j, c.outputs[i], rowOffset);
          c.codes.push(ops.codes);
          if (ops.minmax) c.minmax.push(ops.minmax);
        }
      }
      rowOffset += c.rows;
    }
    const slots: (string | null)[] = [
      ...(options.kde ? [null] : []),
      ...(floatLayers.length ? extras.flatMap((x) => (x.kind === 'kde' ? [x.name] : [])) : []),
    ];
    const variances = [
      ...(options.kde ? [options.kdeVariance ?? 1e-3] : []),
      ...extras.flatMap((x) => (x.kind === 'kde' && floatLayers.length ? [x.variance] : [])),
    ];
    let kde: KdeState | undefined;
    if (slots.length) {
      const n = Math.min(labels.length, options.kdeMax ?? KDE_MAX_SAMPLES);
      const layers: KdeState['layers'] = [];
      for (const l of hidden) {
        if (l.binaryOutput) {
          layers.push(null);
          continue;
        }
        const acts = pool.f32([R, n, l.width], `${l.name} activations for KDE`);
        const estimators: KdeEstimator[] = [];
        for (const sigma2 of variances) {
          estimators.push(
            pool.own(
              await createKdeEstimator(gpu, {
                acts,
                labels: labels.subarray(0, n),
                classes: plan.classes,
                sigma2,
              }),
            ),
          );
        }
        layers.push({ acts, estimators });
      }
      kde = { n, slots, layers };
    }
    const estimation = new Estimation(gpu, pool, evaluation, estimator, chunks, extraBins, kde);
    evaluation.hook = estimation;
    return estimation;
  }

  private get estimators(): LayerEstimator[] {
    return [this.estimator, ...this.extraBins.map((x) => x.estimator)];
  }

  encodeBefore(pass: GPUComputePassEncoder): void {
    // Adaptive bins need every layer's min and max over the whole estimation set before any code.
    if (!this.estimators.some((e) => e.needsMinMax)) return;
    for (const c of this.chunks) for (const op of [...outputsForward(c), ...c.minmax]) op.encode(pass);
  }

  encodeAfter(pass: GPUComputePassEncoder): void {
    for (const e of this.estimators) for (const op of e.countOps) op.encode(pass);
  }

  encodeReadback(enc: GPUCommandEncoder): void {
    for (const e of this.estimators) e.encodeReadback(enc);
  }

  readEncoded() {
    if (this.extraBins.length) {
      this.pendingExtras = Promise.all(this.extraBins.map((x) => x.estimator.readEncoded()));
      this.pendingExtras.catch(() => {}); // awaited by readExtras
    }
    return this.estimator.readEncoded();
  }

  private kdeResult?: (KdeEstimate[] | null)[][];

  async readAfter(): Promise<(KdeEstimate[] | null)[] | undefined> {
    this.kdeResult = this.kde ? await this.estimateKde(this.kde) : undefined;
    const primary = this.kde?.slots.indexOf(null) ?? -1;
    return primary >= 0 ? this.kdeResult?.[primary] : undefined;
  }

  /** After readAfter: the extra estimators' results, by name (empty when none were asked for). */
  async readExtras(): Promise<ExtraEstimates> {
    const out: ExtraEstimates = {};
    const hidden = this.evaluation.source.plan.layers.filter((l) => l.activation !== null);
    const bins = this.pendingExtras ? await this.pendingExtras : [];
    this.pendingExtras = undefined;
    this.extraBins.forEach((x, k) => {
      const per: ExtraEstimates[string] = hidden.map(() => null);
      x.layers.forEach((i, j) => {
        per[i] = bins[k][j].map((e) => ({ ixt: e.ixt, ity: e.ity }));
      });
      out[x.name] = per;
    });
    this.kde?.slots.forEach((name, k) => {
      if (name === null || !this.kdeResult) return;
      out[name] = this.kdeResult[k].map((layer) =>
        layer ? layer.map((e) => ({ ixt: e.ixt, ity: e.ity })) : null,
      );
    });
    return out;
  }

  /** Every KDE bound (one per slot) of every float hidden layer over the first n samples of the estimation set. */
  private async estimateKde(kde: KdeState): Promise<(KdeEstimate[] | null)[][]> {
    const { R, plan, prelude } = this.evaluation.source;
    const raw = (t: F32) => this.pool.raw(t);
    await submit(this.gpu, 'KDE estimate', (enc) => {
      let offset = 0;
      for (const c of this.chunks) {
        if (offset >= kde.n) break;
        const pass = enc.beginComputePass({ label: 'KDE forward' });
        for (const op of prelude) op.encode(pass);
        for (const op of outputsForward(c)) op.encode(pass);
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
      for (const k of kde.layers)
        if (k) for (const e of k.estimators) for (const op of e.ops) op.encode(pass);
      pass.end();
    });
    const out: (KdeEstimate[] | null)[][] = kde.slots.map(() => []);
    for (const [s] of kde.slots.entries())
      for (const k of kde.layers) out[s].push(k ? await k.estimators[s].read() : null);
    return out;
  }
}
