/**
 * The fused trainer: every minibatch step of every replica in a few dispatches of one kernel
 * (shaders/fused_train.wgsl, one workgroup per replica), for networks within FUSED_LIMITS. It trains;
 * a layered GpuTrainer over the same parameters evaluates, estimates the information plane and measures
 * the flip ratios: the fused kernel keeps the layered trainer's tensors back to back in one buffer
 * (src/nn/fused-layout.ts), and each epoch's submit ends with one copy per tensor into the layered
 * trainer's buffers, so those are always the current parameters.
 *
 *   const t = await FusedTrainer.create(gpu, plan, config, data, params);
 *   await t.trainEpoch(1);        // trains, then evaluates through t.layered (same metrics record)
 *   t.divergence                  // the first step, epoch and replica with a non-finite parameter
 *
 * Steps per dispatch adapt to the adapter: the first epoch runs one step per dispatch, then each epoch's
 * measured time per step sets how many steps fit in DISPATCH_TARGET_MS, so one dispatch stays far below a
 * browser's GPU watchdog (seconds) whatever the adapter. The split follows the clock, yet changes no number:
 * the kernel's state lives in buffers between dispatches (test/fused-trainer.test.ts trains under three
 * splits and compares bit for bit), so it need not be derived from anything fixed.
 */
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import common from '../../shaders/fused_common.wgsl?raw';
import source from '../../shaders/fused_train.wgsl?raw';
import type { RunConfig } from '../config/run-config.ts';
import type { Gpu } from '../gpu/device.ts';
import { type KernelDef, kernelPipeline } from '../gpu/kernel.ts';
import { submit } from '../gpu/submit.ts';
import { createTensor, type Tensor } from '../gpu/tensor.ts';
import { createUniform } from '../gpu/uniform.ts';
import type { EstimatorSettings } from '../info/settings.ts';
import { adamStepSize } from '../kernels/adam_update/kernel.ts';
import { readF32, readU32, rwF32, rwU32 } from '../kernels/layout.ts';
import { epochBatches, epochOrder } from './batches.ts';
import { fusedPasses } from './fused-codegen.ts';
import { fusedEvalForward } from './fused-eval.ts';
import {
  type FusedLayout,
  fusedLayout,
  fusedMisfit,
  fusedPrelude,
  fusedWorkgroup,
  scratchBytes,
} from './fused-layout.ts';
import { DISPATCH_TARGET_MS, fusedSplit } from './fused-split.ts';
import { type EpochMetrics, GpuTrainer, type TrainData } from './gpu-trainer.ts';
import type { LayerParams } from './init.ts';
import type { NetworkPlan } from './plan.ts';

const FusedParams = d.struct({
  r0: d.u32,
  s0: d.u32,
  ns: d.u32,
  n_train: d.u32,
  n_steps: d.u32,
  step_base: d.u32,
  adam: d.u32,
  lr: d.f32,
  beta1: d.f32,
  beta2: d.f32,
  eps: d.f32,
  clip: d.f32,
});

const layout = tgpu.bindGroupLayout({
  p: { uniform: FusedParams },
  x: readF32,
  y: readU32,
  epochData: readU32,
  params: rwF32,
  moments: rwF32,
  scratch: rwF32,
  status: rwU32,
});

/** Where training first produced a non-finite parameter. */
export interface Divergence {
  /** The global step (from 1), the epoch it belongs to (from 1) and the replica. */
  step: number;
  epoch: number;
  replica: number;
}

type Key = 'w' | 'bias' | 'gamma' | 'beta' | 'runningMean' | 'runningVar';
const KEYS: Key[] = ['w', 'bias', 'gamma', 'beta', 'runningMean', 'runningVar'];

