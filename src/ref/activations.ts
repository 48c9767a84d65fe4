/**
 * CPU reference of the activations and quantizers (docs/METHOD.md §2): ONE table, each function beside its
 * derivative (micrograd's `_backward` next to the op, TF Playground's `{ output, der }`). Plain float64
 * loops; the executable spec shaders/activation_{forward,backward}.wgsl and
 * shaders/magnitude_sign_{forward,backward}.wgsl are tested against.
 *
 * `backward(x)` is dy/dx at the forward's input x (the pre-activation): the true derivative for the float
 * activations, the pseudo-gradient of the straight-through estimator for the quantizers. The kernels
 * compute dx = dy · backward(x).
 *
 * Conventions at the kinks (the GPU matches these exactly):
 * - sign(0) = +1, never 0; heaviside(0) = 0 (1 only for x > 0).
 * - every window abs(x) ≤ 1 is inclusive: ste_sign, ste_heaviside, approx_sign (where it is 0 anyway)
 *   and hardtanh pass the gradient at exactly ±1 (BinaryNet, Larq, TF's clip_by_value, JAX's hard_tanh;
 *   PyTorch's hardtanh gives 0 there).
 * - relu'(0) = 0 (PyTorch and TF).
 */
import { sign } from './binary.ts';

/** swish_sign's β (BNN+, Larq's default 5); the kernels take it as a parameter, this is its default. */
export const SWISH_BETA = 5;

export interface Activation {
  /** Readable name, used in run configurations and links. */
  name: string;
  /** The WGSL `KIND` override that selects this function in shaders/activation_*.wgsl. */
  id: number;
  /** A quantizer (binary output, STE backward) rather than a float activation. */
  quantizer: boolean;
  /** y = f(x). */
  forward: (x: number, beta: number) => number;
  /** dy/dx at x (pseudo-gradient for quantizers). */
  backward: (x: number, beta: number) => number;
}

const ste = (x: number): number => (Math.abs(x) <= 1 ? 1 : 0);
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const ACTIVATIONS = [
  // Quantizers: forward sign(x), backward a pseudo-gradient (Larq's larq/quantizers.py).
  { name: 'ste_sign', id: 0, quantizer: true, forward: sign, backward: ste },
  { name: 'ste_identity', id: 1, quantizer: true, forward: sign, backward: () => 1 },
  {
    name: 'approx_sign',
    id: 2,
    quantizer: true,
    forward: sign,
    backward: (x) => (Math.abs(x) <= 1 ? 2 - 2 * Math.abs(x) : 0),
  },
  {
    name: 'swish_sign',
    id: 3,
    quantizer: true,
    forward: sign,
    backward: (x, b) => (b * (2 - b * x * Math.tanh((b * x) / 2))) / (1 + Math.cosh(b * x)),
  },
  { name: 'ste_heaviside', id: 4, quantizer: true, forward: (x) => (x > 0 ? 1 : 0), backward: ste },
  // Float activations (the DNN baselines).
  { name: 'tanh', id: 5, quantizer: false, forward: Math.tanh, backward: (x) => 1 - Math.tanh(x) ** 2 },
  { name: 'relu', id: 6, quantizer: false, forward: (x) => Math.max(x, 0), backward: (x) => (x > 0 ? 1 : 0) },
  {
    name: 'sigmoid',
    id: 7,
    quantizer: false,
    forward: sigmoid,
    backward: (x) => sigmoid(x) * (1 - sigmoid(x)),
  },
  {
    name: 'hardtanh',
    id: 8,
    quantizer: false,
    forward: (x) => Math.min(Math.max(x, -1), 1),
    backward: ste,
  },
  { name: 'linear', id: 9, quantizer: false, forward: (x) => x, backward: () => 1 },
] as const satisfies readonly Activation[];

/** 'ste_sign' | 'ste_identity' | … | 'linear': what a run configuration may name. */
export type ActivationName = (typeof ACTIVATIONS)[number]['name'];

export const ACTIVATION_NAMES: readonly ActivationName[] = ACTIVATIONS.map((a) => a.name);

/** The table entry of `name`; throws on an unknown name, listing the known ones. */
export function activation(name: ActivationName): Activation {
  const a = ACTIVATIONS.find((e) => e.name === name);
  if (!a) throw new Error(`unknown activation '${name}'; known: ${ACTIVATION_NAMES.join(', ')}`);
  return a;
}

/** shaders/activation_forward.wgsl: y[i] = f(x[i]). */
export function activationForwardRef(
  name: ActivationName,
  x: ArrayLike<number>,
  beta = SWISH_BETA,
): Float64Array {
  const { forward } = activation(name);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = forward(x[i], beta);
  return y;
}

/** shaders/activation_backward.wgsl: dx[i] = dy[i] · f'(x[i]). */
export function activationBackwardRef(
  name: ActivationName,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  beta = SWISH_BETA,
): Float64Array {
  const { backward } = activation(name);
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) dx[i] = dy[i] * backward(x[i], beta);
  return dx;
}

/**
 * shaders/magnitude_sign_forward.wgsl, Larq's `magnitude_aware_sign` over x [R, B, N]:
 *   α[r, n] = mean_b |x[r, b, n]|   (Larq: the mean over every axis but the last; an empty batch gives 0)
 *   y[r, b, n] = α[r, n] · sign(x[r, b, n])
 */
export function magnitudeSignForwardRef(
  x: ArrayLike<number>,
  R: number,
  B: number,
  N: number,
): { y: Float64Array; alpha: Float64Array } {
  const y = new Float64Array(R * B * N);
  const alpha = new Float64Array(R * N);
  for (let r = 0; r < R; r++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += Math.abs(x[(r * B + b) * N + n]);
      const a = s / Math.max(B, 1);
      alpha[r * N + n] = a;
      for (let b = 0; b < B; b++) y[(r * B + b) * N + n] = a * sign(x[(r * B + b) * N + n]);
    }
  }
  return { y, alpha };
}

/**
 * shaders/magnitude_sign_backward.wgsl: dx[r, b, n] = dy[r, b, n] · α[r, n] · 1{|x[r, b, n]| ≤ 1}.
 * Larq computes stop_gradient(α) · ste_sign(x): α is a constant in the chain rule (no gradient flows
 * through the mean), so the gradient is ste_sign's, scaled by α ("as ste_sign", docs/METHOD.md §2).
 */
export function magnitudeSignBackwardRef(
  x: ArrayLike<number>,
  alpha: ArrayLike<number>,
  dy: ArrayLike<number>,
  R: number,
  B: number,
  N: number,
): Float64Array {
  const dx = new Float64Array(R * B * N);
  for (let r = 0; r < R; r++) {
    for (let b = 0; b < B; b++) {
      for (let n = 0; n < N; n++) {
        const i = (r * B + b) * N + n;
        dx[i] = dy[i] * alpha[r * N + n] * ste(x[i]);
      }
    }
  }
  return dx;
}
