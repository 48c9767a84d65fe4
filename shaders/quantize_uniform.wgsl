// quantize_uniform v1 — k-bit uniform quantizer (DoReFa-style, symmetric on [−1, 1]), elementwise.
//
//   c = clamp(x, −1, 1)
//   t = (c + 1) · s/2                         s = 2^k − 1 steps, 2^k levels
//   j = floor(t) + (t − floor(t) ≥ 0.5)       round half up: k = 1 gives +1 at x = 0 (sign(0) = +1)
//   y = (2j − s) · (1/s)                      one of 2^k values from −1 to +1
//   level[j] = j                              when LEVELS: the layer's exact code digits
//
// Every operation is correctly rounded in f32 and none is an a·b + c the compiler could fuse into an FMA
// (t is (c + 1)·h, and 2j − s is an exact integer), so the CPU reference (src/kernels/quantize/ref.ts)
// matches bit for bit. 1/s comes from the host. The backward is ste_sign's (activation_backward).
//
// Bindings: params {n, half = s/2, steps = s, inv = 1/s}; x: f32[n]; y: f32[n]; level: u32[n].
// Dispatch: workgroup (WG, 1, 1); grid (gx, gy, 1) with gx·gy ≥ ceil(n/WG); element
// i = gid.y · (gx · WG) + gid.x, so n may exceed 65535 · WG.
// Overrides: WG (workgroup size), LEVELS (bool: also write the level indices).
// Versions: v1 (this file).

struct Params { n: u32, half: f32, steps: f32, inv: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> level: array<u32>;

override WG: u32 = 64;
override LEVELS: bool = false;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * (nwg.x * WG) + gid.x;
  if (i >= p.n) { return; }
  let c = clamp(x[i], -1.0, 1.0);
  let t = (c + 1.0) * p.half;
  let fl = floor(t);
  let j = fl + select(0.0, 1.0, t - fl >= 0.5);
  y[i] = (2.0 * j - p.steps) * p.inv;
  if (LEVELS) { level[i] = u32(j); }
}
