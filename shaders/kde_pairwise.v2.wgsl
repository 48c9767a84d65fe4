// kde_pairwise v2 — as v1 (kde_pairwise.wgsl: the math, the order of the sums, the bindings), with the
// rows t_j staged through workgroup memory: the workgroup loads TJ = min(floor(TILE / W), LABEL_TILE)
// rows (and their labels) at a time, cooperatively and coalesced, then every invocation runs over them in order of j.
// The sums run over j = 0, 1, …, n − 1 exactly as in v1. Needs W ≤ TILE (the wrapper falls back to v1).
//
// Dispatch: workgroup (WG, 1, 1) covers samples i = wid.x·WG + lid.x of replica wid.y; grid
// (ceil(n/WG), R, 1). Invocations past n still load tiles and meet the barriers.

struct Params { R: u32, n: u32, W: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> acts: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG: u32 = 64;
override TILE: u32 = 2048;
override LABEL_TILE: u32 = 1024;

var<workgroup> tile: array<f32, TILE>;
var<workgroup> tileLabels: array<u32, LABEL_TILE>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.y;
  let i = wid.x * WG + lid.x;
  let in_range = i < p.n;
  let ti = (r * p.n + min(i, p.n - 1u)) * p.W;
  var yi = 0u;
  if (in_range) { yi = labels[i]; }
  let tj_rows = min(TILE / p.W, LABEL_TILE);
  var s_all = 0.0;
  var s_cls = 0.0;
  for (var j0 = 0u; j0 < p.n; j0 += tj_rows) {
    let rows = min(tj_rows, p.n - j0);
    let src = (r * p.n + j0) * p.W;
    for (var e = lid.x; e < rows * p.W; e += WG) { tile[e] = acts[src + e]; }
    for (var e = lid.x; e < rows; e += WG) { tileLabels[e] = labels[j0 + e]; }
    workgroupBarrier();
    if (in_range) {
      for (var jj = 0u; jj < rows; jj++) {
        var d2 = 0.0;
        for (var k = 0u; k < p.W; k++) {
          let d = acts[ti + k] - tile[jj * p.W + k];
          d2 += d * d;
        }
        let e = exp(-d2 * p.scale);
        s_all += e;
        if (tileLabels[jj] == yi) { s_cls += e; }
      }
    }
    workgroupBarrier();
  }
  if (in_range) {
    let g = r * p.n + i;
    out[g * 2u] = log(s_all);
    out[g * 2u + 1u] = log(s_cls);
  }
}
