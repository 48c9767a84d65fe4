/**
 * Evaluation of R replicas over the training and test sets, in chunks, in evaluation mode (running
 * batch-norm statistics): mean loss and accuracy per replica, the flip ratios of the binary layers, and,
 * when an estimation is attached (nn/estimation.ts), the information-plane codes of the same forward
 * passes. Everything an evaluation computes is copied into one small record buffer and read back at once.
 *
 * Any trainer can use it (the layered one in nn/gpu-trainer.ts, a fused one): it needs no parameter
 * buffers of its own, only, through `EvaluationSource`,
 *   - `chunk(set, start, rows)`: ops that gather rows [start, start + rows) of the set and run the forward
 *     pass, ops that write the per-row loss and hit (f32 [R, rows] each), and every layer's output and
 *     pre-activation (f32 [R, rows, W_l]) that those ops write;
 *   - `prelude`: ops encoded before any forward (e.g. sign(W) and the packed signs of binary layers);
 *   - `flips`: ops that write each binary layer's flip ratio (f32 [R]) and those buffers, or none.
 *
 * Record layout, f32 words: train loss, train accuracy, test loss, test accuracy, then one flip ratio per
 * binary layer, R words each.
 */
import type { Gpu } from '../gpu/device.ts';
import type { PreparedOp } from '../gpu/kernel.ts';
import { submit } from '../gpu/submit.ts';
import { readTensor, type Tensor, viewTensor } from '../gpu/tensor.ts';
import type { InfoEstimate } from '../info/entropy.ts';
import type { KdeEstimate } from '../info/kde.ts';
import { prepareReduceRows } from '../kernels/reduce_rows/kernel.ts';
import type { F32, TensorPool } from './layer-buffers.ts';
import type { NetworkPlan } from './plan.ts';

export interface EpochMetrics {
  /** [R] each */
  trainLoss: Float32Array;
  trainAcc: Float32Array;
  testLoss: Float32Array;
  testAcc: Float32Array;
  /** [binary layer][R]: share of binary weights whose sign changed this epoch (empty for epoch 0). */
  flipRatio: Float32Array[];
  /** [hidden layer][R]: the information-plane estimates, when estimation is enabled. */
  info?: InfoEstimate[][];
  /** [float hidden layer][R]: the KDE upper bound, when enabled (null for binary layers). */
  kde?: (KdeEstimate[] | null)[];
  /** The extra estimators, by name: [hidden layer][R] (null for binary layers), when asked for. */
  estimates?: Record<string, ({ ixt: number; ity: number }[] | null)[]>;
}

/** A trainer's forward pass over one chunk of a set, in evaluation mode. */
export interface ChunkForward {
  /** Gather the chunk's rows and run the forward pass. */
  forward: PreparedOp[];
  /** The first ops of `forward`: the chunk's rows gathered into `inputs`, f32 [R, rows, D]. */
  gather: PreparedOp[];
  inputs: F32;
  /** Per-row loss and hit from the logits. */
  loss: PreparedOp[];
  /** f32 [R, rows] each, written by `loss`. */
  lossRows: F32;
  correctRows: F32;
  /** Every layer's output, f32 [R, rows, W_l] (the output layer's: its logits). */
  outputs: F32[];
  /** Every layer's values before its activation (after batch normalization), f32 [R, rows, W_l]. */
  pre: F32[];
  /** Every layer's values before batch normalization (= pre without it), f32 [R, rows, W_l], where the trainer gives them. */
  z?: F32[];
}

export interface EvaluationSource {
  R: number;
  plan: NetworkPlan;
  /** Labels of the training and test sets, in their order. */
  labels: { train: Uint32Array; test: Uint32Array };
  /** Rows per chunk (the last chunk of a set may have fewer). */
  chunkRows: number;
  chunk(set: 'train' | 'test', start: number, rows: number): Promise<ChunkForward>;
  prelude: PreparedOp[];
  flips: { ops: PreparedOp[]; ratios: F32[] };
}

export interface EvalChunk extends ChunkForward {
  start: number;
  rows: number;
  /** The loss ops, then their accumulation into the set's means. */
  metrics: PreparedOp[];
  /** Information-plane codes of every hidden layer, when this chunk is in the estimation set. */
  codes: PreparedOp[];
  /** Min/max of every adaptive layer (a separate pass before the codes). */
  minmax: PreparedOp[];
  /**
   * A faster forward that writes `outputs` only (not `pre` or `z`): the fused trainer's (nn/fused-eval.ts).
   * Every evaluation and estimate runs it; layerOutputs keeps `forward`, which writes all three.
   */
  fast?: PreparedOp[];
}

