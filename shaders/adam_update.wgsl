// adam_update v1 — Adam step as in Keras (β1 0.9, β2 0.999, ε 1e-7 by default), with optional
// latent-weight clipping, elementwise over all parameters.
//
//   m[i] ← β1 · m[i] + (1 − β1) · g[i]
//   v[i] ← β2 · v[i] + (1 − β2) · g[i]²
//   w[i] ← w[i] − α_t · m[i] / (sqrt(v[i]) + ε),     α_t = lr · sqrt(1 − β2^t) / (1 − β1^t),  t ≥ 1
//   w[i] ← clamp(w[i], −clip, clip)                    only when CLIP (docs/METHOD.md §2, Larq's weight_clip)
//
// ε is added to sqrt(v) without bias correction ("epsilon hat", as Keras and Kingma & Ba §2 do it).
// α_t is computed by the host in float64 from lr and the step t and passed as `alpha`: in f32 on the
// GPU, 1 − β2^t at t = 1 is 1e-3 from a difference of numbers near 1, and pow's few-ULP error there
// would be a 1e-4 relative error in the step.
// The arrays are flat (n = R·P: every replica's parameters, any shape); each element is independent,
// so one invocation per element, no reductions, no atomics. Hyper-parameters are scalars for all replicas.
//
// Bindings: params {n, beta1, beta2, eps, alpha, clip}; w, m, v: f32[n] (updated in place); g: f32[n].
// Dispatch: workgroup (WG, 1, 1); grid (gx, gy, 1) with gx·gy ≥ ceil(n/WG), gx ≤ the adapter's
// maxComputeWorkgroupsPerDimension; element i = gid.y · (gx · WG) + gid.x, so n may exceed 65535 · WG.
// Overrides: WG (workgroup size), CLIP (bool: clip after the update).
// Versions: v1 (this file).

struct Params { n: u32, beta1: f32, beta2: f32, eps: f32, alpha: f32, clip: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

override WG: u32 = 64;
override CLIP: bool = false;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * (nwg.x * WG) + gid.x;
  if (i >= p.n) { return; }
  let gi = g[i];
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * gi;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * (gi * gi);
  m[i] = mi;
  v[i] = vi;
  var wi = w[i] - p.alpha * mi / (sqrt(vi) + p.eps);
  if (CLIP) { wi = clamp(wi, -p.clip, p.clip); }
  w[i] = wi;
}
