// gemm v3 — float GEMM with 64×64 output tiles, vec4 loads from global and workgroup memory, and an 8×8
// register block per invocation (the shape of TF.js's vec4 WebGPU matmul and of classic SGEMM kernels,
// written anew here).
//
//   out[r, m, n] = Σ_k opA(a[r])[m, k] · opB(b[r])[k, n]  (+ bias[r, n] when HAS_BIAS)
//
// Same math, params and transposes as gemm.wgsl (v1); see its header. a and b are bound as vec4 arrays
// (tensor buffers are padded to a multiple of 16 bytes, src/gpu/tensor.ts). Each invocation loads
// 4 consecutive elements of the stored operand at a time: one vec4 load when the contiguous dimension is
// a multiple of 4 (VEC_A / VEC_B, set by the wrapper), else 4 guarded scalar reads of the same vec4s.
// A workgroup of (TILE_N/8)·(TILE_M/8) invocations owns a TILE_M × TILE_N block of the output and walks
// k in steps of TILE_K through workgroup memory (zeros outside the matrices, so M, N, K need not be
// multiples of anything). Invocation (tx, ty) accumulates rows 8·ty..8·ty+7 × columns 8·tx..8·tx+7 in
// 16 vec4 registers: per k, four vec4 loads from workgroup memory feed 64 multiply-adds. Each output's
// sum runs over ascending k in one invocation, so results are bit-identical run to run.
//
// Workgroup memory holds the slices k-major as vec4s of 4 consecutive rows (opA) or columns (opB), each
// k-row padded by one vec4 against bank conflicts of the transposing stores.
//
// Bindings: params {R, M, N, K, strideA, strideB, strideBias}; a: vec4<f32>[⌈R·M·K/4⌉];
// b: vec4<f32>[⌈R·K·N/4⌉]; bias: f32[R·N] (read only when HAS_BIAS); out: f32[R·M·N].
// Dispatch: workgroup (TILE_N/8, TILE_M/8, 1); grid (ceil(N/TILE_N), ceil(M/TILE_M), R).
// TILE_M, TILE_N multiples of 8; TILE_K a multiple of 4; the slot counts (TILE_M·TILE_K/4,
// TILE_K·TILE_N/4) need not divide evenly among invocations.

struct Params { R: u32, M: u32, N: u32, K: u32, strideA: u32, strideB: u32, strideBias: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override VEC_A: bool = false; // opA's stored rows are a multiple of 4 long: whole-vec4 loads
override VEC_B: bool = false;
override TILE_M: u32 = 64;
override TILE_N: u32 = 64;
override TILE_K: u32 = 16;

override WG_X: u32 = TILE_N / 8u;
override WG_Y: u32 = TILE_M / 8u;
override THREADS: u32 = WG_X * WG_Y;
override A_ROW: u32 = TILE_M / 4u + 1u; // vec4s per k-row of the opA slice, with one of padding
override B_ROW: u32 = TILE_N / 4u + 1u;

// aS[kk·A_ROW + i][c] = opA[m0 + 4i + c, k0 + kk]; bS[kk·B_ROW + j][c] = opB[k0 + kk, n0 + 4j + c].
var<workgroup> aS: array<vec4f, TILE_K * A_ROW>;
var<workgroup> bS: array<vec4f, TILE_K * B_ROW>;

// Four consecutive elements a[i..i+3] of the stored operand, zero past `valid` of them.
fn loadA(i: u32, valid: u32) -> vec4f {
  if (VEC_A && valid >= 4u) { return a[i / 4u]; }
  var v = vec4f(0.0);
  for (var c = 0u; c < min(valid, 4u); c++) { v[c] = a[(i + c) / 4u][(i + c) % 4u]; }
  return v;
}
fn loadB(i: u32, valid: u32) -> vec4f {
  if (VEC_B && valid >= 4u) { return b[i / 4u]; }
  var v = vec4f(0.0);
  for (var c = 0u; c < min(valid, 4u); c++) { v[c] = b[(i + c) / 4u][(i + c) % 4u]; }
  return v;
}

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

