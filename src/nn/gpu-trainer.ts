/**
 * The layered GPU trainer: R replicas of one network trained together, every step of an epoch encoded
 * into one command buffer and submitted once; nothing is read back per step. Per epoch one small buffer
 * comes back: train/test loss and accuracy (evaluation mode, running batch-norm statistics) and the flip
 * ratio of every binary layer, for every replica (nn/evaluation.ts), with the information plane when
 * estimation is enabled (nn/estimation.ts).
 *
 * Per step s of an epoch the command buffer holds:
 *   copies  — step s's gather offset and Adam step size into their params uniforms (buffer copies are
 *             ordered with the passes, so one submit can carry every step's parameters)
 *   pass    — gather the minibatch of every replica (its own shuffled order) → sign(W) / packed W of the
 *             binary layers → forward → softmax cross-entropy → backward → optimizer updates
 * and after the last step an evaluation pass over the training and test sets, in chunks.
 *
 * The layer math and its ops are in nn/layer-ops.ts, the buffers in nn/layer-buffers.ts.
 */
import * as d from 'typegpu/data';
import type { RunConfig } from '../config/run-config.ts';
import type { Gpu } from '../gpu/device.ts';
import type { PreparedOp } from '../gpu/kernel.ts';
import { submit, submitSliced } from '../gpu/submit.ts';
import type { EstimatorSettings } from '../info/settings.ts';
import { ADAM_PARAMS_ALPHA_OFFSET, adamStepSize } from '../kernels/adam_update/kernel.ts';
import { GatherParams, prepareGatherRows } from '../kernels/gather_rows/kernel.ts';
import { type BatchSlice, epochBatches, epochOrder } from './batches.ts';
import { calibrateBatchNorm } from './bn-calibration.ts';
import { Estimation, type EstimationOptions } from './estimation.ts';
import { type EpochMetrics, type EvalChunk, Evaluation, evalChunkRows } from './evaluation.ts';
import type { LayerParams } from './init.ts';
import {
  type Acts,
  allocActs,
  createLayerStates,
  type F32,
  type LayerGradients,
  type LayerState,
  layerParameterBuffers,
  type ParameterBuffers,
  readLayerGradients,
  readLayerParams,
  TensorPool,
  type U32,
  viewActs,
} from './layer-buffers.ts';
import {
  backwardOps,
  flipOps,
  forwardOps,
  lossOps,
  type UpdateOp,
  updateOps,
  weightOps,
} from './layer-ops.ts';
import type { NetworkPlan } from './plan.ts';

export { KDE_MAX_SAMPLES } from './estimation.ts';
export type { EpochMetrics } from './evaluation.ts';

export interface TrainData {
  /** f32 [nTrain, D] */
  xTrain: Float32Array;
  /** u32 [nTrain] */
  yTrain: Uint32Array;
  /** f32 [nTest, D] */
  xTest: Float32Array;
  /** u32 [nTest] */
  yTest: Uint32Array;
}

/** One batch size's training step: its gather (whose offset is copied per step) and the rest of its ops. */
interface TrainStep {
  rows: number;
  gather: PreparedOp & { params: GPUBuffer };
  ops: PreparedOp[];
}

export class GpuTrainer {
  private readonly pool: TensorPool;
  private readonly R: number;
  private readonly nTrain: number;
  private layers: LayerState[] = [];
  private batches: BatchSlice[] = [];
  private trainSteps: TrainStep[] = [];
  private weightOps: PreparedOp[] = [];
  private updateOps: UpdateOp[] = [];
  private evaluation!: Evaluation;
  private order!: U32;
  private offsetTable!: GPUBuffer;
  private alphaTable!: GPUBuffer;
  private step = 0;

  /** The device as this trainer's pool sees it: every kernel uniform made through it is freed by destroy(). */
  private readonly gpu: Gpu;

  private constructor(
    gpu: Gpu,
    readonly plan: NetworkPlan,
    readonly config: RunConfig,
    data: TrainData,
  ) {
    this.pool = new TensorPool(gpu);
    this.gpu = this.pool.scope();
    this.R = config.replicas;
    this.nTrain = data.yTrain.length;
  }

