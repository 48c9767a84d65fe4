// gather_rows — a minibatch for every replica, gathered from a dataset by index.
//
//   i = idx[r·idxStride + offset + b]
//   out[r, b, d]     = src[i, d]
//   outLabels[r, b]  = srcLabels[i]
// An index ≥ nSource (a bad index list) writes zero inputs and the label 0xFFFFFFFF, which softmax_xent
// turns into a NaN loss: the run stops with a message instead of reading out of bounds.
// idxStride = 0 gives every replica the same rows (evaluation over a fixed set).
//
// Bindings: params {R, B, D, offset, idxStride, nSource}; src: f32[nSource·D]; srcLabels: u32[nSource];
// idx: u32[…]; out: f32[R·B·D]; outLabels: u32[R·B].
// Dispatch: one invocation per output element, flat: e = (gid.y·num_workgroups.x)·WG + gid.x over R·B·D;
// workgroup (WG, 1, 1); grid ceil(R·B·D/WG) workgroups, folded into y past the adapter's limit.
// `offset` changes every step: the trainer copies each step's params into the uniform before its pass.

struct Params { R: u32, B: u32, D: u32, offset: u32, idxStride: u32, nSource: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> srcLabels: array<u32>;
@group(0) @binding(3) var<storage, read> idx: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> outLabels: array<u32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = gid.y * nwg.x * WG + gid.x;
  if (o >= p.R * p.B * p.D) { return; }
  let d = o % p.D;
  let rb = o / p.D; // r·B + b
  let b = rb % p.B;
  let r = rb / p.B;
  let i = idx[r * p.idxStride + p.offset + b];
  if (i >= p.nSource) {
    out[o] = 0.0;
    if (d == 0u) { outLabels[r * p.B + b] = 0xffffffffu; }
    return;
  }
  out[o] = src[i * p.D + d];
  if (d == 0u) { outLabels[r * p.B + b] = srcLabels[i]; }
}
