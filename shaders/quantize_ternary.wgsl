// quantize_ternary v1 — ternary weights (TWN: Li, Zhang & Liu 2016), per replica, unscaled.
//
//   Δ_r = (Σ_i |w[r, i]|) · f32(0.7 / P)       TWN's threshold 0.7 · mean |w| over the replica's P weights
//   y[r, i] = sign(w[r, i]) if |w[r, i]| > Δ_r, else 0          values in {−1, 0, +1}, no α
//
// The sum is in a fixed order, no atomics: invocation t adds w[t], w[t + WG], … in turn, then the WG
// partial sums meet in a binary tree in workgroup memory (WG a power of two). The CPU reference
// (src/kernels/quantize/ref.ts) follows the same order in f32, so Δ and y match bit for bit; 0.7/P comes
// from the host (no division here). The backward is ste_sign's (activation_backward).
//
// Bindings: params {R, P, scale = f32(0.7/P)}; w: f32[R·P]; y: f32[R·P].
// Dispatch: one workgroup per replica; workgroup (WG, 1, 1); grid (R, 1, 1).
// Overrides: WG (workgroup size, a power of two).
// Versions: v1 (this file).

struct Params { R: u32, P: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 64;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = lid.x;
  let base = wid.x * p.P;
  var s = 0.0;
  for (var i = t; i < p.P; i += WG) { s += abs(w[base + i]); }
  partial[t] = s;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h >>= 1u) {
    if (t < h) { partial[t] += partial[t + h]; }
    workgroupBarrier();
  }
  let delta = partial[0] * p.scale;
  for (var i = t; i < p.P; i += WG) {
    let v = w[base + i];
    y[base + i] = select(0.0, sign(v), abs(v) > delta);
  }
}
