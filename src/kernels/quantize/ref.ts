/**
 * CPU reference of the k-bit and ternary quantizers (docs/METHOD.md §2, "k-bit and ternary layers"),
 * the executable spec of shaders/quantize_uniform.wgsl and shaders/quantize_ternary.wgsl.
 *
 * Both emulate the shaders' f32 arithmetic step by step (Math.fround after every operation, sums in the
 * shaders' order), so the kernels are checked EXACTLY: every operation they use is correctly rounded in
 * WGSL (+, −, ×, floor, clamp, abs), none can be fused into an FMA (see the shaders), and there is no
 * division on the GPU (1/s and 0.7/P are computed here and passed as f32).
 *
 * The backward of both is the straight-through estimator of ste_sign, dq/dx = 1 if |x| ≤ 1, else 0: the
 * activation family's activation_backward with kind 'ste_sign' computes it, so there is no second kernel.
 */

const f32 = Math.fround;

/** The bit widths of the uniform quantizer (1 is sign up to the half-ULP band noted below). */
export const QUANT_BITS = [1, 2, 4, 8] as const;
export type QuantBits = (typeof QUANT_BITS)[number];

/** The f32 constants the uniform kernel takes: s = 2^k − 1 steps, s/2, and 1/s rounded to f32. */
export function uniformConstants(bits: number): { steps: number; half: number; inv: number } {
  if (!(QUANT_BITS as readonly number[]).includes(bits)) {
    throw new RangeError(`quantize: bits must be one of ${QUANT_BITS.join(', ')}, got ${bits}`);
  }
  const steps = 2 ** bits - 1;
  return { steps, half: f32(steps / 2), inv: f32(1 / steps) };
}

/**
 * The level index j ∈ {0, …, 2^k − 1} of x: t = (clamp(x, −1, 1) + 1) · s/2, rounded half up
 * (floor(t), plus 1 when t − floor(t) ≥ 0.5; the fraction is exact in f32). Half up makes k = 1 give
 * +1 at x = 0, the sign convention of §2. These indices are a k-bit layer's exact codes.
 */
export function uniformLevel(x: number, bits: number): number {
  const { half } = uniformConstants(bits);
  const c = Math.min(Math.max(f32(x), -1), 1);
  const t = f32(f32(c + 1) * half);
  const fl = Math.floor(t);
  return fl + (t - fl >= 0.5 ? 1 : 0);
}

/** The value of level j: (2j − s) · (1/s) in f32, one of 2^k values from −1 to +1. */
export function uniformValue(level: number, bits: number): number {
  const { steps, inv } = uniformConstants(bits);
  return f32((2 * level - steps) * inv);
}

/** shaders/quantize_uniform.wgsl: y[i] = q_k(x[i]) and, when asked, level[i] = its index. */
export function quantizeUniformRef(
  x: ArrayLike<number>,
  bits: number,
): { y: Float64Array; level: Uint32Array } {
  const y = new Float64Array(x.length);
  const level = new Uint32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    level[i] = uniformLevel(x[i], bits);
    y[i] = uniformValue(level[i], bits);
  }
  return { y, level };
}

/** The ternary kernel's workgroup size, which fixes its summation order (a power of two). */
export const TERNARY_WG = 64;

/** TWN's threshold factor: Δ = 0.7 · mean |w| (Li, Zhang & Liu 2016, "Ternary Weight Networks"). */
export const TWN_FACTOR = 0.7;

/**
 * Σ|w| over one replica's P weights in the shader's order: invocation t of WG adds w[t], w[t + WG], …
 * in turn, then the WG partial sums are added by a binary tree (partial[t] += partial[t + h], h = WG/2,
 * …, 1). WG must be a power of two.
 */
export function ternaryAbsSum(w: ArrayLike<number>, offset: number, P: number, WG: number): number {
  const partial = new Array<number>(WG).fill(0);
  for (let t = 0; t < WG; t++) {
    let s = 0;
    for (let i = t; i < P; i += WG) s = f32(s + Math.abs(f32(w[offset + i])));
    partial[t] = s;
  }
  for (let h = WG / 2; h > 0; h >>= 1) {
    for (let t = 0; t < h; t++) partial[t] = f32(partial[t] + partial[t + h]);
  }
  return partial[0];
}

/**
 * shaders/quantize_ternary.wgsl over R replicas of P weights each: per replica Δ = Σ|w| · f32(0.7/P),
 * then y = sign(w) where |w| > Δ, else 0. Unscaled ({−1, 0, +1}, no α): the batch normalization after
 * every hidden layer's product removes any per-layer scale (docs/METHOD.md §2).
 */
export function quantizeTernaryRef(
  w: ArrayLike<number>,
  R: number,
  P: number,
  WG: number,
): { y: Float64Array; delta: Float64Array } {
  const y = new Float64Array(R * P);
  const delta = new Float64Array(R);
  const scale = f32(TWN_FACTOR / P);
  for (let r = 0; r < R; r++) {
    const d = f32(ternaryAbsSum(w, r * P, P, WG) * scale);
    delta[r] = d;
    for (let i = 0; i < P; i++) {
      const v = f32(w[r * P + i]);
      y[r * P + i] = Math.abs(v) > d ? Math.sign(v) : 0;
    }
  }
  return { y, delta };
}
