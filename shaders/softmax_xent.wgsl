// softmax_xent v1 — softmax cross-entropy forward and backward, one invocation per (replica, sample) row.
//
//   z = logits[r, b, :],  y = labels[r, b],  mx = max_c z_c,  s = Σ_c exp(z_c − mx)
//   loss[r, b]       = log(s) − (z_y − mx)                      = −log softmax(z)_y
//   dlogits[r, b, c] = scale · (exp(z_c − mx) / s − [c == y])   (scale = 1/B for a mean loss)
//   correct[r, b]    = 1 if argmax_c z_c == y else 0
//
// Subtracting the row max keeps every exp argument ≤ 0, so no logit overflows (exp(89) would in f32),
// and s ≥ 1 (the max term is exp(0)), so log(s) is finite.
// Ties in the argmax: the lowest index wins (the max scan replaces only on a strictly greater logit).
// A label ≥ C is a bad input the host cannot see (labels live on the GPU): the row's logits are not read,
// loss and every dlogits entry of the row are NaN (so the run's NaN check stops it), correct is 0.
// Each replica has its own labels (its own minibatch order). Loops over C run in index order in one
// invocation: deterministic, no atomics.
//
// Bindings: params {R, B, C, scale}; logits: f32[R·B·C]; labels: u32[R·B]; loss: f32[R·B];
//           dlogits: f32[R·B·C]; correct: f32[R·B].
// Dispatch: workgroup (WG, 1, 1) over b; grid (ceil(B/WG), 1, R).
// Versions: v1 (this file).

struct Params { R: u32, B: u32, C: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(5) var<storage, read_write> correct: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let b = gid.x;
  let r = gid.z;
  if (b >= p.B || r >= p.R) { return; }
  let row = r * p.B + b;
  let base = row * p.C;
  let y = labels[row];

  if (y >= p.C) {
    // A quiet NaN from a runtime value: a NaN constant expression is a WGSL shader-creation error.
    var nanBits = 0x7fc00000u;
    let nan = bitcast<f32>(nanBits);
    loss[row] = nan;
    for (var c = 0u; c < p.C; c++) { dlogits[base + c] = nan; }
    correct[row] = 0.0;
    return;
  }

  var mx = logits[base];
  var arg = 0u;
  for (var c = 1u; c < p.C; c++) {
    let z = logits[base + c];
    if (z > mx) { mx = z; arg = c; }
  }
  var s = 0.0;
  for (var c = 0u; c < p.C; c++) { s += exp(logits[base + c] - mx); }

  loss[row] = log(s) - (logits[base + y] - mx);
  for (var c = 0u; c < p.C; c++) {
    let prob = exp(logits[base + c] - mx) / s;
    dlogits[base + c] = p.scale * (prob - select(0.0, 1.0, c == y));
  }
  correct[row] = select(0.0, 1.0, arg == y);
}
