/**
 * The GPU trainer: R replicas of one network trained together, every step of an epoch encoded into one
 * command buffer and submitted once; nothing is read back per step. Per epoch one small buffer comes back:
 * train/test loss and accuracy (evaluation mode, running batch-norm statistics) and the flip ratio of
 * every binary layer, for every replica.
 *
 * Per step s of an epoch the command buffer holds:
 *   copies  — step s's gather offset and Adam step size into their params uniforms (buffer copies are
 *             ordered with the passes, so one submit can carry every step's parameters)
 *   pass    — gather the minibatch of every replica (its own shuffled order) → sign(W) / packed W of the
 *             binary layers → forward → softmax cross-entropy → backward → optimizer updates
 * and after the last step an evaluation pass over the training and test sets, in chunks.
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
import * as d from 'typegpu/data';
import type { Gpu } from '../gpu/device.ts';
import type { PreparedOp } from '../gpu/kernel.ts';
import {
  prepareActivationBackward,
  prepareActivationForward,
  prepareMagnitudeSignBackward,
  prepareMagnitudeSignForward,
} from '../gpu/kernels/activation.ts';
import { prepareBatchnormBackward, prepareBatchnormForward } from '../gpu/kernels/batchnorm.ts';
import { GatherParams, prepareFlipCount, prepareGatherRows } from '../gpu/kernels/gather.ts';
import { prepareGemm } from '../gpu/kernels/gemm.ts';
import {
  ADAM_PARAMS_ALPHA_OFFSET,
  adamStepSize,
  prepareAdamUpdate,
  prepareSgdUpdate,
} from '../gpu/kernels/optimizers.ts';
import { preparePackSigns } from '../gpu/kernels/pack-signs.ts';
import { prepareReduceRows } from '../gpu/kernels/reduce-rows.ts';
import { prepareSoftmaxXent } from '../gpu/kernels/softmax-xent.ts';
import { prepareXnorGemm } from '../gpu/kernels/xnor-gemm.ts';
import { submit, submitSliced } from '../gpu/submit.ts';
import { createTensor, readTensor, type Tensor, viewTensor } from '../gpu/tensor.ts';
import type { InfoEstimate } from '../info/entropy.ts';
import {
  createKdeEstimator,
  createLayerEstimator,
  type KdeEstimator,
  type LayerEstimator,
} from '../info/estimator.ts';
import type { KdeEstimate } from '../info/kde.ts';
import { type EstimatorSettings, type LayerCoding, layerCoding } from '../info/settings.ts';
import type { RunConfig } from '../run/config.ts';
import { type BatchSlice, epochBatches, epochOrder } from './batches.ts';
import type { LayerParams } from './init.ts';
import type { LayerPlan, NetworkPlan } from './plan.ts';

type F32 = Tensor<'f32'>;
type U32 = Tensor<'u32'>;

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
}

interface EvalChunk {
  start: number;
  rows: number;
  acts: Acts;
  /** Gather and forward pass (evaluation mode). */
  forward: PreparedOp[];
  /** Loss, hits and their accumulation into the epoch's means. */
  metrics: PreparedOp[];
  /** Information-plane codes of every hidden layer, when this chunk is in the estimation set. */
  codes: PreparedOp[];
  /** Min/max of every adaptive layer (a separate pass before the codes). */
  minmax: PreparedOp[];
}

interface Estimation {
  estimator: LayerEstimator;
  /** The chunks of the estimation set, in its order. */
  chunks: EvalChunk[];
  kde?: KdeState;
}

interface KdeState {
  /** Samples the bound is computed over: the first n of the estimation set. */
  n: number;
  /** Per hidden layer: its activations over those samples, f32 [R, n, W], and the estimator; null for binary layers. */
  layers: ({ acts: F32; estimator: KdeEstimator } | null)[];
}

/** Parameters, their gradients and optimizer state: one set per layer, shared by every batch size. */
interface LayerState {
  plan: LayerPlan;
  w: F32; // [R, N, K] latent weights
  wq?: F32; // [R, N, K] sign(W), binary layers
  wPacked?: U32; // [R, N, KW], binary layers (XNOR GEMM and the flip ratio)
  wPrev?: U32; // packed signs at the last epoch, for the flip ratio
  flip?: F32; // [R]
  bias?: F32; // [R, N]
  gamma?: F32;
  beta?: F32;
  runningMean?: F32;
  runningVar?: F32;
  dw: F32;
  db?: F32;
  dgamma?: F32;
  dbeta?: F32;
}