export class FusedTrainer {
  readonly kind = 'fused' as const;
  /** The first divergence seen at a logged epoch (status is read with each evaluation). */
  divergence: Divergence | null = null;
  /** Whether evaluations run the fused forward (nn/fused-eval.ts), else the layered one. */
  fusedEvaluation = false;
  /**
   * How an epoch is split into dispatches (adapted after every epoch, see `split`): replicas per
   * dispatch (all of them until measured) and steps per dispatch (one until measured).
   */
  replicasPerDispatch = Number.POSITIVE_INFINITY;
  stepsPerDispatch = 1;
  /** Milliseconds per replica and step (a running mean over epochs). */
  private msPerReplicaStep = Number.NaN;
  private readonly R: number;
  private readonly nTrain: number;
  private readonly nSteps: number;
  private readonly WG: number;
  private readonly layout: FusedLayout;
  private step = 0;
  private pipeline!: GPUComputePipeline;
  private tensors!: {
    x: Tensor<'f32'>;
    y: Tensor<'u32'>;
    epochData: Tensor<'u32'>;
    params: Tensor<'f32'>;
    moments: Tensor<'f32'>;
    scratch: Tensor<'f32'>;
    status: Tensor<'u32'>;
  };
  private statusRead!: GPUBuffer;
  /** Per dispatch slot of an epoch: its uniform and bind group. */
  private slots: { uniform: ReturnType<typeof createUniform<typeof FusedParams>>; group: GPUBindGroup }[] =
    [];
  private readonly owned: { destroy(): void }[] = [];

  private constructor(
    private readonly gpu: Gpu,
    readonly plan: NetworkPlan,
    readonly config: RunConfig,
    readonly layered: GpuTrainer,
    nTrain: number,
    workgroup?: number,
  ) {
    this.R = config.replicas;
    this.nTrain = nTrain;
    const hasBatchNorm = plan.layers.some((l) => l.batchNorm);
    const batches = epochBatches(nTrain, config.batchSize, hasBatchNorm);
    this.nSteps = batches.length;
    this.WG = workgroup ?? fusedWorkgroup(gpu.adapter.software);
    this.layout = fusedLayout(plan, this.R, batches[0]?.size ?? 1);
  }

  /**
   * Throws (naming the limit) when the network does not fit; `workgroup` overrides the adapter's
   * choice (tests check both shapes).
   */
  static async create(
    gpu: Gpu,
    plan: NetworkPlan,
    config: RunConfig,
    data: TrainData,
    params: LayerParams[],
    options: { workgroup?: number } = {},
  ): Promise<FusedTrainer> {
    const WG = options.workgroup ?? fusedWorkgroup(gpu.adapter.software);
    const misfit = fusedMisfit(
      plan,
      config.replicas,
      config.batchSize,
      data.yTrain.length,
      WG,
      gpu.device.limits.maxStorageBufferBindingSize,
    );
    if (misfit) throw new FusedMisfitError(misfit);
    const layered = await GpuTrainer.create(gpu, plan, config, data, params);
    const t = new FusedTrainer(gpu, plan, config, layered, data.yTrain.length, WG);
    try {
      await t.build(data, params);
    } catch (e) {
      t.destroy();
      throw e;
    }
    return t;
  }

