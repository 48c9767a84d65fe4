// flip_count — the flip ratio of binary weights (Larq): the share of signs that changed since the last
// call, per replica; then the current signs become the previous ones.
//
//   ratio[r] = Σ_w popcount(cur[r, w] XOR prev[r, w]) / total;   prev[r, w] ← cur[r, w]
//
// cur and prev are packed by pack_signs (padding bits 0 in both), W words per replica, `total` the number
// of weights per replica. The count is an integer summed in a fixed order, exact; the ratio is one f32
// division of it.
//
// Bindings: params {R, W, total}; cur: u32[R·W]; prev: u32[R·W] (updated); ratio: f32[R].
// Dispatch: one invocation per replica; workgroup (WG, 1, 1); grid (ceil(R/WG), 1, 1). Called once per
// epoch on a few hundred words: a loop per replica is plenty.

struct Params { R: u32, W: u32, total: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> cur: array<u32>;
@group(0) @binding(2) var<storage, read_write> prev: array<u32>;
@group(0) @binding(3) var<storage, read_write> ratio: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= p.R) { return; }
  var flips = 0u;
  for (var w = 0u; w < p.W; w++) {
    let i = r * p.W + w;
    flips += countOneBits(cur[i] ^ prev[i]);
    prev[i] = cur[i];
  }
  ratio[r] = f32(flips) / f32(max(p.total, 1u));
}
