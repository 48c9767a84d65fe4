// fused_common — what the fused kernels share (shaders/fused_train.wgsl, shaders/fused_eval.wgsl; each is
// compiled as the generated prelude + this file + its own text + its generated passes): the constants of
// batch normalization and the quantizers, and the activations with their STE pseudo-gradients, the same
// formulas as activation_forward.wgsl / activation_backward.wgsl (ids: ACTIVATIONS in
// src/kernels/activation/ref.ts; 10 = magnitude_aware_sign, whose ±α the column phases write;
// 11, 12, 13 = the k-bit q2, q4, q8).

const BN_EPS: f32 = 1e-5;
const BN_MOMENTUM: f32 = 0.1;
const SWISH_BETA: f32 = 5.0;
const NONE: u32 = 0xffffffffu;

fn finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// q_k (shaders/quantize_uniform.wgsl, the same operations): s = 2^k − 1 steps, half = s/2, inv = f32(1/s)
// (0x3eaaaaab = f32(1/3), 0x3d888889 = f32(1/15), 0x3b808081 = f32(1/255): WGSL's division is not
// correctly rounded, so the constants are the reference's bits).
fn quantize(v: f32, half: f32, steps: f32, inv: f32) -> f32 {
  let c = clamp(v, -1.0, 1.0);
  let t = (c + 1.0) * half;
  let fl = floor(t);
  let j = fl + select(0.0, 1.0, t - fl >= 0.5);
  return (2.0 * j - steps) * inv;
}

fn act(kind: u32, v: f32) -> f32 {
  switch kind {
    case 0u, 1u, 2u, 3u: { return select(-1.0, 1.0, v >= 0.0); }
    case 4u: { return select(0.0, 1.0, v > 0.0); }
    case 5u: { return tanh(clamp(v, -10.0, 10.0)); }
    case 6u: { return max(v, 0.0); }
    case 7u: {
      let e = exp(-min(abs(v), 100.0));
      return select(e, 1.0, v >= 0.0) / (1.0 + e);
    }
    case 8u: { return clamp(v, -1.0, 1.0); }
    case 11u: { return quantize(v, 1.5, 3.0, bitcast<f32>(0x3eaaaaabu)); }
    case 12u: { return quantize(v, 7.5, 15.0, bitcast<f32>(0x3d888889u)); }
    case 13u: { return quantize(v, 127.5, 255.0, bitcast<f32>(0x3b808081u)); }
    default: { return v; }
  }
}

fn window(v: f32) -> f32 { return select(0.0, 1.0, abs(v) <= 1.0); }

fn act_grad(kind: u32, v: f32) -> f32 {
  switch kind {
    case 0u, 4u, 8u, 10u, 11u, 12u, 13u: { return window(v); } // k-bit: ste_sign's clip window
    case 2u: { return select(0.0, 2.0 - 2.0 * abs(v), abs(v) <= 1.0); }
    case 3u: {
      let a = min(SWISH_BETA * min(abs(v), 1e30), 100.0);
      let e = exp(-a);
      let q = 1.0 + e;
      return SWISH_BETA * (2.0 - a * (1.0 - e) / q) * 2.0 * e / (q * q);
    }
    case 5u: {
      let e = exp(-2.0 * min(abs(v), 50.0));
      let q = 1.0 + e;
      return 4.0 * e / (q * q);
    }
    case 6u: { return select(0.0, 1.0, v > 0.0); }
    case 7u: {
      let e = exp(-min(abs(v), 100.0));
      let q = 1.0 + e;
      return e / (q * q);
    }
    default: { return 1.0; }
  }
}
