// kde_pairwise — the pairwise Gaussian-kernel sums of the KDE upper bound on a layer's entropy
// (Kolchinsky & Tracey; Saxe et al.'s kde.py; docs/METHOD.md §3), per replica and sample i:
//
//   lse_all[r, i] = ln Σ_{j < n}             exp(−‖t_i − t_j‖² · scale)     scale = 1/(2σ²)
//   lse_cls[r, i] = ln Σ_{j : y_j = y_i}     exp(−‖t_i − t_j‖² · scale)
//
// The j = i term is exp(0) = 1 and every other term lies in [0, 1], so each sum lies in [1, n]: no
// running maximum is needed and neither can overflow. j runs 0, 1, …, n − 1 in order (fixed-order f32
// sums, bit-identical run to run). The distance is Σ_k (t_i[k] − t_j[k])², in order of k.
//
// Bindings: params {R, n, W, scale}; acts: f32[R·n·W]; labels: u32[n]; out: f32[R·n·2] = (lse_all, lse_cls).
// Dispatch: one invocation per (replica, i), flat over R·n: i = (gid.y·num_workgroups.x)·WG + gid.x;
// workgroup (WG, 1, 1). Invocations of a workgroup read the same t_j at the same time (a broadcast).
// Versions: v1 (this file); v2 (kde_pairwise.v2.wgsl) stages the t_j in workgroup memory, same order.

struct Params { R: u32, n: u32, W: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> acts: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = gid.y * nwg.x * WG + gid.x;
  if (g >= p.R * p.n) { return; }
  let r = g / p.n;
  let i = g % p.n;
  let ti = g * p.W;
  let yi = labels[i];
  var s_all = 0.0;
  var s_cls = 0.0;
  for (var j = 0u; j < p.n; j++) {
    let tj = (r * p.n + j) * p.W;
    var d2 = 0.0;
    for (var k = 0u; k < p.W; k++) {
      let d = acts[ti + k] - acts[tj + k];
      d2 += d * d;
    }
    let e = exp(-d2 * p.scale);
    s_all += e;
    if (labels[j] == yi) { s_cls += e; }
  }
  out[g * 2u] = log(s_all);
  out[g * 2u + 1u] = log(s_cls);
}