  static async create(
    gpu: Gpu,
    plan: NetworkPlan,
    config: RunConfig,
    data: TrainData,
    params: LayerParams[],
  ): Promise<GpuTrainer> {
    const t = new GpuTrainer(gpu, plan, config, data);
    try {
      await t.build(data, params);
    } catch (e) {
      t.destroy(); // a size refused part-way: free what was already allocated
      throw e;
    }
    return t;
  }

  private async build(data: TrainData, params: LayerParams[]): Promise<void> {
    const { R, gpu, config, pool, plan } = this;
    const D = plan.inputs;
    const nTest = data.yTest.length;
    this.batches = epochBatches(
      this.nTrain,
      config.batchSize,
      plan.layers.some((l) => l.batchNorm),
    );
    this.layers = createLayerStates(pool, plan, R, params);

    // Data: training and test sets, each replica's order, and the identity order for evaluation.
    const xTrain = pool.f32([this.nTrain, D], 'train inputs', data.xTrain);
    const yTrain = pool.u32([this.nTrain], 'train labels', data.yTrain);
    const xTest = pool.f32([nTest, D], 'test inputs', data.xTest);
    const yTest = pool.u32([nTest], 'test labels', data.yTest);
    this.order = pool.u32([R, this.nTrain], 'minibatch order');
    const identity = Uint32Array.from({ length: Math.max(this.nTrain, nTest) }, (_, i) => i);
    const evalIdx = pool.u32([identity.length], 'evaluation order', identity);

    this.weightOps = await weightOps(gpu, this.layers);
    await this.buildTraining(xTrain, yTrain);

    // Evaluation over the training and test sets, in chunks sharing one set of activations.
    const widest = Math.max(D, ...plan.layers.map((l) => l.width));
    const chunkRows = evalChunkRows(R, widest, Math.max(this.nTrain, nTest));
    const evalFull = allocActs(pool, plan, R, chunkRows, false, 'eval');
    const evalViews = new Map<number, Acts>([[chunkRows, evalFull]]);
    const sets = { train: { x: xTrain, y: yTrain }, test: { x: xTest, y: yTest } };
    this.evaluation = await Evaluation.create(gpu, pool, {
      R,
      plan,
      labels: { train: data.yTrain, test: data.yTest },
      chunkRows,
      chunk: async (set, start, rows) => {
        let acts = evalViews.get(rows);
        if (!acts) evalViews.set(rows, (acts = viewActs(evalFull, rows)));
        const gather = await prepareGatherRows(gpu, {
          src: sets[set].x,
          srcLabels: sets[set].y,
          idx: evalIdx,
          out: acts.x,
          outLabels: acts.labels,
          offset: start,
          idxStride: 0,
        });
        return {
          forward: [gather, ...(await forwardOps(gpu, this.layers, acts, false))],
          gather: [gather],
          inputs: acts.x,
          loss: await lossOps(gpu, acts),
          lossRows: acts.loss,
          correctRows: acts.correct,
          outputs: acts.layers.map((a) => a.out),
          pre: acts.layers.map((a) => a.zn),
          z: acts.layers.map((a) => a.z),
        };
      },
      prelude: this.weightOps,
      flips: {
        ops: await flipOps(gpu, this.layers),
        ratios: this.layers.flatMap((s) => (s.flip ? [s.flip] : [])),
      },
    });

    // Epoch 0's reference signs for the flip ratio.
    await submit(gpu, 'initial packed signs', (enc) => {
      const pass = enc.beginComputePass();
      for (const op of this.weightOps) op.encode(pass);
      pass.end();
      for (const s of this.layers) {
        if (s.wPacked && s.wPrev) {
          enc.copyBufferToBuffer(pool.raw(s.wPacked), 0, pool.raw(s.wPrev), 0, s.wPacked.size * 4);
        }
      }
    });
  }

