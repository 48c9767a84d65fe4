// bop_update v1 — Bop, the latent-free optimizer for binary weights (Helwegen et al. 2019; Larq's Bop),
// elementwise over all replicas' binary weights (n = R·P), in place.
//
//   m[i] ← (1 − γ) · m[i] + γ · g[i]                    the exponential moving average of the gradient
//   w[i] ← −w[i]   if |m[i]| > τ and sign(m[i]) = sign(w[i]), else w[i]
//
// sign is §2's (sign(0) = +1); with |m| > τ > 0, m is never 0. A flip negates w, as Larq's tf.where does:
// the weights are ±1 from the start (docs/METHOD.md §2), so they stay ±1. 1 − γ comes from the host in f32.
// Each element is independent: one invocation per element, no reductions, no atomics.
//
// Bindings: params {n, gamma, decay = 1 − γ, tau}; w: f32[n] (updated in place); m: f32[n] (in place);
// g: f32[n].
// Dispatch: workgroup (WG, 1, 1); grid (gx, gy, 1) with gx·gy ≥ ceil(n/WG); element
// i = gid.y · (gx · WG) + gid.x, so n may exceed 65535 · WG.
// Overrides: WG (workgroup size).
// Versions: v1 (this file).

struct Params { n: u32, gamma: f32, decay: f32, tau: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * (nwg.x * WG) + gid.x;
  if (i >= p.n) { return; }
  let mi = p.decay * m[i] + p.gamma * g[i];
  m[i] = mi;
  let wi = w[i];
  let same = (mi >= 0.0) == (wi >= 0.0);
  if (abs(mi) > p.tau && same) { w[i] = -wi; }
}