/** Activations of one batch size: what the forward keeps for the backward. */
interface LayerActs {
  input: F32; // [R, rows, K] (the previous layer's output, or the gathered inputs)
  inPacked?: U32; // [R, rows, KW], XNOR layers
  z: F32; // [R, rows, N]
  zn: F32; // = z without batch normalization
  mean?: F32; // [R, N]
  invstd?: F32;
  alpha?: F32; // [R, N], magnitude_aware_sign
  out: F32; // [R, rows, N]; for the output layer: the logits (= z)
  // training only
  dz?: F32; // for the output layer: dlogits
  dzn?: F32; // = dz without batch normalization
  da?: F32; // gradient with respect to out
}

interface Acts {
  rows: number;
  x: F32; // [R, rows, D]
  labels: U32; // [R, rows]
  layers: LayerActs[];
  loss: F32; // [R, rows]
  correct: F32; // [R, rows]
  dlogits: F32; // [R, rows, C]
}

/** The default GEMM version for an [M, N] output: tiled v2 once both sides fill a tile. */
const gemmVersion = (M: number, N: number): string => (Math.min(M, N) >= 32 ? 'v2' : 'v1');

/** Rows per evaluation chunk: enough to amortise dispatches, small enough to keep buffers near 16 MiB. */
function evalChunkRows(R: number, widest: number, n: number): number {
  const rows = Math.floor((4 * 1024 * 1024) / (R * widest));
  return Math.max(1, Math.min(n, 4096, Math.max(256, rows)));
}

export class GpuTrainer {
  private readonly layers: LayerState[] = [];
  private readonly R: number;
  private readonly D: number;
  private readonly nTrain: number;
  private readonly nTest: number;
  private readonly yTrain: Uint32Array;
  private readonly yTest: Uint32Array;
  private batches: BatchSlice[] = [];
  private trainOps: {
    rows: number;
    gather: PreparedOp & { params: GPUBuffer };
    ops: PreparedOp[];
  }[] = [];
  private weightOps: PreparedOp[] = [];
  private updateOps: (PreparedOp & { params?: GPUBuffer })[] = [];
  /** Per set (train, test), per chunk: its rows, activations, forward ops and metric ops. */
  private evalChunks: EvalChunk[][] = [];
  private estimation?: Estimation;
  private flipOps: PreparedOp[] = [];
  private order!: U32;
  private offsetTable!: GPUBuffer;
  private alphaTable!: GPUBuffer;
  private metrics!: { trainLoss: F32; trainAcc: F32; testLoss: F32; testAcc: F32 };
  private record!: GPUBuffer;
  private recordWords = 0;
  private step = 0;
  private readonly owned: { destroy(): void }[] = [];

