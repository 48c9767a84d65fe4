// gemm v2 — float GEMM tiled in workgroup memory, each invocation computing a 4×4 register block.
//
//   out[r, m, n] = Σ_k opA(a[r])[m, k] · opB(b[r])[k, n]  (+ bias[r, n] when HAS_BIAS)
//
// Same math, bindings, params and transposes as gemm.wgsl (v1); see its header.
// A workgroup of (TILE_N/4)·(TILE_M/4) invocations owns a TILE_M × TILE_N block of the output. It walks
// k in steps of TILE_K: all invocations copy a TILE_M × TILE_K slice of opA and a TILE_K × TILE_N slice
// of opB into workgroup memory (zeros outside the matrices, so M, N, K need not be multiples of the
// tile), then each invocation (tx, ty) accumulates rows 4·ty..4·ty+3 × columns 4·tx..4·tx+3: per k,
// two vec4 loads from workgroup memory feed 16 multiply-adds. Each output's sum still runs over
// ascending k in one invocation, so results are bit-identical run to run.
//
// Workgroup memory holds the slices k-major as vec4s of 4 consecutive rows (opA) or columns (opB);
// every k-row is padded by one vec4 so that the copy's strided stores spread over memory banks.
// Copies are coalesced along whichever index is contiguous in the stored operand.
//
// Bindings: params {R, M, N, K, strideA, strideB, strideBias}; a: f32[R·M·K]; b: f32[R·K·N];
// bias: f32[R·N] (read only when HAS_BIAS); out: f32[R·M·N].
// Dispatch: workgroup (TILE_N/4, TILE_M/4, 1); grid (ceil(N/TILE_N), ceil(M/TILE_M), R).
// TILE_M and TILE_N must be multiples of 4.

struct Params { R: u32, M: u32, N: u32, K: u32, strideA: u32, strideB: u32, strideBias: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override TILE_M: u32 = 32;
override TILE_N: u32 = 32;
override TILE_K: u32 = 16;

const BLOCK = 4u; // the register block is BLOCK × BLOCK (vec4 accumulators)
override WG_X: u32 = TILE_N / BLOCK;
override WG_Y: u32 = TILE_M / BLOCK;
override THREADS: u32 = WG_X * WG_Y;
override A_ROW: u32 = WG_Y + 1; // vec4s per k-row of the opA slice, with one of padding
override B_ROW: u32 = WG_X + 1;

// aT[kk·A_ROW + i][c] = opA[m0 + 4i + c, k0 + kk]; bT[kk·B_ROW + j][c] = opB[k0 + kk, n0 + 4j + c].
var<workgroup> aT: array<vec4f, TILE_K * A_ROW>;
var<workgroup> bT: array<vec4f, TILE_K * B_ROW>;

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

  var acc: array<vec4f, BLOCK>; // acc[i][j] = out[m0 + 4·ty + i, n0 + 4·tx + j], zero-initialised
  let tiles = (p.K + TILE_K - 1u) / TILE_K;
  for (var t = 0u; t < tiles; t++) {
    let k0 = t * TILE_K;
    for (var i = li; i < TILE_M * TILE_K; i += THREADS) {
      // Consecutive invocations take consecutive addresses of the stored operand.
      var mm = i / TILE_K;
      var kk = i % TILE_K;
      if (TRANS_A) { kk = i / TILE_M; mm = i % TILE_M; }
      let m = m0 + mm;
      let k = k0 + kk;
      var v = 0.0;
      if (m < p.M && k < p.K) {
        if (TRANS_A) { v = a[baseA + k * p.M + m]; } else { v = a[baseA + m * p.K + k]; }
      }
      aT[kk * A_ROW + mm / BLOCK][mm % BLOCK] = v;
    }
    for (var i = li; i < TILE_K * TILE_N; i += THREADS) {
      var kk = i / TILE_N;
      var nn = i % TILE_N;
      if (TRANS_B) { nn = i / TILE_K; kk = i % TILE_K; }
      let n = n0 + nn;
      let k = k0 + kk;
      var v = 0.0;
      if (n < p.N && k < p.K) {
        if (TRANS_B) { v = b[baseB + n * p.K + k]; } else { v = b[baseB + k * p.N + n]; }
      }
      bT[kk * B_ROW + nn / BLOCK][nn % BLOCK] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let av = aT[kk * A_ROW + lid.y];
      let bv = bT[kk * B_ROW + lid.x];
      acc[0] += av.x * bv;
      acc[1] += av.y * bv;
      acc[2] += av.z * bv;
      acc[3] += av.w * bv;
    }
    workgroupBarrier();
  }

  let n = n0 + BLOCK * lid.x;
  var bv = vec4f(0.0);
  if (HAS_BIAS) {
    for (var j = 0u; j < BLOCK; j++) {
      if (n + j < p.N) { bv[j] = bias[r * p.strideBias + n + j]; }
    }
  }
  for (var i = 0u; i < BLOCK; i++) {
    let m = m0 + BLOCK * lid.y + i;
    if (m >= p.M) { break; }
    let row = acc[i] + bv;
    for (var j = 0u; j < BLOCK; j++) {
      if (n + j < p.N) { out[(r * p.M + m) * p.N + n + j] = row[j]; }
    }
  }
}
