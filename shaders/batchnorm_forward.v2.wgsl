// batchnorm_forward v2 — v1 (batchnorm_forward.wgsl) with the evaluation split over rows too. docs/METHOD.md §2.
//
// Evaluation normalises with the running statistics, so no column needs a reduction: v2 splits the rows
// among workgroups too (grid (ceil(N/WG_N), ceil(B/ROWS_PER_WG), R)) instead of v1's one workgroup per
// WG_N columns walking every row, which leaves a wide GPU mostly idle (N = 256, R = 1: 16 workgroups
// however large the batch). The arithmetic per element is v1's, so y, mean and invstd are bit-identical
// to v1's. Training is v1's, unchanged.
// Dispatch: training as v1; evaluation grid (ceil(N/WG_N), ceil(B/ROWS_PER_WG), R).
//
// v1's header, which holds for the training path:
//
// Training (TRAINING = true), PyTorch's BatchNorm1d in train mode:
//   mean = Σ_b x[r, b, n] / B,   var = Σ_b (x − mean)² / B   (two passes; biased, used to normalise)
//   invstd = 1/√(var + eps),   y = gamma · (x − mean)·invstd + beta
//   runningMean ← (1 − momentum)·runningMean + momentum·mean
//   runningVar  ← (1 − momentum)·runningVar  + momentum·var·B/(B − 1)   (unbiased)
// B = 1 would make the unbiased variance 0/0 (NaN in the running variance); the wrapper refuses it.
// Evaluation (TRAINING = false): mean = runningMean, var = runningVar, nothing is updated.
// Either way mean[r, n] and invstd[r, n] receive the statistics y was normalised with (the training-mode
// backward, batchnorm_backward.wgsl, reads them).
//
// Bindings: params {R, B, N, eps, momentum}; x: f32[R·B·N]; gamma, beta: f32[R·N];
//   runningMean, runningVar: f32[R·N] (read, and in training updated in place); y: f32[R·B·N];
//   mean, invstd: f32[R·N].
// Dispatch: one workgroup per WG_N adjacent columns of one replica; workgroup (WG_N, WG_B, 1); grid
// (ceil(N/WG_N), 1, R). Invocation (tx, ty) handles b = ty, ty + WG_B, … of column n in order (adjacent
// invocations read adjacent n: coalesced); the WG_B partial sums of a column are added by a fixed binary
// tree in workgroup memory (WG_B a power of two). No atomics: bit-identical run to run for the same
// (WG_N, WG_B), which the wrapper picks from N alone.
// Versions: v1 (batchnorm_forward.wgsl), v2 (this file).

struct Params { R: u32, B: u32, N: u32, eps: f32, momentum: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(5) var<storage, read_write> runningVar: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> mean: array<f32>;
@group(0) @binding(8) var<storage, read_write> invstd: array<f32>;

override TRAINING: bool = true;
override WG_N: u32 = 16;
override WG_B: u32 = 16;
override ROWS_PER_WG: u32 = 128; // evaluation: rows per workgroup, a multiple of WG_B

var<workgroup> partial: array<f32, WG_N * WG_B>;

// The column total of every invocation's v, by a fixed tree over ty; returned to all of the column.
// Must be called in uniform control flow.
fn column_sum(tx: u32, ty: u32, v: f32) -> f32 {
  partial[ty * WG_N + tx] = v;
  workgroupBarrier();
  for (var h = WG_B / 2u; h > 0u; h >>= 1u) {
    if (ty < h) { partial[ty * WG_N + tx] += partial[(ty + h) * WG_N + tx]; }
    workgroupBarrier();
  }
  let total = partial[tx];
  workgroupBarrier(); // everyone has read it before partial is reused
  return total;
}

// Evaluation: workgroup (wid.x, wid.y) normalises columns wid.x·WG_N … of rows
// wid.y·ROWS_PER_WG … (+ ROWS_PER_WG), invocation (tx, ty) every WG_B-th of those rows, with v1's formula.
fn evaluate(tx: u32, ty: u32, wid: vec3u) {
  let n = wid.x * WG_N + tx;
  if (n >= p.N) { return; }
  let r = wid.z;
  let c = r * p.N + n;
  let mu = runningMean[c];
  let is = inverseSqrt(runningVar[c] + p.eps);
  let b0 = wid.y * ROWS_PER_WG;
  if (b0 == 0u && ty == 0u) {
    mean[c] = mu;
    invstd[c] = is;
  }
  let g = gamma[c];
  let bt = beta[c];
  let base = r * p.B * p.N + n;
  let end = min(p.B, b0 + ROWS_PER_WG);
  for (var b = b0 + ty; b < end; b += WG_B) {
    let i = base + b * p.N;
    y[i] = g * ((x[i] - mu) * is) + bt;
  }
}

@compute @workgroup_size(WG_N, WG_B, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  if (!TRAINING) {
    evaluate(lid.x, lid.y, wid);
    return;
  }
  let tx = lid.x;
  let ty = lid.y;
  let n = wid.x * WG_N + tx;
  let r = wid.z;
  let in_range = n < p.N; // inactive invocations still take part in the barriers
  let c = r * p.N + n;
  let base = r * p.B * p.N + n; // x[r, b, n] = x[base + b·N]
  var mu = 0.0;
  var v = 0.0;
  if (TRAINING) {
    let fb = f32(p.B);
    var s = 0.0;
    if (in_range) {
      for (var b = ty; b < p.B; b += WG_B) { s += x[base + b * p.N]; }
    }
    mu = column_sum(tx, ty, s) / fb;
    var q = 0.0;
    if (in_range) {
      for (var b = ty; b < p.B; b += WG_B) {
        let d = x[base + b * p.N] - mu;
        q += d * d;
      }
    }
    v = column_sum(tx, ty, q) / fb;
    if (in_range && ty == 0u) {
      let m = p.momentum;
      runningMean[c] = (1.0 - m) * runningMean[c] + m * mu;
      runningVar[c] = (1.0 - m) * runningVar[c] + m * (v * fb) / f32(p.B - 1u);
    }
  } else if (in_range) {
    mu = runningMean[c];
    v = runningVar[c];
  }
  if (!in_range) { return; }
  let is = inverseSqrt(v + p.eps);
  if (ty == 0u) {
    mean[c] = mu;
    invstd[c] = is;
  }
  let g = gamma[c];
  let bt = beta[c];
  for (var b = ty; b < p.B; b += WG_B) {
    let i = base + b * p.N;
    y[i] = g * ((x[i] - mu) * is) + bt;
  }
}