  private constructor(
    private readonly gpu: Gpu,
    readonly plan: NetworkPlan,
    readonly config: RunConfig,
    data: TrainData,
  ) {
    this.R = config.replicas;
    this.D = plan.inputs;
    this.nTrain = data.yTrain.length;
    this.nTest = data.yTest.length;
    this.yTrain = data.yTrain;
    this.yTest = data.yTest;
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

  private f32(shape: number[], label: string, data?: ArrayLike<number>): F32 {
    const t = createTensor(this.gpu, 'f32', shape, label, data);
    this.owned.push(t.buffer);
    return t;
  }

  private u32(shape: number[], label: string, data?: ArrayLike<number>): U32 {
    const t = createTensor(this.gpu, 'u32', shape, label, data);
    this.owned.push(t.buffer);
    return t;
  }

  private async build(data: TrainData, params: LayerParams[]): Promise<void> {
    const { R, D, gpu, config } = this;
    const hasBatchNorm = this.plan.layers.some((l) => l.batchNorm);
    this.batches = epochBatches(this.nTrain, config.batchSize, hasBatchNorm);

    // Parameters and optimizer state.
    for (const [i, l] of this.plan.layers.entries()) {
      const { width: N, fanIn: K } = l;
      const p = params[i];
      const name = l.name;
      const s: LayerState = {
        plan: l,
        w: this.f32([R, N, K], `${name} W`, p.weights),
        dw: this.f32([R, N, K], `${name} dW`),
      };
      if (l.binaryWeights) {
        const KW = Math.ceil(K / 32);
        s.wq = this.f32([R, N, K], `${name} sign(W)`);
        s.wPacked = this.u32([R, N, KW], `${name} packed W`);
        s.wPrev = this.u32([R, N, KW], `${name} packed W (last epoch)`);
        s.flip = this.f32([R], `${name} flip ratio`);
      }
      if (l.bias) {
        s.bias = this.f32([R, N], `${name} b`, p.bias);
        s.db = this.f32([R, N], `${name} db`);
      }
      if (l.batchNorm) {
        s.gamma = this.f32([R, N], `${name} γ`, p.gamma);
        s.beta = this.f32([R, N], `${name} β`, p.beta);
        s.runningMean = this.f32([R, N], `${name} running mean`, p.runningMean);
        s.runningVar = this.f32([R, N], `${name} running var`, p.runningVar);
        s.dgamma = this.f32([R, N], `${name} dγ`);
        s.dbeta = this.f32([R, N], `${name} dβ`);
      }
      this.layers.push(s);
    }

    // Data: training and test sets, each replica's order, and the identity order for evaluation.
    const xTrain = this.f32([this.nTrain, D], 'train inputs', data.xTrain);
    const yTrain = this.u32([this.nTrain], 'train labels', data.yTrain);
    const xTest = this.f32([this.nTest, D], 'test inputs', data.xTest);
    const yTest = this.u32([this.nTest], 'test labels', data.yTest);
    this.order = this.u32([R, this.nTrain], 'minibatch order');
    const identity = Uint32Array.from({ length: Math.max(this.nTrain, this.nTest) }, (_, i) => i);
    const evalIdx = this.u32([identity.length], 'evaluation order', identity);

    // Weight preparation: sign(W) and packed signs of the binary layers, before every forward.
    for (const s of this.layers) {
      if (!s.wq || !s.wPacked) continue;
      this.weightOps.push(await prepareActivationForward(gpu, { x: s.w, y: s.wq, kind: 'ste_sign' }));
      this.weightOps.push(await preparePackSigns(gpu, { x: s.w, out: s.wPacked }));
    }

    // Training: one set of activations for the full batch size, views of it for a partial last batch.
    const B = this.batches[0]?.size ?? 0;
    const full = this.allocActs(B, true, 'train');
    const sizes = [...new Set(this.batches.map((b) => b.size))];
    for (const rows of sizes) {
      const acts = rows === B ? full : this.viewActs(full, rows);
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
        ...(await this.forwardOps(acts, true)),
        ...(await this.lossOps(acts)),
        ...(await this.backwardOps(acts)),
      ];
      this.trainOps.push({ rows, gather, ops });
    }
    this.updateOps = await this.prepareUpdates();
    this.offsetTable = this.gpu.device.createBuffer({
      label: 'step offsets',
      size: Math.max(4, this.batches.length * 4),
      usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.alphaTable = this.gpu.device.createBuffer({
      label: 'Adam step sizes',
      size: Math.max(4, this.batches.length * 4),
      usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.owned.push(this.offsetTable, this.alphaTable);
    const offsets = Uint32Array.from(this.batches, (b) => b.start);
    this.gpu.device.queue.writeBuffer(
      this.offsetTable,
      0,
      offsets.buffer,
      offsets.byteOffset,
      offsets.byteLength,
    );

    // Evaluation over the training and test sets, in chunks, accumulating mean loss and accuracy.
    this.metrics = {
      trainLoss: this.f32([R, 1], 'train loss'),
      trainAcc: this.f32([R, 1], 'train accuracy'),
      testLoss: this.f32([R, 1], 'test loss'),
      testAcc: this.f32([R, 1], 'test accuracy'),
    };
    const widest = Math.max(D, ...this.plan.layers.map((l) => l.width));
    const chunk = evalChunkRows(R, widest, Math.max(this.nTrain, this.nTest));
    const evalFull = this.allocActs(chunk, false, 'eval');
    const evalViews = new Map<number, Acts>([[chunk, evalFull]]);
    const sets = [
      { x: xTrain, y: yTrain, n: this.nTrain, loss: this.metrics.trainLoss, acc: this.metrics.trainAcc },
      { x: xTest, y: yTest, n: this.nTest, loss: this.metrics.testLoss, acc: this.metrics.testAcc },
    ];
    for (const set of sets) {
      const chunks: EvalChunk[] = [];
      for (let start = 0; start < set.n; start += chunk) {
        const rows = Math.min(chunk, set.n - start);
        let acts = evalViews.get(rows);
        if (!acts) evalViews.set(rows, (acts = this.viewActs(evalFull, rows)));
        const forward = [
          await prepareGatherRows(gpu, {
            src: set.x,
            srcLabels: set.y,
            idx: evalIdx,
            out: acts.x,
            outLabels: acts.labels,
            offset: start,
            idxStride: 0,
          }),
          ...(await this.forwardOps(acts, false)),
        ];
        chunks.push({
          start,
          rows,
          acts,
          forward,
          metrics: [
            ...(await this.lossOps(acts)),
            await prepareReduceRows(gpu, {
              x: viewTensor(acts.loss, [R, rows, 1]),
              out: set.loss,
              scale: 1 / set.n,
              accumulate: true,
            }),
            await prepareReduceRows(gpu, {
              x: viewTensor(acts.correct, [R, rows, 1]),
              out: set.acc,
              scale: 1 / set.n,
              accumulate: true,
            }),
          ],
          codes: [],
          minmax: [],
        });
      }
      this.evalChunks.push(chunks);
    }

    // Flip ratio of every binary layer, from the packed signs (fresh after the weight ops).
    for (const s of this.layers) {
      if (!s.wPacked || !s.wPrev || !s.flip) continue;
      this.flipOps.push(
        await prepareFlipCount(gpu, {
          cur: s.wPacked,
          prev: s.wPrev,
          ratio: s.flip,
          total: s.plan.width * s.plan.fanIn,
        }),
      );
    }

    // The record read back per epoch: 4 metrics and the flip ratios, R floats each.
    this.recordWords = (4 + this.flipOps.length) * R;
    this.record = this.gpu.device.createBuffer({
      label: 'epoch record',
      size: this.recordWords * 4,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    this.owned.push(this.record);

    // Epoch 0's reference signs for the flip ratio.
    await submit(gpu, 'initial packed signs', (enc) => {
      const pass = enc.beginComputePass();
      for (const op of this.weightOps) op.encode(pass);
      pass.end();
      for (const s of this.layers) {
        if (s.wPacked && s.wPrev) {
          enc.copyBufferToBuffer(this.buf(s.wPacked), 0, this.buf(s.wPrev), 0, s.wPacked.size * 4);
        }
      }
    });
  }

  private buf(t: Tensor): GPUBuffer {
    return this.gpu.root.unwrap(t.buffer);
  }

  private allocActs(rows: number, training: boolean, tag: string): Acts {
    const { R, D } = this;
    const x = this.f32([R, rows, D], `${tag} inputs`);
    let input = x;
    const layers: LayerActs[] = this.plan.layers.map((l) => {
      const N = l.width;
      const name = `${tag} ${l.name}`;
      const z = this.f32([R, rows, N], `${name} z`);
      const a: LayerActs = { input, z, zn: z, out: z };
      if (l.xnor) a.inPacked = this.u32([R, rows, Math.ceil(l.fanIn / 32)], `${name} packed input`);
      if (l.batchNorm) {
        a.zn = this.f32([R, rows, N], `${name} BN(z)`);
        a.mean = this.f32([R, N], `${name} batch mean`);
        a.invstd = this.f32([R, N], `${name} batch invstd`);
      }
      if (l.activation === 'magnitude_aware_sign') a.alpha = this.f32([R, N], `${name} α`);
      if (l.activation) a.out = this.f32([R, rows, N], `${name} activation`);
      if (training) {
        a.dz = this.f32([R, rows, N], `${name} dz`);
        a.dzn = l.batchNorm ? this.f32([R, rows, N], `${name} dBN`) : a.dz;
        if (l.activation) a.da = this.f32([R, rows, N], `${name} da`);
      }
      input = a.out;
      return a;
    });
    const C = this.plan.classes;
    const last = layers[layers.length - 1];
    return {
      rows,
      x,
      labels: this.u32([R, rows], `${tag} labels`),
      layers,
      loss: this.f32([R, rows], `${tag} loss`),
      correct: this.f32([R, rows], `${tag} correct`),
      // training: the output layer's dz is dlogits; evaluation: a scratch buffer nobody reads
      dlogits: last.dz ?? this.f32([R, rows, C], `${tag} dlogits (unused)`),
    };
  }

  /** The same buffers seen with fewer rows. */
  private viewActs(full: Acts, rows: number): Acts {
    const v = <T extends F32 | U32 | undefined>(t: T, perRow: boolean): T => {
      if (!t || !perRow) return t;
      const [R, , N] = t.shape.length === 3 ? t.shape : [t.shape[0], 0, 1];
      const shape = t.shape.length === 3 ? [R, rows, N] : [R, rows];
      return viewTensor(t as Tensor<'f32'>, shape) as T;
    };
    const layers = full.layers.map((a) => ({
      ...a,
      input: v(a.input, true),
      inPacked: v(a.inPacked, true),
      z: v(a.z, true),
      zn: v(a.zn, true),
      out: v(a.out, true),
      dz: v(a.dz, true),
      dzn: v(a.dzn, true),
      da: v(a.da, true),
    }));
    // keep the aliases (input = previous out, zn = z, dzn = dz) as views of the same buffers
    return {
      rows,
      x: v(full.x, true),
      labels: v(full.labels, true),
      layers,
      loss: v(full.loss, true),
      correct: v(full.correct, true),
      dlogits: v(full.dlogits, true),
    };
  }

  private async forwardOps(acts: Acts, training: boolean): Promise<PreparedOp[]> {
    const { gpu } = this;
    const ops: PreparedOp[] = [];
    for (const [i, s] of this.layers.entries()) {
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
      if (l.activation === 'magnitude_aware_sign') {
        ops.push(await prepareMagnitudeSignForward(gpu, { x: a.zn, y: a.out, alpha: a.alpha! }));
      } else if (l.activation) {
        ops.push(await prepareActivationForward(gpu, { x: a.zn, y: a.out, kind: l.activation }));
      }
    }
    return ops;
  }

  private async lossOps(acts: Acts): Promise<PreparedOp[]> {
    const logits = acts.layers[acts.layers.length - 1].z;
    return [
      await prepareSoftmaxXent(this.gpu, {
        logits,
        labels: acts.labels,
        loss: acts.loss,
        dlogits: acts.dlogits,
        correct: acts.correct,
        scale: 1 / acts.rows,
      }),
    ];
  }

  private async backwardOps(acts: Acts): Promise<PreparedOp[]> {
    const { gpu } = this;
    const ops: PreparedOp[] = [];
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const s = this.layers[i];
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
      const p = this.layers[i - 1];
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
            kind: p.plan.activation!,
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

  private async prepareUpdates(): Promise<(PreparedOp & { params?: GPUBuffer })[]> {
    const { gpu, config } = this;
    const o = config.optimizer;
    const ops: (PreparedOp & { params?: GPUBuffer })[] = [];
    for (const s of this.layers) {
      const pairs: [F32, F32, number | undefined][] = [
        [s.w, s.dw, s.plan.binaryWeights ? o.clip : undefined],
      ];
      if (s.bias && s.db) pairs.push([s.bias, s.db, undefined]);
      if (s.gamma && s.dgamma) pairs.push([s.gamma, s.dgamma, undefined]);
      if (s.beta && s.dbeta) pairs.push([s.beta, s.dbeta, undefined]);
      for (const [w, g, clip] of pairs) {
        if (o.name === 'sgd') {
          ops.push(await prepareSgdUpdate(gpu, { w, g, lr: o.lr, clip }));
        } else {
          const m = this.f32([...w.shape], `${w.label} Adam m`);
          const v = this.f32([...w.shape], `${w.label} Adam v`);
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

  /**
   * Trains one epoch (`epoch` counts from 1); with `evaluate` (the default) also evaluates, in the same
   * submit, and reads back the metrics (else returns null after the GPU has finished the epoch).
   */
  async trainEpoch(epoch: number): Promise<EpochMetrics>;
  async trainEpoch(epoch: number, evaluate: false): Promise<null>;
  async trainEpoch(epoch: number, evaluate = true): Promise<EpochMetrics | null> {
    const { gpu, R } = this;
    const o = this.config.optimizer;
    const order = epochOrder(this.config.seed, R, epoch - 1, this.nTrain);
    gpu.device.queue.writeBuffer(this.buf(this.order), 0, order.buffer, order.byteOffset, order.byteLength);
    const alphas = Float32Array.from(this.batches, (_, s) =>
      o.name === 'adam'
        ? adamStepSize({ lr: o.lr, t: this.step + s + 1, beta1: o.beta1, beta2: o.beta2, eps: o.eps })
        : 0,
    );
    gpu.device.queue.writeBuffer(this.alphaTable, 0, alphas.buffer, alphas.byteOffset, alphas.byteLength);
    await submitSliced(gpu, `epoch ${epoch}`, async (enc, pause) => {
      for (const [s, batch] of this.batches.entries()) {
        const t = this.trainOps.find((x) => x.rows === batch.size)!;
        enc.copyBufferToBuffer(this.offsetTable, s * 4, t.gather.params, GATHER_OFFSET, 4);
        if (o.name === 'adam') {
          for (const u of this.updateOps)
            enc.copyBufferToBuffer(this.alphaTable, s * 4, u.params!, ADAM_PARAMS_ALPHA_OFFSET, 4);
        }
        const pass = enc.beginComputePass({ label: `epoch ${epoch} step ${s + 1}` });
        t.gather.encode(pass);
        for (const op of this.weightOps) op.encode(pass);
        for (const op of t.ops) op.encode(pass);
        for (const op of this.updateOps) op.encode(pass);
        pass.end();
        await pause();
      }
      if (evaluate) this.encodeEvaluation(enc, true);
    });
    this.step += this.batches.length;
    if (!evaluate) {
      await gpu.device.queue.onSubmittedWorkDone(); // keeps the queue one epoch deep
      return null;
    }
    return this.readRecord();
  }

  /**
   * Evaluation without training: the metrics of the current parameters (epoch 0: the initialisation).
   * `flips`: also measure the flip ratio since the last logged epoch (a run stopped between logged epochs).
   */
  async evaluate(flips = false): Promise<EpochMetrics> {
    await submit(this.gpu, 'evaluation', (enc) => this.encodeEvaluation(enc, flips));
    return this.readRecord();
  }

  private encodeEvaluation(enc: GPUCommandEncoder, flips: boolean): void {
    for (const t of Object.values(this.metrics)) enc.clearBuffer(this.buf(t));
    const est = this.estimation;
    const pass = enc.beginComputePass({ label: 'evaluation' });
    for (const op of this.weightOps) op.encode(pass);
    // Adaptive bins need every layer's min and max over the whole estimation set before any code.
    if (est?.estimator.needsMinMax) {
      for (const c of est.chunks) for (const op of [...c.forward, ...c.minmax]) op.encode(pass);
    }
    for (const set of this.evalChunks) {
      for (const c of set) for (const op of [...c.forward, ...c.metrics, ...c.codes]) op.encode(pass);
    }
    if (est) for (const op of est.estimator.countOps) op.encode(pass);
    if (flips) for (const op of this.flipOps) op.encode(pass);
    pass.end();
    const R4 = this.R * 4;
    [this.metrics.trainLoss, this.metrics.trainAcc, this.metrics.testLoss, this.metrics.testAcc].forEach(
      (t, i) => {
        enc.copyBufferToBuffer(this.buf(t), 0, this.record, i * R4, R4);
      },
    );
    let k = 4;
    for (const s of this.layers) {
      if (!s.flip) continue;
      if (flips) enc.copyBufferToBuffer(this.buf(s.flip), 0, this.record, k * R4, R4);
      else enc.clearBuffer(this.record, k * R4, R4);
      k++;
    }
    est?.estimator.encodeReadback(enc);
  }

  private async readRecord(): Promise<EpochMetrics> {
    // The estimate's counts were copied in the same submit (encodeEvaluation): map both at once.
    const info = this.estimation?.estimator.readEncoded();
    info?.catch(() => {}); // awaited below; no unhandled rejection if the record's map fails first
    await this.record.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(this.record.getMappedRange().slice(0));
    this.record.unmap();
    const R = this.R;
    const part = (k: number) => all.slice(k * R, (k + 1) * R);
    const metrics: EpochMetrics = {
      trainLoss: part(0),
      trainAcc: part(1),
      testLoss: part(2),
      testAcc: part(3),
      flipRatio: this.flipOps.map((_, j) => part(4 + j)),
    };
    if (this.estimation) {
      metrics.info = await info;
      if (this.estimation.kde) metrics.kde = await this.estimateKde(this.estimation.kde);
    }
    return metrics;
  }

  /**
   * Turns on the information-plane estimate at every evaluation: each hidden layer's codes over the
   * estimation set are computed right after each chunk's forward pass (the one the metrics use), counted
   * on the GPU, and read back as a few (k, m_k) pairs per layer and replica. Binary-output layers use their
   * exact sign patterns (ste_heaviside's {0, 1} at threshold 0.5); float layers the settings' bins.
   * With `kde`, the KDE upper bound of every float hidden layer over the first `kdeMax` samples.
   */
  async enableEstimation(
    settings: EstimatorSettings,
    set: 'full' | 'train' | 'test',
    options: { kde?: boolean; kdeVariance?: number; kdeMax?: number } = {},
  ): Promise<void> {
    if (this.estimation) throw new Error('estimation is already enabled');
    const { gpu, R } = this;
    const [train, test] = this.evalChunks;
    const chunks = set === 'train' ? train : set === 'test' ? test : [...train, ...test];
    const labels = new Uint32Array(
      set === 'train' ? this.yTrain : set === 'test' ? this.yTest : [...this.yTrain, ...this.yTest],
    );
    const hidden = this.plan.layers.filter((l) => l.activation !== null);
    const estimator = await createLayerEstimator(gpu, {
      R,
      n: labels.length,
      classes: this.plan.classes,
      labels,
      layers: hidden.map((l) => ({ width: l.width, coding: codingOf(settings, l) })),
      millerMadow: settings.millerMadow,
    });
    this.owned.push(estimator);
    let rowOffset = 0;
    for (const c of chunks) {
      for (const [i] of hidden.entries()) {
        const ops = await estimator.prepareChunk(i, c.acts.layers[i].out, rowOffset);
        c.codes.push(ops.codes);
        if (ops.minmax) c.minmax.push(ops.minmax);
      }
      rowOffset += c.rows;
    }
    this.estimation = { estimator, chunks };
    if (options.kde) {
      const n = Math.min(labels.length, options.kdeMax ?? KDE_MAX_SAMPLES);
      const layers: KdeState['layers'] = [];
      for (const l of hidden) {
        if (l.binaryOutput) {
          layers.push(null);
          continue;
        }
        const acts = this.f32([R, n, l.width], `${l.name} activations for KDE`);
        const kde = await createKdeEstimator(gpu, {
          acts,
          labels: labels.subarray(0, n),
          classes: this.plan.classes,
          sigma2: options.kdeVariance ?? 1e-3,
        });
        this.owned.push(kde);
        layers.push({ acts, estimator: kde });
      }
      this.estimation.kde = { n, layers };
    }
  }

  /** The KDE bound of every float hidden layer over the first n samples of the estimation set. */
  private async estimateKde(kde: KdeState): Promise<(KdeEstimate[] | null)[]> {
    const chunks = this.estimation!.chunks;
    await submit(this.gpu, 'KDE estimate', (enc) => {
      let offset = 0;
      for (const c of chunks) {
        if (offset >= kde.n) break;
        const pass = enc.beginComputePass({ label: 'KDE forward' });
        for (const op of this.weightOps) op.encode(pass);
        for (const op of c.forward) op.encode(pass);
        pass.end();
        const rows = Math.min(c.rows, kde.n - offset);
        kde.layers.forEach((k, i) => {
          if (!k) return;
          const W = this.plan.layers[i].width;
          for (let r = 0; r < this.R; r++) {
            enc.copyBufferToBuffer(
              this.buf(c.acts.layers[i].out),
              r * c.rows * W * 4,
              this.buf(k.acts),
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

  /**
   * Every layer's output (activation; logits for the output layer) over the training or test set in
   * evaluation mode, as f32 [R, n, width] per layer, in the set's order. One submit and read-back per
   * chunk. Pre-activations (`pre`) are the values before the activation (after batch normalization).
   */
  async layerOutputs(set: 'train' | 'test', what: 'out' | 'pre' = 'out'): Promise<Float32Array[]> {
    const { R } = this;
    const n = set === 'train' ? this.nTrain : this.nTest;
    const outs = this.plan.layers.map((l) => new Float32Array(R * n * l.width));
    for (const c of this.evalChunks[set === 'train' ? 0 : 1]) {
      await submit(this.gpu, `layer outputs (${set}, rows ${c.start}…)`, (enc) => {
        const pass = enc.beginComputePass();
        for (const op of this.weightOps) op.encode(pass);
        for (const op of c.forward) op.encode(pass);
        pass.end();
      });
      for (const [i, a] of c.acts.layers.entries()) {
        const N = this.plan.layers[i].width;
        const got = await readTensor(this.gpu, what === 'out' ? a.out : a.zn);
        for (let r = 0; r < R; r++)
          outs[i].set(got.subarray(r * c.rows * N, (r + 1) * c.rows * N), (r * n + c.start) * N);
      }
    }
    return outs;
  }

  /** The gradients of the last training step (of the mean minibatch loss), per layer. */
  async readGradients(): Promise<
    { w: Float32Array; b?: Float32Array; gamma?: Float32Array; beta?: Float32Array }[]
  > {
    const read = async (t?: F32) => (t ? await readTensor(this.gpu, t) : undefined);
    const out = [];
    for (const s of this.layers) {
      out.push({
        w: (await read(s.dw))!,
        b: await read(s.db),
        gamma: await read(s.dgamma),
        beta: await read(s.dbeta),
      });
    }
    return out;
  }

  /**
   * The parameter buffers of every layer (latent W [R, N, K]; bias, γ, β, running mean and variance
   * [R, N]), for a trainer that trains them elsewhere and leaves evaluation and estimation to this one
   * (src/nn/fused-trainer.ts copies its parameters into them).
   */
  parameterBuffers(): Partial<
    Record<'w' | 'bias' | 'gamma' | 'beta' | 'runningMean' | 'runningVar', GPUBuffer>
  >[] {
    const b = (t?: F32) => (t ? this.buf(t) : undefined);
    return this.layers.map((s) => ({
      w: this.buf(s.w),
      bias: b(s.bias),
      gamma: b(s.gamma),
      beta: b(s.beta),
      runningMean: b(s.runningMean),
      runningVar: b(s.runningVar),
    }));
  }

  /** The current parameters, for checks and exports. */
  async readParams(): Promise<LayerParams[]> {
    const read = async (t?: F32) => (t ? await readTensor(this.gpu, t) : undefined);
    const out: LayerParams[] = [];
    for (const s of this.layers) {
      out.push({
        weights: (await read(s.w))!,
        bias: await read(s.bias),
        gamma: await read(s.gamma),
        beta: await read(s.beta),
        runningMean: await read(s.runningMean),
        runningVar: await read(s.runningVar),
      });
    }
    return out;
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
  }
}

/** The KDE bound costs O(n²·W): it runs over at most this many samples of the estimation set. */
export const KDE_MAX_SAMPLES = 4096;

/** How a hidden layer's activations become codes: exact sign patterns for quantizers, else the bins. */
function codingOf(settings: EstimatorSettings, l: LayerPlan): LayerCoding {
  if (!l.binaryOutput) return layerCoding(settings, false);
  return l.activation === 'ste_heaviside' ? { mode: 'sign', threshold: 0.5 } : { mode: 'sign' };
}

/** Byte offset of `offset` in gather_rows' params (copied per step). */
const GATHER_OFFSET = d.memoryLayoutOf(GatherParams, (p) => p.offset).offset;