/** The ops that give a chunk's outputs: its fast forward when it has one. */
export const outputsForward = (c: EvalChunk): PreparedOp[] => c.fast ?? c.forward;

/** What evaluation needs of an attached information-plane estimation (nn/estimation.ts). */
export interface EvaluationHook {
  /** Before the chunks: whatever must see the whole estimation set first (adaptive bins' min/max). */
  encodeBefore(pass: GPUComputePassEncoder): void;
  /** After the chunks (whose `codes` it filled): the counting. */
  encodeAfter(pass: GPUComputePassEncoder): void;
  /** Copies of the counts for read-back, in the evaluation's submit. */
  encodeReadback(enc: GPUCommandEncoder): void;
  /** The read-back of what encodeReadback copied; started before the record is mapped. */
  readEncoded(): Promise<InfoEstimate[][]>;
  /** Anything estimated in a submit of its own after the evaluation (the KDE bound), else undefined. */
  readAfter(): Promise<(KdeEstimate[] | null)[] | undefined>;
  /** After readAfter: the extra estimators' results by name, [hidden layer][R] (null for binary layers). */
  readExtras?(): Promise<Record<string, ({ ixt: number; ity: number }[] | null)[]>>;
}

/** Rows per evaluation chunk: enough to amortise dispatches, small enough to keep buffers near 16 MiB. */
export function evalChunkRows(R: number, widest: number, n: number): number {
  const rows = Math.floor((4 * 1024 * 1024) / (R * widest));
  return Math.max(1, Math.min(n, 4096, Math.max(256, rows)));
}

export class Evaluation {
  /** Attached by nn/estimation.ts. */
  hook?: EvaluationHook;

  private constructor(
    private readonly gpu: Gpu,
    private readonly pool: TensorPool,
    readonly source: EvaluationSource,
    /** [train, test]: per chunk its rows, forward ops and metric ops. */
    readonly chunks: [EvalChunk[], EvalChunk[]],
    private readonly metrics: { trainLoss: F32; trainAcc: F32; testLoss: F32; testAcc: F32 },
    private readonly record: GPUBuffer,
  ) {}

