// xnor_gemm v3 — binary GEMM by XNOR and popcount, register-blocked, no workgroup memory.
//
//   out[r, m, n] = Σ_k a±[r, m, k] · b±[r, n, k]  =  K − 2 · Σ_w popcount(a[r, m, w] XOR b[r, n, w])
//
// Same math, bindings, params and packing as xnor_gemm.wgsl (v1); see its header.
// Each invocation owns a 4 × 4 block of outputs (rows 4·gy..4·gy+3 of a, rows 4·gx..4·gx+3 of b) and
// walks the packed words once, straight from the storage buffers: per word, 4 + 4 loads feed 16
// XOR-popcounts (v1: 2 loads per XOR-popcount). No barriers and no workgroup memory, which on CPU
// implementations of WebGPU (SwiftShader) cost more than the caches they would save; on GPUs the 8
// rows an invocation reads are shared with its neighbours through the L1/L2 caches. Rows past M or N
// are clamped to the last row (their results are computed and dropped), so the inner loop has no
// branches. Integer sums: exact, in any order.
//
// Bindings: params {R, M, N, K, KW, strideA, strideB}; a: u32[R·M·KW]; b: u32[R·N·KW]; out: f32[R·M·N].
// Dispatch: workgroup (WG_X, WG_Y, 1), one invocation per 4 × 4 block;
// grid (ceil(N / (4·WG_X)), ceil(M / (4·WG_Y)), R).

struct Params { R: u32, M: u32, N: u32, K: u32, KW: u32, strideA: u32, strideB: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG_X: u32 = 8;
override WG_Y: u32 = 8;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.z;
  let m0 = 4u * gid.y;
  let n0 = 4u * gid.x;
  if (m0 >= p.M || n0 >= p.N || r >= p.R) { return; }
  // Word offsets of the block's rows (clamped into the matrix).
  let ra = vec4u(r * p.strideA) + min(vec4u(m0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.M - 1u)) * p.KW;
  let rb = vec4u(r * p.strideB) + min(vec4u(n0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.N - 1u)) * p.KW;
  // diff[i][j]: differing bits of a row m0 + i and b row n0 + j.
  var diff0 = vec4u(0u);
  var diff1 = vec4u(0u);
  var diff2 = vec4u(0u);
  var diff3 = vec4u(0u);
  for (var w = 0u; w < p.KW; w++) {
    let bw = vec4u(b[rb.x + w], b[rb.y + w], b[rb.z + w], b[rb.w + w]);
    diff0 += countOneBits(vec4u(a[ra.x + w]) ^ bw);
    diff1 += countOneBits(vec4u(a[ra.y + w]) ^ bw);
    diff2 += countOneBits(vec4u(a[ra.z + w]) ^ bw);
    diff3 += countOneBits(vec4u(a[ra.w + w]) ^ bw);
  }
  let K = vec4i(i32(p.K));
  let rows = array<vec4f, 4>(
    vec4f(K - 2 * vec4i(diff0)),
    vec4f(K - 2 * vec4i(diff1)),
    vec4f(K - 2 * vec4i(diff2)),
    vec4f(K - 2 * vec4i(diff3)),
  );
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= p.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      if (n0 + j < p.N) { out[(r * p.M + m) * p.N + n0 + j] = rows[i][j]; }
    }
  }
}
