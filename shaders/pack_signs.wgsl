// pack_signs — the signs of a float matrix, 32 to a u32 word.
//
//   out[r, m, w] bit j  =  1  if  x[r, m, 32·w + j] < 0      (sign −1)
//                          0  if  x[r, m, 32·w + j] ≥ 0      (sign +1; sign(0) = +1, never 0)
//                          0  if  32·w + j ≥ K               (padding)
//
// Padding convention: bits past K are 0 in every packed operand, so they XOR to 0 and add nothing to
// popcount(a XOR b); the XNOR GEMM then subtracts from the true K, and dot products stay exact for any K.
//
// Bindings: params {R, M, K, KW = ceil(K/32)}; x: f32[R·M·K]; out: u32[R·M·KW].
// Dispatch: one invocation per output word, flat: i = (gid.y·num_workgroups.x)·WG + gid.x over R·M·KW
// words; workgroup (WG, 1, 1); grid ceil(R·M·KW/WG) workgroups, folded into y past the adapter's limit.
// (A grid over (words, rows, replicas) would leave most of each workgroup idle when KW is 1 or 2.)
// Each invocation reads its 32 inputs in order: no races, no atomics.

struct Params { R: u32, M: u32, K: u32, KW: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * WG + gid.x;
  if (i >= p.R * p.M * p.KW) { return; }
  let w = i % p.KW;
  let rm = i / p.KW; // r·M + m
  let row = rm * p.K;
  let k0 = w * 32u;
  let n = min(32u, p.K - k0);
  var word = 0u;
  for (var j = 0u; j < n; j++) {
    if (x[row + k0 + j] < 0.0) { word |= 1u << j; }
  }
  out[i] = word;
}
