// activation_backward — the backward of activation_forward.wgsl, elementwise:
//   dx[i] = dy[i] · f'(x[i])     x = the forward's input (the pre-activation), i < n
// with, for the quantizers, the straight-through pseudo-gradients of docs/METHOD.md §2 (Larq, BinaryNet,
// Bi-Real Net, BNN+). KIND as in the forward (ids: src/ref/activations.ts):
//
//   KIND  name            f'(x)
//   0     ste_sign        1 if |x| ≤ 1 else 0               (hardtanh STE; the window is inclusive)
//   1     ste_identity    1
//   2     approx_sign     2 − 2|x| if |x| ≤ 1 else 0
//   3     swish_sign      β·(2 − β·x·tanh(β·x/2)) / (1 + cosh(β·x))
//   4     ste_heaviside   1 if |x| ≤ 1 else 0
//   5     tanh            1 − tanh²(x)
//   6     relu            1 if x > 0 else 0                 (relu'(0) = 0)
//   7     sigmoid         s·(1 − s), s = sigmoid(x)
//   8     hardtanh        1 if |x| ≤ 1 else 0               (inclusive, as the STE; PyTorch gives 0 at ±1)
//   9     linear          1
//
// Finite for every finite input (tested up to |x| = 1e30): no cosh, and no exp of a positive argument.
// With a = |β·x| and e = exp(−a) ∈ (0, 1]:
//   tanh(a/2) = (1 − e)/(1 + e),   1/(1 + cosh(a)) = 2e/(1 + e)²,
// so swish_sign's f' = β·(2 − a·(1 − e)/(1 + e))·2e/(1 + e)² (even in x); a is clamped to 100, past
// which f' is below f32's normal range. tanh's f' is sech²(x) = 4e/(1 + e)² with e = exp(−2|x|) (no
// cancellation in 1 − tanh², |x| clamped to 50); sigmoid's s·(1 − s) is e/(1 + e)² with e = exp(−|x|)
// (|x| clamped to 100).
//
// Bindings: params {n, beta}; x: f32[n]; dy: f32[n]; dx: f32[n].
// Dispatch: as activation_forward.wgsl: workgroup (WG, 1, 1), grid (gx, gy, 1), i = (gid.y·gx)·WG + gid.x.

struct Params { n: u32, beta: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override WG: u32 = 64;
override KIND: u32 = 0;

fn window(v: f32) -> f32 { return select(0.0, 1.0, abs(v) <= 1.0); }

fn swish_sign_grad(v: f32, beta: f32) -> f32 {
  let a = min(beta * min(abs(v), 1e30), 100.0); // β·|x| stays finite for any β below 3e8
  let e = exp(-a);
  let q = 1.0 + e;
  return beta * (2.0 - a * (1.0 - e) / q) * 2.0 * e / (q * q);
}

fn tanh_grad(v: f32) -> f32 {
  let e = exp(-2.0 * min(abs(v), 50.0));
  let q = 1.0 + e;
  return 4.0 * e / (q * q);
}

fn sigmoid_grad(v: f32) -> f32 {
  let e = exp(-min(abs(v), 100.0));
  let q = 1.0 + e;
  return e / (q * q);
}

fn df(v: f32) -> f32 {
  switch KIND {
    case 0u, 4u, 8u: { return window(v); }
    case 2u: { return select(0.0, 2.0 - 2.0 * abs(v), abs(v) <= 1.0); }
    case 3u: { return swish_sign_grad(v, p.beta); }
    case 5u: { return tanh_grad(v); }
    case 6u: { return select(0.0, 1.0, v > 0.0); }
    case 7u: { return sigmoid_grad(v); }
    case 1u, 9u, default: { return 1.0; } // the wrapper admits only the kinds above
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * WG + gid.x;
  if (i >= p.n) { return; }
  dx[i] = dy[i] * df(x[i]);
}
