// magnitude_sign_backward — the backward of magnitude_sign_forward.wgsl, elementwise over [R, B, N]:
//
//   dx[r, b, n] = dy[r, b, n] · α[r, n] · 1{|x[r, b, n]| ≤ 1}
//
// Larq computes y = stop_gradient(α) · ste_sign(x): α is a constant in the chain rule (no gradient
// flows through the mean of |x|), so the gradient is ste_sign's (the inclusive window |x| ≤ 1), scaled
// by the α the forward wrote. x is the forward's input.
//
// Bindings: params {R, B, N}; x: f32[R·B·N]; alpha: f32[R·N]; dy: f32[R·B·N]; dx: f32[R·B·N].
// Dispatch: one invocation per element; workgroup (WG, 1, 1) over n; grid (ceil(N/WG), B, R).

struct Params { R: u32, B: u32, N: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> alpha: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = gid.x;
  let b = gid.y;
  let r = gid.z;
  if (n >= p.N || b >= p.B || r >= p.R) { return; }
  let i = (r * p.B + b) * p.N + n;
  dx[i] = select(0.0, dy[i] * alpha[r * p.N + n], abs(x[i]) <= 1.0);
}