  // acc[2i + h][c] = out[m0 + 8·ty + i, n0 + 8·tx + 4h + c], zero-initialised.
  var acc: array<vec4f, 16>;
  let tiles = (p.K + TILE_K - 1u) / TILE_K;
  for (var t = 0u; t < tiles; t++) {
    let k0 = t * TILE_K;
    // opA slice: each slot is 4 elements consecutive in memory (along k, or along m when transposed).
    for (var i = li; i < TILE_M * TILE_K / 4u; i += THREADS) {
      if (TRANS_A) {
        let kk = i / (TILE_M / 4u);
        let mq = i % (TILE_M / 4u);
        let k = k0 + kk;
        let m = m0 + 4u * mq;
        var v = vec4f(0.0);
        if (k < p.K && m < p.M) { v = loadA(baseA + k * p.M + m, p.M - m); }
        aS[kk * A_ROW + mq] = v;
      } else {
        let mm = i / (TILE_K / 4u);
        let kq = i % (TILE_K / 4u);
        let m = m0 + mm;
        let k = k0 + 4u * kq;
        var v = vec4f(0.0);
        if (m < p.M && k < p.K) { v = loadA(baseA + m * p.K + k, p.K - k); }
        for (var c = 0u; c < 4u; c++) { aS[(4u * kq + c) * A_ROW + mm / 4u][mm % 4u] = v[c]; }
      }
    }
    // opB slice: 4 elements consecutive along n, or along k when transposed.
    for (var i = li; i < TILE_K * TILE_N / 4u; i += THREADS) {
      if (TRANS_B) {
        let nn = i / (TILE_K / 4u);
        let kq = i % (TILE_K / 4u);
        let n = n0 + nn;
        let k = k0 + 4u * kq;
        var v = vec4f(0.0);
        if (n < p.N && k < p.K) { v = loadB(baseB + n * p.K + k, p.K - k); }
        for (var c = 0u; c < 4u; c++) { bS[(4u * kq + c) * B_ROW + nn / 4u][nn % 4u] = v[c]; }
      } else {
        let kk = i / (TILE_N / 4u);
        let nq = i % (TILE_N / 4u);
        let k = k0 + kk;
        let n = n0 + 4u * nq;
        var v = vec4f(0.0);
        if (k < p.K && n < p.N) { v = loadB(baseB + k * p.N + n, p.N - n); }
        bS[kk * B_ROW + nq] = v;
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a0 = aS[kk * A_ROW + 2u * lid.y];
      let a1 = aS[kk * A_ROW + 2u * lid.y + 1u];
      let b0 = bS[kk * B_ROW + 2u * lid.x];
      let b1 = bS[kk * B_ROW + 2u * lid.x + 1u];
      acc[0] += a0.x * b0;
      acc[1] += a0.x * b1;
      acc[2] += a0.y * b0;
      acc[3] += a0.y * b1;
      acc[4] += a0.z * b0;
      acc[5] += a0.z * b1;
      acc[6] += a0.w * b0;
      acc[7] += a0.w * b1;
      acc[8] += a1.x * b0;
      acc[9] += a1.x * b1;
      acc[10] += a1.y * b0;
      acc[11] += a1.y * b1;
      acc[12] += a1.z * b0;
      acc[13] += a1.z * b1;
      acc[14] += a1.w * b0;
      acc[15] += a1.w * b1;
    }
    workgroupBarrier();
  }

  let n = n0 + 8u * lid.x;
  var bv0 = vec4f(0.0);
  var bv1 = vec4f(0.0);
  if (HAS_BIAS) {
    for (var j = 0u; j < 4u; j++) {
      if (n + j < p.N) { bv0[j] = bias[r * p.strideBias + n + j]; }
      if (n + 4u + j < p.N) { bv1[j] = bias[r * p.strideBias + n + 4u + j]; }
    }
  }
  for (var i = 0u; i < 8u; i++) {
    let m = m0 + 8u * lid.y + i;
    if (m >= p.M) { break; }
    let row0 = acc[2u * i] + bv0;
    let row1 = acc[2u * i + 1u] + bv1;
    let o = (r * p.M + m) * p.N + n;
    for (var j = 0u; j < 4u; j++) {
      if (n + j < p.N) { out[o + j] = row0[j]; }
      if (n + 4u + j < p.N) { out[o + 4u + j] = row1[j]; }
    }
  }
}
