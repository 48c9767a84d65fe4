/**
 * The layered GPU trainer's buffers: per layer its parameters, gradients and (binary layers) sign and
 * flip state (`LayerState`, one set shared by every batch size), and per batch size the activations the
 * forward keeps for the backward (`Acts`). All shapes are per replica, row-major: [R, rows, width].
 * A `TensorPool` owns every buffer it makes, so a trainer frees them with one `destroy()`.
 */
import type { Gpu } from '../gpu/device.ts';
import { createTensor, readTensor, type Tensor, viewTensor } from '../gpu/tensor.ts';
import type { LayerParams } from './init.ts';
import type { NetworkPlan } from './plan.ts';

export type F32 = Tensor<'f32'>;
export type U32 = Tensor<'u32'>;

/** Parameters, their gradients and optimizer state: one set per layer, shared by every batch size. */
export interface LayerState {
  plan: NetworkPlan['layers'][number];
  w: F32; // [R, N, K] latent weights
  wq?: F32; // [R, N, K] sign(W) of binary layers, q(W) of ternary and k-bit ones
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
export interface LayerActs {
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

export interface Acts {
  rows: number;
  x: F32; // [R, rows, D]
  labels: U32; // [R, rows]
  layers: LayerActs[];
  loss: F32; // [R, rows]
  correct: F32; // [R, rows]
  dlogits: F32; // [R, rows, C]
}

/** Makes tensors and GPU buffers and remembers them, to free them all at once. */
export class TensorPool {
  private readonly owned: { destroy(): void }[] = [];

  constructor(readonly gpu: Gpu) {}

  f32(shape: number[], label: string, data?: ArrayLike<number>): F32 {
    const t = createTensor(this.gpu, 'f32', shape, label, data);
    this.owned.push(t.buffer);
    return t;
  }

  u32(shape: number[], label: string, data?: ArrayLike<number>): U32 {
    const t = createTensor(this.gpu, 'u32', shape, label, data);
    this.owned.push(t.buffer);
    return t;
  }

  buffer(descriptor: GPUBufferDescriptor): GPUBuffer {
    return this.own(this.gpu.device.createBuffer(descriptor));
  }

  /**
   * A view of the pool's device that hands every kernel uniform made through it to this pool, so that
   * destroy() frees those too (a trainer makes dozens per network; without this they outlive it).
   */
  scope(): Gpu {
    return Object.assign(Object.create(this.gpu) as Gpu, { track: (r: { destroy(): void }) => this.own(r) });
  }

  /** Takes `x` into the pool (freed by destroy). */
  own<T extends { destroy(): void }>(x: T): T {
    this.owned.push(x);
    return x;
  }

