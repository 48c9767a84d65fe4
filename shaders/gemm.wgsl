// gemm v1 — float GEMM, one invocation per output, k ascending.
//
//   out[r, m, n] = Σ_k opA(a[r])[m, k] · opB(b[r])[k, n]  (+ bias[r, n] when HAS_BIAS)
//
// opA(a) is M×K: a is stored [M, K], or [K, M] when TRANS_A. opB(b) is K×N: b is stored [K, N], or
// [N, K] when TRANS_B. The three products of a dense layer with weights W stored [N, K]:
//   forward  Y  = X · Wᵀ + b   (TRANS_B, HAS_BIAS)
//   backward dX = dY · W       (no transposes)
//   backward dW = dYᵀ · X      (TRANS_A)
// strideA / strideB / strideBias: elements between replicas (M·K, K·N, N; 0 broadcasts one operand to
// every replica). The sum runs in ascending k in one invocation, so results are bit-identical run to run.
//
// Bindings: params {R, M, N, K, strideA, strideB, strideBias}; a: f32[R·M·K]; b: f32[R·K·N];
// bias: f32[R·N] (read only when HAS_BIAS; any f32 buffer otherwise); out: f32[R·M·N].
// Dispatch: workgroup (TILE_N, TILE_M, 1) over (n, m); grid (ceil(N/TILE_N), ceil(M/TILE_M), R).
// Versions: v1 (this file) naive; v2 (gemm.v2.wgsl) tiled in workgroup memory with 4×4 register blocks.

struct Params { R: u32, M: u32, N: u32, K: u32, strideA: u32, strideB: u32, strideBias: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
// One invocation per output: the workgroup is the output tile.
override TILE_N: u32 = 16;
override TILE_M: u32 = 16;

@compute @workgroup_size(TILE_N, TILE_M, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = gid.x;
  let m = gid.y;
  let r = gid.z;
  if (n >= p.N || m >= p.M || r >= p.R) { return; }
  // Address of opA[m, k] = a[ai + k·sak], of opB[k, n] = b[bi + k·sbk].
  var ai = r * p.strideA + m * p.K;
  var sak = 1u;
  if (TRANS_A) { ai = r * p.strideA + m; sak = p.M; }
  var bi = r * p.strideB + n;
  var sbk = p.N;
  if (TRANS_B) { bi = r * p.strideB + n * p.K; sbk = 1u; }
  var sum = 0.0;
  for (var k = 0u; k < p.K; k++) {
    sum += a[ai + k * sak] * b[bi + k * sbk];
  }
  if (HAS_BIAS) { sum += bias[r * p.strideBias + n]; }
  out[(r * p.M + m) * p.N + n] = sum;
}
