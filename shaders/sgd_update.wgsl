// sgd_update v1 — plain SGD step with optional latent-weight clipping, elementwise over all parameters.
//
//   w[i] ← w[i] − lr · g[i]
//   w[i] ← clamp(w[i], −clip, clip)        only when CLIP (docs/METHOD.md §2, Larq's weight_clip)
//
// The arrays are flat (n = R·P: every replica's parameters, any shape); each element is independent,
// so one invocation per element, no reductions, no atomics. lr is one scalar for all replicas.
//
// Bindings: params {n, lr, clip}; w: f32[n] (updated in place); g: f32[n].
// Dispatch: workgroup (WG, 1, 1); grid (gx, gy, 1) with gx·gy ≥ ceil(n/WG), gx ≤ the adapter's
// maxComputeWorkgroupsPerDimension; element i = gid.y · (gx · WG) + gid.x, so n may exceed 65535 · WG.
// Overrides: WG (workgroup size), CLIP (bool: clip after the update).
// Versions: v1 (this file).

struct Params { n: u32, lr: f32, clip: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;

override WG: u32 = 64;
override CLIP: bool = false;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * (nwg.x * WG) + gid.x;
  if (i >= p.n) { return; }
  var wi = w[i] - p.lr * g[i];
  if (CLIP) { wi = clamp(wi, -p.clip, p.clip); }
  w[i] = wi;
}
