// xnor_gemm v2 — binary GEMM by XNOR and popcount, tiled in workgroup memory, 4×4 register blocks.
//
//   out[r, m, n] = Σ_k a±[r, m, k] · b±[r, n, k]  =  K − 2 · Σ_w popcount(a[r, m, w] XOR b[r, n, w])
//
// Same math, bindings, params and packing as xnor_gemm.wgsl (v1); see its header.
// A workgroup of (TILE_N/4)·(TILE_M/4) invocations owns a TILE_M × TILE_N block of the output. It walks
// the packed words in steps of TILE_KW: all invocations copy TILE_KW words of TILE_M rows of a and of
// TILE_N rows of b into workgroup memory (zero words outside the matrices: 0 XOR 0 adds no bits, so M, N
// and KW need not be multiples of the tile, and the padding bits of the last word are 0 in both
// operands already), then each invocation (tx, ty) counts differing bits for rows 4·ty..4·ty+3 ×
// columns 4·tx..4·tx+3: per word, two vec4u loads from workgroup memory feed four vector XOR-popcounts
// (16 words). Integer sums, exact in any order.
//
// Workgroup memory holds the words w-major as vec4u of the same word of 4 consecutive rows; each w-row is
// padded by one vec4u so that the copy's strided stores spread over memory banks. Copies are coalesced
// along the words of a row.
//
// Bindings: params {R, M, N, K, KW, strideA, strideB}; a: u32[R·M·KW]; b: u32[R·N·KW]; out: f32[R·M·N].
// Dispatch: workgroup (TILE_N/4, TILE_M/4, 1); grid (ceil(N/TILE_N), ceil(M/TILE_M), R).
// TILE_M and TILE_N must be multiples of 4.

struct Params { R: u32, M: u32, N: u32, K: u32, KW: u32, strideA: u32, strideB: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override TILE_M: u32 = 32;
override TILE_N: u32 = 32;
override TILE_KW: u32 = 8;

const BLOCK = 4u; // the register block is BLOCK × BLOCK (vec4u accumulators)
override WG_X: u32 = TILE_N / BLOCK;
override WG_Y: u32 = TILE_M / BLOCK;
override THREADS: u32 = WG_X * WG_Y;
override A_ROW: u32 = WG_Y + 1; // vec4u per word-row of the a slice, with one of padding
override B_ROW: u32 = WG_X + 1;

// aT[ww·A_ROW + i][c] = a[m0 + 4i + c, w0 + ww]; bT[ww·B_ROW + j][c] = b[n0 + 4j + c, w0 + ww].
var<workgroup> aT: array<vec4u, TILE_KW * A_ROW>;
var<workgroup> bT: array<vec4u, TILE_KW * B_ROW>;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) li: u32,
) {
  let r = wid.z;
  let m0 = wid.y * TILE_M;
  let n0 = wid.x * TILE_N;
  let baseA = r * p.strideA;
  let baseB = r * p.strideB;

  var diff: array<vec4u, BLOCK>; // diff[i][j]: differing bits of rows m0 + 4·ty + i and n0 + 4·tx + j
  let tiles = (p.KW + TILE_KW - 1u) / TILE_KW;
  for (var t = 0u; t < tiles; t++) {
    let w0 = t * TILE_KW;
    for (var i = li; i < TILE_M * TILE_KW; i += THREADS) {
      let mm = i / TILE_KW;
      let ww = i % TILE_KW;
      let m = m0 + mm;
      let w = w0 + ww;
      var v = 0u;
      if (m < p.M && w < p.KW) { v = a[baseA + m * p.KW + w]; }
      aT[ww * A_ROW + mm / BLOCK][mm % BLOCK] = v;
    }
    for (var i = li; i < TILE_N * TILE_KW; i += THREADS) {
      let nn = i / TILE_KW;
      let ww = i % TILE_KW;
      let n = n0 + nn;
      let w = w0 + ww;
      var v = 0u;
      if (n < p.N && w < p.KW) { v = b[baseB + n * p.KW + w]; }
      bT[ww * B_ROW + nn / BLOCK][nn % BLOCK] = v;
    }
    workgroupBarrier();
    for (var ww = 0u; ww < TILE_KW; ww++) {
      let av = aT[ww * A_ROW + lid.y];
      let bv = bT[ww * B_ROW + lid.x];
      diff[0] += countOneBits(vec4u(av.x) ^ bv);
      diff[1] += countOneBits(vec4u(av.y) ^ bv);
      diff[2] += countOneBits(vec4u(av.z) ^ bv);
      diff[3] += countOneBits(vec4u(av.w) ^ bv);
    }
    workgroupBarrier();
  }

  let n = n0 + BLOCK * lid.x;
  for (var i = 0u; i < BLOCK; i++) {
    let m = m0 + BLOCK * lid.y + i;
    if (m >= p.M) { break; }
    let row = vec4f(vec4i(i32(p.K)) - 2 * vec4i(diff[i]));
    for (var j = 0u; j < BLOCK; j++) {
      if (n + j < p.N) { out[(r * p.M + m) * p.N + n + j] = row[j]; }
    }
  }
}
