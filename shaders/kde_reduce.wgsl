// kde_reduce — per replica and class, the fixed-order sums of kde_pairwise's log-sums that the KDE bound
// needs (the formula itself runs in float64 on the CPU: src/info/kde.ts):
//
//   sums[r, y] = Σ_{i : labels[i] = y} lse_cls[r, i]     (y < C)
//   sums[r, C] = Σ_i lse_all[r, i]
//
// Bindings: params {R, n, C}; lse: f32[R·n·2] = (lse_all, lse_cls); labels: u32[n]; sums: f32[R·(C+1)].
// Dispatch: one workgroup per (class or "all", replica): workgroup (WG, 1, 1), grid (C + 1, R, 1). Lane l
// sums i = l, l + WG, … in order, then a binary tree in workgroup memory (WG a power of two): a fixed
// order, bit-identical run to run. No atomics. Versions: v1 (this file).

struct Params { R: u32, n: u32, C: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> lse: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> sums: array<f32>;

override WG: u32 = 64;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let l = lid.x;
  let c = wid.x;
  let r = wid.y;
  var s = 0.0;
  for (var i = l; i < p.n; i += WG) {
    let v = lse[(r * p.n + i) * 2u + select(1u, 0u, c == p.C)];
    if (c == p.C || labels[i] == c) { s += v; }
  }
  partial[l] = s;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h >>= 1u) {
    if (l < h) { partial[l] += partial[l + h]; }
    workgroupBarrier();
  }
  if (l == 0u) { sums[r * (p.C + 1u) + c] = partial[0]; }
}
