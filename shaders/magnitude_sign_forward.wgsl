// magnitude_sign_forward — Larq's magnitude_aware_sign over x [R, B, N] (B the batch, N the units):
//
//   α[r, n]     = (1/B) · Σ_b |x[r, b, n]|        (the mean over every axis but the last; 0 when B = 0)
//   y[r, b, n]  = α[r, n] · sign(x[r, b, n])      (sign(0) = +1, never 0)
//
// α is written out for the backward (magnitude_sign_backward.wgsl), which treats it as a constant.
// Determinism: one invocation owns a column (r, n) and sums its B values in order b = 0, 1, …, B − 1;
// no atomics, so α is bit-identical run to run.
//
// Bindings: params {R, B, N}; x: f32[R·B·N]; y: f32[R·B·N]; alpha: f32[R·N].
// Dispatch: one invocation per (r, n); workgroup (WG, 1, 1) over n (neighbours read neighbouring
// addresses); grid (ceil(N/WG), 1, R).

struct Params { R: u32, B: u32, N: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> alpha: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = gid.x;
  let r = gid.z;
  if (n >= p.N || r >= p.R) { return; }
  let col = r * p.B * p.N + n; // x[r, 0, n]; x[r, b, n] = x[col + b·N]
  var s = 0.0;
  for (var b = 0u; b < p.B; b++) {
    s += abs(x[col + b * p.N]);
  }
  let a = s / f32(max(p.B, 1u));
  alpha[r * p.N + n] = a;
  for (var b = 0u; b < p.B; b++) {
    let i = col + b * p.N;
    y[i] = select(-a, a, x[i] >= 0.0);
  }
}