  static async create(gpu: Gpu, pool: TensorPool, source: EvaluationSource): Promise<Evaluation> {
    const { R } = source;
    const metrics = {
      trainLoss: pool.f32([R, 1], 'train loss'),
      trainAcc: pool.f32([R, 1], 'train accuracy'),
      testLoss: pool.f32([R, 1], 'test loss'),
      testAcc: pool.f32([R, 1], 'test accuracy'),
    };
    const sets = [
      { name: 'train', n: source.labels.train.length, loss: metrics.trainLoss, acc: metrics.trainAcc },
      { name: 'test', n: source.labels.test.length, loss: metrics.testLoss, acc: metrics.testAcc },
    ] as const;
    const chunks: [EvalChunk[], EvalChunk[]] = [[], []];
    for (const [k, set] of sets.entries()) {
      for (let start = 0; start < set.n; start += source.chunkRows) {
        const rows = Math.min(source.chunkRows, set.n - start);
        const f = await source.chunk(set.name, start, rows);
        const mean = (x: F32, out: F32) =>
          prepareReduceRows(gpu, { x: viewTensor(x, [R, rows, 1]), out, scale: 1 / set.n, accumulate: true });
        chunks[k].push({
          ...f,
          start,
          rows,
          metrics: [...f.loss, await mean(f.lossRows, set.loss), await mean(f.correctRows, set.acc)],
          codes: [],
          minmax: [],
        });
      }
    }
    const record = pool.buffer({
      label: 'epoch record',
      size: (4 + source.flips.ratios.length) * R * 4,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    return new Evaluation(gpu, pool, source, chunks, metrics, record);
  }

  /** Labels of the estimation set `set` (the whole dataset: training then test), in chunk order. */
  labels(set: 'full' | 'train' | 'test'): Uint32Array {
    const { train, test } = this.source.labels;
    return new Uint32Array(set === 'train' ? train : set === 'test' ? test : [...train, ...test]);
  }

  /** The chunks of the estimation set `set`, in its order. */
  chunksOf(set: 'full' | 'train' | 'test'): EvalChunk[] {
    const [train, test] = this.chunks;
    return set === 'train' ? train : set === 'test' ? test : [...train, ...test];
  }

  /** Encodes one evaluation (and, with `flips`, the flip ratios since they were last reset) and its copies. */
  encode(enc: GPUCommandEncoder, flips: boolean): void {
    const { pool, hook, metrics } = this;
    for (const t of Object.values(metrics)) enc.clearBuffer(pool.raw(t));
    const pass = enc.beginComputePass({ label: 'evaluation' });
    for (const op of this.source.prelude) op.encode(pass);
    hook?.encodeBefore(pass);
    for (const set of this.chunks) {
      for (const c of set) for (const op of [...outputsForward(c), ...c.metrics, ...c.codes]) op.encode(pass);
    }
    hook?.encodeAfter(pass);
    if (flips) for (const op of this.source.flips.ops) op.encode(pass);
    pass.end();
    const R4 = this.source.R * 4;
    [metrics.trainLoss, metrics.trainAcc, metrics.testLoss, metrics.testAcc].forEach((t, i) => {
      enc.copyBufferToBuffer(pool.raw(t), 0, this.record, i * R4, R4);
    });
    this.source.flips.ratios.forEach((ratio, j) => {
      const k = 4 + j;
      if (flips) enc.copyBufferToBuffer(pool.raw(ratio), 0, this.record, k * R4, R4);
      else enc.clearBuffer(this.record, k * R4, R4);
    });
    hook?.encodeReadback(enc);
  }

  /** Reads back what `encode` copied (after its submit), with the estimates when a hook is attached. */
  async read(): Promise<EpochMetrics> {
    // The estimate's counts were copied in the same submit (encode): map both at once.
    const info = this.hook?.readEncoded();
    info?.catch(() => {}); // awaited below; no unhandled rejection if the record's map fails first
    await this.record.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(this.record.getMappedRange().slice(0));
    this.record.unmap();
    const R = this.source.R;
    const part = (k: number) => all.slice(k * R, (k + 1) * R);
    const metrics: EpochMetrics = {
      trainLoss: part(0),
      trainAcc: part(1),
      testLoss: part(2),
      testAcc: part(3),
      flipRatio: this.source.flips.ratios.map((_, j) => part(4 + j)),
    };
    if (this.hook) {
      metrics.info = await info;
      const kde = await this.hook.readAfter();
      if (kde) metrics.kde = kde;
      const extras = await this.hook.readExtras?.();
      if (extras && Object.keys(extras).length) metrics.estimates = extras;
    }
    return metrics;
  }

  /** Submits an evaluation without training and reads it back. */
  async run(flips: boolean): Promise<EpochMetrics> {
    await submit(this.gpu, 'evaluation', (enc) => this.encode(enc, flips));
    return this.read();
  }

  /**
   * Every layer's output (activation; logits for the output layer) over the training or test set in
   * evaluation mode, as f32 [R, n, width] per layer, in the set's order. One submit and read-back per
   * chunk. Pre-activations (`pre`) are the values before the activation (after batch normalization);
   * `z` the values before batch normalization.
   */
  async layerOutputs(set: 'train' | 'test', what: 'out' | 'pre' | 'z' = 'out'): Promise<Float32Array[]> {
    const { R, plan } = this.source;
    const n = this.source.labels[set].length;
    const outs = plan.layers.map((l) => new Float32Array(R * n * l.width));
    for (const c of this.chunks[set === 'train' ? 0 : 1]) {
      await submit(this.gpu, `layer outputs (${set}, rows ${c.start}…)`, (enc) => {
        const pass = enc.beginComputePass();
        for (const op of this.source.prelude) op.encode(pass);
        for (const op of c.forward) op.encode(pass);
        pass.end();
      });
      for (const [i, l] of plan.layers.entries()) {
        const N = l.width;
        const from = what === 'out' ? c.outputs : what === 'pre' ? c.pre : c.z;
        if (!from) throw new Error('this trainer does not give the values before batch normalization');
        const got = await readTensor(this.gpu, from[i] as Tensor<'f32'>);
        for (let r = 0; r < R; r++)
          outs[i].set(got.subarray(r * c.rows * N, (r + 1) * c.rows * N), (r * n + c.start) * N);
      }
    }
    return outs;
  }
}