  /** The raw buffer of a tensor (for copies and clears). */
  raw(t: Tensor): GPUBuffer {
    return this.gpu.root.unwrap(t.buffer);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
  }
}

/** Every layer's parameters (initialised from `params`), gradients and sign state, for R replicas. */
export function createLayerStates(
  pool: TensorPool,
  plan: NetworkPlan,
  R: number,
  params: LayerParams[],
): LayerState[] {
  return plan.layers.map((l, i) => {
    const { width: N, fanIn: K } = l;
    const p = params[i];
    const name = l.name;
    const s: LayerState = {
      plan: l,
      w: pool.f32([R, N, K], `${name} W`, p.weights),
      dw: pool.f32([R, N, K], `${name} dW`),
    };
    if (l.binaryWeights) {
      const KW = Math.ceil(K / 32);
      s.wq = pool.f32([R, N, K], `${name} sign(W)`);
      s.wPacked = pool.u32([R, N, KW], `${name} packed W`);
      s.wPrev = pool.u32([R, N, KW], `${name} packed W (last epoch)`);
      s.flip = pool.f32([R], `${name} flip ratio`);
    }
    if (l.quantizedWeights) s.wq = pool.f32([R, N, K], `${name} q(W)`);
    if (l.bias) {
      s.bias = pool.f32([R, N], `${name} b`, p.bias);
      s.db = pool.f32([R, N], `${name} db`);
    }
    if (l.batchNorm) {
      s.gamma = pool.f32([R, N], `${name} γ`, p.gamma);
      s.beta = pool.f32([R, N], `${name} β`, p.beta);
      s.runningMean = pool.f32([R, N], `${name} running mean`, p.runningMean);
      s.runningVar = pool.f32([R, N], `${name} running var`, p.runningVar);
      s.dgamma = pool.f32([R, N], `${name} dγ`);
      s.dbeta = pool.f32([R, N], `${name} dβ`);
    }
    return s;
  });
}

/** The activations of `rows` rows per replica; `training` adds the gradient buffers of the backward. */
export function allocActs(
  pool: TensorPool,
  plan: NetworkPlan,
  R: number,
  rows: number,
  training: boolean,
  tag: string,
): Acts {
  const x = pool.f32([R, rows, plan.inputs], `${tag} inputs`);
  let input = x;
  const layers: LayerActs[] = plan.layers.map((l) => {
    const N = l.width;
    const name = `${tag} ${l.name}`;
    const z = pool.f32([R, rows, N], `${name} z`);
    const a: LayerActs = { input, z, zn: z, out: z };
    if (l.xnor) a.inPacked = pool.u32([R, rows, Math.ceil(l.fanIn / 32)], `${name} packed input`);
    if (l.batchNorm) {
      a.zn = pool.f32([R, rows, N], `${name} BN(z)`);
      a.mean = pool.f32([R, N], `${name} batch mean`);
      a.invstd = pool.f32([R, N], `${name} batch invstd`);
    }
    if (l.activation === 'magnitude_aware_sign') a.alpha = pool.f32([R, N], `${name} α`);
    if (l.activation) a.out = pool.f32([R, rows, N], `${name} activation`);
    if (training) {
      a.dz = pool.f32([R, rows, N], `${name} dz`);
      a.dzn = l.batchNorm ? pool.f32([R, rows, N], `${name} dBN`) : a.dz;
      if (l.activation) a.da = pool.f32([R, rows, N], `${name} da`);
    }
    input = a.out;
    return a;
  });
  const C = plan.classes;
  const last = layers[layers.length - 1];
  return {
    rows,
    x,
    labels: pool.u32([R, rows], `${tag} labels`),
    layers,
    loss: pool.f32([R, rows], `${tag} loss`),
    correct: pool.f32([R, rows], `${tag} correct`),
    // training: the output layer's dz is dlogits; evaluation: a scratch buffer nobody reads
    dlogits: last.dz ?? pool.f32([R, rows, C], `${tag} dlogits (unused)`),
  };
}

/** The same buffers seen with fewer rows. */
export function viewActs(full: Acts, rows: number): Acts {
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

/** A layer's gradients of the last training step (of the mean minibatch loss). */
export interface LayerGradients {
  w: Float32Array;
  b?: Float32Array;
  gamma?: Float32Array;
  beta?: Float32Array;
}

const reader = (gpu: Gpu) => async (t?: Tensor<'f32'>) => (t ? await readTensor(gpu, t) : undefined);

/** Every layer's gradients, read back (checks against the CPU reference). */
export async function readLayerGradients(gpu: Gpu, layers: readonly LayerState[]): Promise<LayerGradients[]> {
  const read = reader(gpu);
  const out: LayerGradients[] = [];
  for (const s of layers) {
    out.push({
      w: (await read(s.dw))!,
      b: await read(s.db),
      gamma: await read(s.dgamma),
      beta: await read(s.dbeta),
    });
  }
  return out;
}

/** Every layer's parameters, read back (checks and exports). */
export async function readLayerParams(gpu: Gpu, layers: readonly LayerState[]): Promise<LayerParams[]> {
  const read = reader(gpu);
  const out: LayerParams[] = [];
  for (const s of layers) {
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

/** A layer's parameter buffers: latent W [R, N, K]; bias, γ, β, running mean and variance [R, N]. */
export type ParameterBuffers = Partial<
  Record<'w' | 'bias' | 'gamma' | 'beta' | 'runningMean' | 'runningVar', GPUBuffer>
>;

export function layerParameterBuffers(gpu: Gpu, layers: readonly LayerState[]): ParameterBuffers[] {
  const buf = (t: Tensor<'f32'>) => gpu.root.unwrap(t.buffer);
  const b = (t?: Tensor<'f32'>) => (t ? buf(t) : undefined);
  return layers.map((s) => ({
    w: buf(s.w),
    bias: b(s.bias),
    gamma: b(s.gamma),
    beta: b(s.beta),
    runningMean: b(s.runningMean),
    runningVar: b(s.runningVar),
  }));
}
