// reduce_rows — a scaled sum over the batch, per (replica, unit) column, in a fixed order.
//
//   out[r, n] = scale · Σ_b x[r, b, n]            (ACCUMULATE = false)
//   out[r, n] = out[r, n] + scale · Σ_b x[r, b, n]  (ACCUMULATE = true: sums over chunks, in dispatch order)
//
// scale = 1 sums (bias gradients), scale = 1/B averages (the mean of per-sample losses, N = 1).
//
// Bindings: params {R, B, N, scale}; x: f32[R·B·N]; out: f32[R·N].
// Dispatch: one workgroup per WG_N adjacent columns of one replica; workgroup (WG_N, WG_B, 1); grid
// (ceil(N/WG_N), 1, R). Invocation (tx, ty) sums x[r, b, n] for b = ty, ty + WG_B, … in order (adjacent
// invocations read adjacent n: coalesced), then the WG_B partial sums of a column are added by a fixed
// binary tree in workgroup memory. WG_B must be a power of two. No atomics: the result is bit-identical run
// to run for the same (WG_N, WG_B), which the wrapper picks from N alone.
// Versions: v1 (this file).

struct Params { R: u32, B: u32, N: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG_N: u32 = 16;
override WG_B: u32 = 16;
override ACCUMULATE: bool = false;

var<workgroup> partial: array<f32, WG_N * WG_B>;

@compute @workgroup_size(WG_N, WG_B, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let tx = lid.x;
  let ty = lid.y;
  let n = wid.x * WG_N + tx;
  let r = wid.z;
  let in_range = n < p.N; // inactive invocations still take part in the barriers
  var s = 0.0;
  if (in_range) {
    let base = r * p.B * p.N + n;
    for (var b = ty; b < p.B; b += WG_B) { s += x[base + b * p.N]; }
  }
  partial[ty * WG_N + tx] = s;
  workgroupBarrier();
  for (var h = WG_B / 2u; h > 0u; h >>= 1u) {
    if (ty < h) { partial[ty * WG_N + tx] += partial[(ty + h) * WG_N + tx]; }
    workgroupBarrier();
  }
  if (in_range && ty == 0u) {
    let o = r * p.N + n;
    var before = 0.0;
    if (ACCUMULATE) { before = out[o]; }
    out[o] = before + p.scale * partial[tx];
  }
}