  /** One set of activations for the full batch size, views of it for a partial last batch; the step tables. */
  private async buildTraining(xTrain: F32, yTrain: U32): Promise<void> {
    const { R, gpu, pool, plan } = this;
    const B = this.batches[0]?.size ?? 0;
    const full = allocActs(pool, plan, R, B, true, 'train');
    const sizes = [...new Set(this.batches.map((b) => b.size))];
    for (const rows of sizes) {
      const acts = rows === B ? full : viewActs(full, rows);
      const gather = await prepareGatherRows(gpu, {
        src: xTrain,
        srcLabels: yTrain,
        idx: this.order,
        out: acts.x,
        outLabels: acts.labels,
        offset: 0,
        idxStride: this.nTrain,
      });
      const ops = [
        ...(await forwardOps(gpu, this.layers, acts, true)),
        ...(await lossOps(gpu, acts)),
        ...(await backwardOps(gpu, this.layers, acts)),
      ];
      this.trainSteps.push({ rows, gather, ops });
    }
    this.updateOps = await updateOps(gpu, pool, this.layers, this.config.optimizer);
    const table = (label: string) =>
      pool.buffer({
        label,
        size: Math.max(4, this.batches.length * 4),
        usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
    this.offsetTable = table('step offsets');
    this.alphaTable = table('Adam step sizes');
    const offsets = Uint32Array.from(this.batches, (b) => b.start);
    gpu.device.queue.writeBuffer(this.offsetTable, 0, offsets.buffer, offsets.byteOffset, offsets.byteLength);
  }

  /**
   * Trains one epoch (`epoch` counts from 1); with `evaluate` (the default) also evaluates, in the same
   * submit, and reads back the metrics (else returns null after the GPU has finished the epoch).
   */
  async trainEpoch(epoch: number): Promise<EpochMetrics>;
  async trainEpoch(epoch: number, evaluate: false): Promise<null>;
  async trainEpoch(epoch: number, evaluate = true): Promise<EpochMetrics | null> {
    const { gpu } = this;
    this.prepareEpoch(epoch);
    await submitSliced(gpu, `epoch ${epoch}`, async (enc, pause) => {
      for (const s of this.batches.keys()) {
        this.encodeStep(enc, epoch, s);
        await pause();
      }
      if (evaluate) this.evaluation.encode(enc, true);
    });
    this.step += this.batches.length;
    if (!evaluate) {
      await gpu.device.queue.onSubmittedWorkDone(); // keeps the queue one epoch deep
      return null;
    }
    return this.evaluation.read();
  }

  /** Minibatch steps per epoch. */
  get stepsPerEpoch(): number {
    return this.batches.length;
  }

  /**
   * Trains one epoch, evaluating after every `every` minibatch steps (step-level logging, e.g. MNIST's
   * first epoch, where most of the fitting happens): the same steps as trainEpoch, cut into submits at
   * the evaluations. The epoch's last step is evaluated only with `atEnd`. Returns each evaluation with
   * the number of steps of this epoch done before it.
   */
  async trainEpochSteps(
    epoch: number,
    every: number,
    atEnd: boolean,
  ): Promise<{ step: number; metrics: EpochMetrics }[]> {
    const { gpu } = this;
    const S = this.batches.length;
    this.prepareEpoch(epoch);
    const out: { step: number; metrics: EpochMetrics }[] = [];
    for (let from = 0; from < S; ) {
      const to = Math.min(S, from + Math.max(1, every));
      const evaluate = to < S || atEnd;
      await submitSliced(gpu, `epoch ${epoch} steps ${from + 1}–${to}`, async (enc, pause) => {
        for (let s = from; s < to; s++) {
          this.encodeStep(enc, epoch, s);
          await pause();
        }
        if (evaluate) this.evaluation.encode(enc, true);
      });
      if (evaluate) out.push({ step: to, metrics: await this.evaluation.read() });
      else await gpu.device.queue.onSubmittedWorkDone();
      from = to;
    }
    this.step += S;
    return out;
  }

  /** Writes the epoch's sample order and Adam step sizes (`this.step` is the step before the epoch). */
  private prepareEpoch(epoch: number): void {
    const { gpu, R, pool } = this;
    const o = this.config.optimizer;
    const order = epochOrder(this.config.seed, R, epoch - 1, this.nTrain);
    gpu.device.queue.writeBuffer(pool.raw(this.order), 0, order.buffer, order.byteOffset, order.byteLength);
    const alphas = Float32Array.from(this.batches, (_, s) =>
      o.name !== 'sgd' // Adam, or Bop with Adam for the float parameters
        ? adamStepSize({ lr: o.lr, t: this.step + s + 1, beta1: o.beta1, beta2: o.beta2, eps: o.eps })
        : 0,
    );
    gpu.device.queue.writeBuffer(this.alphaTable, 0, alphas.buffer, alphas.byteOffset, alphas.byteLength);
  }

  /** One minibatch step (index s of the epoch): gather, forward, backward, update. */
  private encodeStep(enc: GPUCommandEncoder, epoch: number, s: number): void {
    const o = this.config.optimizer;
    const batch = this.batches[s];
    const t = this.trainSteps.find((x) => x.rows === batch.size)!;
    enc.copyBufferToBuffer(this.offsetTable, s * 4, t.gather.params, GATHER_OFFSET, 4);
    if (o.name !== 'sgd') {
      // Adam's updates take the step size; Bop's updates (binary weights) have no such field.
      for (const u of this.updateOps) {
        if (u.params) enc.copyBufferToBuffer(this.alphaTable, s * 4, u.params, ADAM_PARAMS_ALPHA_OFFSET, 4);
      }
    }
    const pass = enc.beginComputePass({ label: `epoch ${epoch} step ${s + 1}` });
    t.gather.encode(pass);
    for (const op of this.weightOps) op.encode(pass);
    for (const op of t.ops) op.encode(pass);
    for (const op of this.updateOps) op.encode(pass);
    pass.end();
  }

  /**
   * Evaluation without training: the metrics of the current parameters (epoch 0: the initialisation).
   * `flips`: also measure the flip ratio since the last logged epoch (a run stopped between logged epochs).
   */
  evaluate(flips = false): Promise<EpochMetrics> {
    return this.evaluation.run(flips);
  }

  /** Turns on the information-plane estimate (and optionally the KDE bound) at every evaluation. */
  async enableEstimation(
    settings: EstimatorSettings,
    set: 'full' | 'train' | 'test',
    options: EstimationOptions = {},
  ): Promise<void> {
    await Estimation.attach(this.gpu, this.pool, this.evaluation, settings, set, options);
  }

  /** Batch-norm running statistics from the training set (nn/bn-calibration.ts); returns the layers calibrated. */
  calibrateBatchNorm(): Promise<number> {
    return calibrateBatchNorm(this.gpu, this.pool, this.layers, this.R, () =>
      this.evaluation.layerOutputs('train', 'z'),
    );
  }

  /** Every layer's output (or pre-activation) over a set, in evaluation mode: nn/evaluation.ts layerOutputs. */
  layerOutputs(set: 'train' | 'test', what: 'out' | 'pre' | 'z' = 'out'): Promise<Float32Array[]> {
    return this.evaluation.layerOutputs(set, what);
  }

  /** The gradients of the last training step (of the mean minibatch loss), per layer. */
  readGradients(): Promise<LayerGradients[]> {
    return readLayerGradients(this.gpu, this.layers);
  }

  /**
   * The parameter buffers of every layer, for a trainer that trains them elsewhere and leaves evaluation
   * and estimation to this one (src/nn/fused-trainer.ts copies its parameters into them).
   */
  parameterBuffers(): ParameterBuffers[] {
    return layerParameterBuffers(this.gpu, this.layers);
  }

  /**
   * Gives every evaluation chunk a faster forward that writes its outputs (nn/evaluation.ts `fast`): the
   * chunk's gather, then the op `make` returns for it. Null takes them back (the layered forward again).
   */
  useFastForward(make: ((c: EvalChunk) => PreparedOp) | null): void {
    for (const set of this.evaluation.chunks) {
      for (const c of set) c.fast = make ? [...c.gather, make(c)] : undefined;
    }
  }

  /** The current parameters, for checks and exports. */
  readParams(): Promise<LayerParams[]> {
    return readLayerParams(this.gpu, this.layers);
  }

  destroy(): void {
    this.pool.destroy();
  }
}

/** Byte offset of `offset` in gather_rows' params (copied per step). */
const GATHER_OFFSET = d.memoryLayoutOf(GatherParams, (p) => p.offset).offset;
