/**
 * A network plan: the layer shapes and the choices each layer implies, derived once from a run
 * configuration. Pure data, shared by the GPU trainer and the CPU reference trainer, so both build the
 * same network.
 */
import { isQuantizer, type LayerActivation, type RunConfig, type WeightKind } from '../config/run-config.ts';

/** Activations whose output is exactly ±1, so the next binary layer can run as an XNOR GEMM. */
const PM1_OUTPUT: readonly LayerActivation[] = ['ste_sign', 'ste_identity', 'approx_sign', 'swish_sign'];

export interface LayerPlan {
  /** 0-based; the output layer is last. */
  index: number;
  /** "hidden 1", …, "output". */
  name: string;
  fanIn: number;
  width: number;
  binaryWeights: boolean;
  /** float, binary, ternary or k-bit (q2, q4, q8). */
  weights: WeightKind;
  /**
   * Ternary or k-bit weights: the forward uses Wq = q(W) as f32 (no packed signs, no XNOR GEMM), the latent
   * W is clipped like a binary layer's.
   */
  quantizedWeights: boolean;
  batchNorm: boolean;
  /** null for the output layer (softmax + cross-entropy). */
  activation: LayerActivation | null;
  /** A bias is added when there is no batch normalization (BN's β plays that role). */
  bias: boolean;
  /**
   * Binary weights over ±1 inputs, no bias (batch normalization follows): the forward product is an
   * XNOR-popcount GEMM of packed signs; otherwise a float GEMM with sign(W) (or W) as f32. Both give the
   * same exact integers on ±1 inputs.
   */
  xnor: boolean;
  /** Its output is binary (a quantizer): the information plane reads its sign pattern exactly. */
  binaryOutput: boolean;
}

export interface NetworkPlan {
  inputs: number;
  classes: number;
  layers: LayerPlan[];
  /** Inputs are ±1 (the 12-bit task with encoding 'pm1'). */
  pm1Inputs: boolean;
}

export function planNetwork(
  config: RunConfig,
  inputs: number,
  classes: number,
  pm1Inputs: boolean,
): NetworkPlan {
  const layers: LayerPlan[] = [];
  let fanIn = inputs;
  let inputIsPm1 = pm1Inputs;
  const hidden = config.network.hidden;
  hidden.forEach((h, i) => {
    const binaryWeights = h.weights === 'binary';
    layers.push({
      index: i,
      name: `hidden ${i + 1}`,
      fanIn,
      width: h.width,
      binaryWeights,
      weights: h.weights,
      quantizedWeights: h.weights !== 'binary' && h.weights !== 'float',
      batchNorm: h.batchNorm,
      activation: h.activation,
      bias: !h.batchNorm,
      xnor: binaryWeights && inputIsPm1 && h.batchNorm,
      binaryOutput: isQuantizer(h.activation),
    });
    fanIn = h.width;
    inputIsPm1 = PM1_OUTPUT.includes(h.activation);
  });
  const outBinary = config.network.outputWeights === 'binary';
  layers.push({
    index: hidden.length,
    name: 'output',
    fanIn,
    width: classes,
    binaryWeights: outBinary,
    weights: config.network.outputWeights,
    quantizedWeights: false,
    batchNorm: false,
    activation: null,
    bias: true,
    xnor: false, // the output layer has a bias: float GEMM with sign(W)
    binaryOutput: false,
  });
  return { inputs, classes, layers, pm1Inputs };
}

/** Number of trainable scalars per replica. */
export function parameterCount(plan: NetworkPlan): number {
  return plan.layers.reduce(
    (n, l) => n + l.width * l.fanIn + (l.bias ? l.width : 0) + (l.batchNorm ? 2 * l.width : 0),
    0,
  );
}
