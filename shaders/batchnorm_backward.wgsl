// batchnorm_backward — training-mode batch normalization backward, per (replica, unit) column.
//
//   x̂ = (x − mean)·invstd                       (mean, invstd saved by batchnorm_forward)
//   dgamma[r, n] = Σ_b dy·x̂,   dbeta[r, n] = Σ_b dy
//   dx[r, b, n] = gamma·invstd/B · (B·dy − dbeta − x̂·dgamma)
//
// dgamma and dbeta are overwritten (not accumulated). This is the gradient through the batch statistics;
// an evaluation-mode forward (running statistics) has the plain gradient dx = gamma·invstd·dy instead.
//
// Bindings: params {R, B, N}; dy, x: f32[R·B·N]; gamma, mean, invstd: f32[R·N]; dx: f32[R·B·N];
//   dgamma, dbeta: f32[R·N].
// Dispatch: as batchnorm_forward: workgroup (WG_N, WG_B, 1), grid (ceil(N/WG_N), 1, R); invocation
// (tx, ty) sums b = ty, ty + WG_B, … in order, then both sums go up one fixed binary tree in workgroup
// memory (WG_B a power of two). No atomics: bit-identical run to run for the same (WG_N, WG_B).
// Versions: v1 (this file).

struct Params { R: u32, B: u32, N: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> invstd: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
@group(0) @binding(7) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(8) var<storage, read_write> dbeta: array<f32>;

override WG_N: u32 = 16;
override WG_B: u32 = 16;

// (Σ dy, Σ dy·x̂) partial sums.
var<workgroup> partial: array<vec2f, WG_N * WG_B>;

@compute @workgroup_size(WG_N, WG_B, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let tx = lid.x;
  let ty = lid.y;
  let n = wid.x * WG_N + tx;
  let r = wid.z;
  let in_range = n < p.N; // inactive invocations still take part in the barriers
  let c = r * p.N + n;
  let base = r * p.B * p.N + n; // x[r, b, n] = x[base + b·N]
  var mu = 0.0;
  var is = 0.0;
  var s = vec2f(0.0);
  if (in_range) {
    mu = mean[c];
    is = invstd[c];
    for (var b = ty; b < p.B; b += WG_B) {
      let i = base + b * p.N;
      let g = dy[i];
      s += vec2f(g, g * ((x[i] - mu) * is));
    }
  }
  partial[ty * WG_N + tx] = s;
  workgroupBarrier();
  for (var h = WG_B / 2u; h > 0u; h >>= 1u) {
    if (ty < h) { partial[ty * WG_N + tx] += partial[(ty + h) * WG_N + tx]; }
    workgroupBarrier();
  }
  if (!in_range) { return; }
  let sums = partial[tx];
  let db = sums.x;
  let dg = sums.y;
  if (ty == 0u) {
    dbeta[c] = db;
    dgamma[c] = dg;
  }
  let fb = f32(p.B);
  let k = gamma[c] * is / fb;
  for (var b = ty; b < p.B; b += WG_B) {
    let i = base + b * p.N;
    dx[i] = k * (fb * dy[i] - db - ((x[i] - mu) * is) * dg);
  }
}