  private async build(data: TrainData, params: LayerParams[]): Promise<void> {
    const { gpu, R, WG, layout: lay } = this;
    const own = <T extends Tensor>(t: T): T => {
      this.owned.push(t.buffer);
      return t;
    };
    const packed = new Float32Array(lay.paramFloats);
    lay.layers.forEach((l, i) => {
      for (const k of KEYS) {
        const block = l[k];
        const src = k === 'w' ? params[i].weights : params[i][k];
        if (block && src) packed.set(src, block.offset);
      }
    });
    const nTrain = this.nTrain;
    this.tensors = {
      x: own(createTensor(gpu, 'f32', [data.xTrain.length], 'fused train inputs', data.xTrain)),
      y: own(createTensor(gpu, 'u32', [nTrain], 'fused train labels', data.yTrain)),
      epochData: own(createTensor(gpu, 'u32', [this.nSteps + R * nTrain], 'fused step sizes and order')),
      params: own(createTensor(gpu, 'f32', [lay.paramFloats], 'fused parameters', packed)),
      moments: own(createTensor(gpu, 'f32', [2 * lay.paramFloats], 'fused Adam moments')),
      scratch: own(
        createTensor(gpu, 'f32', [scratchBytes(lay, R, WG) / 4], 'fused activations and partials'),
      ),
      status: own(createTensor(gpu, 'u32', [R * WG], 'fused divergence status')),
    };
    this.statusRead = gpu.device.createBuffer({
      label: 'fused status read-back',
      size: R * WG * 4,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    this.owned.push(this.statusRead);
    // The prelude fixes the network's shape: it is the version (the pipeline cache's key).
    const version = fusedPrelude(this.plan, lay);
    const code = `${version}\n${common}\n${source}\n${fusedPasses(this.plan, lay)}`;
    const def: KernelDef = { name: 'fused_train', versions: { [version]: code }, layout };
    this.pipeline = await kernelPipeline(gpu, def, version, { WG });
    const evalOp = await fusedEvalForward(gpu, this.plan, lay, this.tensors.params, WG, this.owned);
    this.layered.useFastForward(evalOp);
    this.fusedEvaluation = evalOp !== null;
  }

  private buf(t: Tensor): GPUBuffer {
    return this.gpu.root.unwrap(t.buffer);
  }

  /** Uniform and bind group of dispatch slot i (made once, reused every epoch). */
  private slot(i: number) {
    while (this.slots.length <= i) {
      const o = this.config.optimizer;
      const uniform = createUniform(
        this.gpu,
        FusedParams,
        {
          r0: 0,
          s0: 0,
          ns: 0,
          n_train: this.nTrain,
          n_steps: this.nSteps,
          step_base: 0,
          adam: o.name === 'adam' ? 1 : 0,
          lr: o.lr,
          beta1: o.beta1,
          beta2: o.beta2,
          eps: o.eps,
          clip: o.clip,
        },
        `fused params ${this.slots.length}`,
      );
      this.owned.push(uniform);
      const t = this.tensors;
      const group = this.gpu.root.unwrap(
        this.gpu.root.createBindGroup(layout, {
          p: uniform,
          x: t.x.buffer,
          y: t.y.buffer,
          epochData: t.epochData.buffer,
          params: t.params.buffer,
          moments: t.moments.buffer,
          scratch: t.scratch.buffer,
          status: t.status.buffer,
        }),
      );
      this.slots.push({ uniform, group });
    }
    return this.slots[i];
  }

  /**
   * Trains one epoch (`epoch` counts from 1) and, with `evaluate` (the default), evaluates it through
   * the layered trainer and reads the divergence status; else returns null once the GPU has finished.
   */
  async trainEpoch(epoch: number): Promise<EpochMetrics>;
  async trainEpoch(epoch: number, evaluate: false): Promise<null>;
  async trainEpoch(epoch: number, evaluate = true): Promise<EpochMetrics | null> {
    const { gpu, R, nSteps, nTrain } = this;
    const o = this.config.optimizer;
    const data = new Uint32Array(nSteps + R * nTrain);
    const alphas = new Float32Array(data.buffer, 0, nSteps);
    for (let s = 0; s < nSteps; s++) {
      alphas[s] =
        o.name === 'adam'
          ? adamStepSize({ lr: o.lr, t: this.step + s + 1, beta1: o.beta1, beta2: o.beta2, eps: o.eps })
          : 0;
    }
    data.set(epochOrder(this.config.seed, R, epoch - 1, nTrain), nSteps);
    gpu.device.queue.writeBuffer(this.buf(this.tensors.epochData), 0, data.buffer, 0, data.byteLength);
    const per = Math.max(1, Math.min(nSteps, this.stepsPerDispatch));
    const group = Math.max(1, Math.min(R, this.replicasPerDispatch));
    // Replica-major: each group of replicas through all its steps (its state stays in cache), then the next.
    const chunks: [number, number, number, number][] = [];
    for (let r0 = 0; r0 < R; r0 += group) {
      for (let s0 = 0; s0 < nSteps; s0 += per)
        chunks.push([r0, Math.min(group, R - r0), s0, Math.min(per, nSteps - s0)]);
    }
    chunks.forEach(([r0, , s0, ns], i) => {
      this.slot(i).uniform.writePartial({ r0, s0, ns, step_base: this.step });
    });
    const t0 = performance.now();
    await submit(gpu, `fused epoch ${epoch}`, (enc) => {
      chunks.forEach(([, nr], i) => {
        const pass = enc.beginComputePass({ label: `fused epoch ${epoch} part ${i + 1}` });
        pass.setPipeline(this.pipeline);
        pass.setBindGroup(0, this.slot(i).group);
        pass.dispatchWorkgroups(nr, 1, 1);
        pass.end();
      });
      this.encodeCopies(enc);
      if (evaluate)
        enc.copyBufferToBuffer(this.buf(this.tensors.status), 0, this.statusRead, 0, R * this.WG * 4);
    });
    this.step += nSteps;
    if (!evaluate) {
      await gpu.device.queue.onSubmittedWorkDone();
      this.adapt((performance.now() - t0) / (nSteps * R));
      return null;
    }
    // The status was copied in the training submit: map it while the evaluation runs (one round trip
    // to the GPU fewer per logged epoch, which a browser's GPU process makes cost milliseconds).
    const status = this.readStatus();
    status.catch(() => {}); // awaited below; no unhandled rejection if the evaluation fails first
    const metrics = await this.layered.evaluate(true);
    await status;
    return metrics;
  }

  /**
   * The split of the next epochs from the measured time per replica and step (a running mean): B =
   * DISPATCH_TARGET_MS worth of replica-steps per dispatch. The whole epoch when it fits; else groups of
   * replicas through all their steps (each workgroup then runs many steps in a row with its state in
   * cache: at R = 256 on SwiftShader, one step of every replica per dispatch ran ~15 % slower), as long
   * as a group keeps enough workgroups to fill the adapter; else every replica, some steps; else a group
   * of replicas, one step. The split changes no number (test/fused-trainer.test.ts).
   */
  private adapt(ms: number): void {
    const m = Number.isNaN(this.msPerReplicaStep) ? ms : 0.7 * this.msPerReplicaStep + 0.3 * ms;
    this.msPerReplicaStep = m;
    Object.assign(this, fusedSplit(DISPATCH_TARGET_MS / Math.max(m, 1e-6), this.R, this.nSteps));
  }

  /** One copy per tensor: the fused parameter blocks into the layered trainer's buffers. */
  private encodeCopies(enc: GPUCommandEncoder): void {
    const targets = this.layered.parameterBuffers();
    const src = this.buf(this.tensors.params);
    this.layout.layers.forEach((l, i) => {
      for (const k of KEYS) {
        const block = l[k];
        const dst = targets[i][k];
        if (block && dst) enc.copyBufferToBuffer(src, block.offset * 4, dst, 0, this.R * block.size * 4);
      }
    });
  }

  private async readStatus(): Promise<void> {
    await this.statusRead.mapAsync(GPUMapMode.READ);
    const s = new Uint32Array(this.statusRead.getMappedRange().slice(0));
    this.statusRead.unmap();
    if (this.divergence) return;
    let first: Divergence | null = null;
    for (let r = 0; r < this.R; r++) {
      for (let t = 0; t < this.WG; t++) {
        const v = s[r * this.WG + t];
        if (v > 0 && (!first || v < first.step)) {
          first = { step: v, epoch: Math.ceil(v / this.nSteps), replica: r };
        }
      }
    }
    this.divergence = first;
  }

  /** Evaluation without training (epoch 0, or a stop between logged epochs). */
  evaluate(flips = false): Promise<EpochMetrics> {
    return this.layered.evaluate(flips);
  }

  enableEstimation(
    settings: EstimatorSettings,
    set: 'full' | 'train' | 'test',
    options: { kde?: boolean; kdeVariance?: number; kdeMax?: number } = {},
  ): Promise<void> {
    return this.layered.enableEstimation(settings, set, options);
  }

  layerOutputs(set: 'train' | 'test', what: 'out' | 'pre' = 'out'): Promise<Float32Array[]> {
    return this.layered.layerOutputs(set, what);
  }

  readParams(): Promise<LayerParams[]> {
    return this.layered.readParams();
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
    this.layered.destroy();
  }
}

/** A network forced onto the fused trainer that it does not take; the message names the limit. */
export class FusedMisfitError extends Error {
  override name = 'FusedMisfitError';
}
