// xnor_gemm v1 — binary GEMM by XNOR and popcount, one invocation per output.
//
//   out[r, m, n] = Σ_k a±[r, m, k] · b±[r, n, k]  =  K − 2 · Σ_w popcount(a[r, m, w] XOR b[r, n, w])
//
// a and b are packed by pack_signs (bit 1 = −1, padding bits 0), KW = ceil(K/32) words per row; b holds
// one packed row per output unit (a binary layer's weights, [N, K]). The result is an exact integer,
// stored as f32 so the float kernels that follow (batch norm, quantizers) read it directly; exact while
// K < 2^24.
// strideA / strideB: words between replicas (M·KW and N·KW; 0 broadcasts one operand to all replicas).
//
// Bindings: params {R, M, N, K, KW, strideA, strideB}; a: u32[R·M·KW]; b: u32[R·N·KW]; out: f32[R·M·N].
// Dispatch: workgroup (WG_X, WG_Y, 1) over (n, m); grid (ceil(N/WG_X), ceil(M/WG_Y), R).
// Versions: v1 (this file) naive; v2 (xnor_gemm.v2.wgsl) tiled in workgroup memory with register blocking;
// v3 (xnor_gemm.v3.wgsl) 4 × 4 register blocks straight from the storage buffers (no barriers).

struct Params { R: u32, M: u32, N: u32, K: u32, KW: u32, strideA: u32, strideB: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG_X: u32 = 16;
override WG_Y: u32 = 16;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = gid.x;
  let m = gid.y;
  let r = gid.z;
  if (n >= p.N || m >= p.M || r >= p.R) { return; }
  let ai = r * p.strideA + m * p.KW;
  let bi = r * p.strideB + n * p.KW;
  var diff = 0u;
  for (var w = 0u; w < p.KW; w++) {
    diff += countOneBits(a[ai + w] ^ b[bi + w]);
  }
  out[(r * p.M + m) * p.N + n] = f32(i32(p.K) - 2 * i32(diff));
}
