// activation_forward — an activation or quantizer, elementwise: y[i] = f(x[i]) for i < n (n = R·B·N,
// any shape: the kernel sees a flat array). The override KIND picks f (ids: src/kernels/activation/ref.ts):
//
//   KIND  name            f(x)
//   0     ste_sign        sign(x) = +1 if x ≥ 0 else −1      (sign(0) = +1, never 0)
//   1     ste_identity    sign(x)           } the quantizers differ only in their backward
//   2     approx_sign     sign(x)           } (activation_backward.wgsl)
//   3     swish_sign      sign(x)           }
//   4     ste_heaviside   1 if x > 0 else 0
//   5     tanh            tanh(x)
//   6     relu            max(x, 0)
//   7     sigmoid         1 / (1 + exp(−x))
//   8     hardtanh        clamp(x, −1, 1)
//   9     linear          x
//
// Finite for every finite input (tested up to |x| = 1e30): WGSL lets an implementation assume that no
// Inf or NaN ever appears, and some compute tanh as a ratio of exponentials that overflows, so tanh's
// argument is clamped to ±10 (tanh(10) rounds to 1 in f32) and sigmoid is computed from exp(−|x|) ≤ 1
// with |x| clamped to 100 (sigmoid(−100) ≈ 4e−44, below f32's normal range).
//
// Bindings: params {n, beta}; x: f32[n]; y: f32[n]. (beta is swish_sign's; unused in the forward.)
// Dispatch: one invocation per element; workgroup (WG, 1, 1); grid (gx, gy, 1) with gx·gy ≥ ceil(n/WG),
// gx ≤ the adapter's maxComputeWorkgroupsPerDimension: element i = (gid.y·gx)·WG + gid.x.

struct Params { n: u32, beta: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 64;
override KIND: u32 = 0;

fn sign_pm1(v: f32) -> f32 { return select(-1.0, 1.0, v >= 0.0); }

fn tanh_finite(v: f32) -> f32 { return tanh(clamp(v, -10.0, 10.0)); }

fn sigmoid_finite(v: f32) -> f32 {
  let e = exp(-min(abs(v), 100.0)); // (0, 1]: no overflow
  return select(e, 1.0, v >= 0.0) / (1.0 + e);
}

fn f(v: f32) -> f32 {
  switch KIND {
    case 0u, 1u, 2u, 3u: { return sign_pm1(v); }
    case 4u: { return select(0.0, 1.0, v > 0.0); }
    case 5u: { return tanh_finite(v); }
    case 6u: { return max(v, 0.0); }
    case 7u: { return sigmoid_finite(v); }
    case 8u: { return clamp(v, -1.0, 1.0); }
    case 9u, default: { return v; } // the wrapper admits only the kinds above
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * WG + gid.x;
  if (i >= p.n) { return; }
  y[i] = f(x[i]);
}
