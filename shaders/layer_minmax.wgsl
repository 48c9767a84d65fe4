// layer_minmax — per replica, the min and max of a layer's activations over the estimation set, chunk by
// chunk (the range of the adaptive binning in layer_codes).
//
//   out[r] = [min, max] over x[r, ·, ·]                              (ACCUMULATE = false: the first chunk)
//   out[r] = [min(out[r].min, chunk min), max(out[r].max, chunk max)] (ACCUMULATE = true: later chunks)
//
// min and max are exact and order-independent, so any reduction tree gives the same result.
// Subnormal values count as 0, as in layer_codes (`ftz`). (NaN: WGSL's min/max leave it unspecified.)
//
// Bindings: params {R, M} (M = rows·W values per replica in this chunk); x: f32[R·M]; out: f32[R·2].
// Dispatch: one workgroup per replica, workgroup (WG, 1, 1), grid (1, 1, R); lane l folds x[r, l],
// x[r, l + WG], … then a binary tree in workgroup memory (WG a power of two). One workgroup per replica
// reads at most a chunk (a few MiB): enough for a once-per-logged-epoch pass.
// Versions: v1 (this file).

struct Params { R: u32, M: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32 = 64;
override ACCUMULATE: bool = false;

var<workgroup> lo: array<f32, WG>;
var<workgroup> hi: array<f32, WG>;

fn ftz(t: f32) -> f32 {
  if ((bitcast<u32>(t) & 0x7f800000u) == 0u) { return 0.0; }
  return t;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let l = lid.x;
  let r = wid.z;
  let base = r * p.M;
  // Lanes past M start from the first value, so they never widen the range.
  var mn = ftz(x[base]);
  var mx = mn;
  for (var i = l; i < p.M; i += WG) {
    let v = ftz(x[base + i]);
    mn = min(mn, v);
    mx = max(mx, v);
  }
  lo[l] = mn;
  hi[l] = mx;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h >>= 1u) {
    if (l < h) {
      lo[l] = min(lo[l], lo[l + h]);
      hi[l] = max(hi[l], hi[l + h]);
    }
    workgroupBarrier();
  }
  if (l == 0u) {
    var a = lo[0];
    var b = hi[0];
    if (ACCUMULATE) {
      a = min(a, out[2u * r]);
      b = max(b, out[2u * r + 1u]);
    }
    out[2u * r] = a;
    out[2u * r + 1u] = b;
  }
}
