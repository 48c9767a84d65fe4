// fused_train v1 — many minibatch steps of every replica of a small network in ONE dispatch: gather,
// forward, batch normalization (batch statistics), activation / quantizer, softmax cross-entropy,
// backward with the straight-through estimator, Adam or SGD with latent-weight clipping, and the
// running statistics. The math is the layered trainer's (src/nn/gpu-trainer.ts, docs/METHOD.md §2):
//
//   layer l (fan-in K, width N), sample b:   z = in·Wqᵀ (+ bias)     Wq = sign(W) for binary weights
//     BN (batch statistics over the step's Bs samples, fixed order b = 0…Bs−1):
//       μ = Σ z / Bs,  σ² = Σ (z − μ)² / Bs,  zn = γ·(z − μ)·inverseSqrt(σ² + 1e-5) + β
//       running_mean ← 0.9·rm + 0.1·μ,  running_var ← 0.9·rv + 0.1·σ²·Bs/(Bs − 1)
//     a = act(zn); magnitude_aware_sign: α = Σ|zn|/Bs, a = ±α
//   output: softmax cross-entropy of the logits z; dz = (softmax − onehot)/Bs
//   backward: dW += dzᵀ·in, db += Σ dz, da = dz·Wq, dzn = act'(zn)·da (STE pseudo-gradient; α·1{|zn|≤1}
//     for magnitude_aware_sign), BN: dγ = Σ dzn·x̂, dβ = Σ dzn, dz = γ·invstd/Bs·(Bs·dzn − dβ − x̂·dγ)
//   update: Adam (Keras: m, v, w −= α_t·m/(√v + ε), α_t from the host per step) or SGD (w −= lr·g),
//     then W clipped to [−clip, clip] for binary and k-bit weights. The products in ±1 are exact in f32, so the
//     float dot products give the XNOR-popcount GEMM's integers on ±1 inputs and sign(W).
//
// Launch: one workgroup per replica of the dispatch's group r0 … (grid (its replicas, 1, 1)), WG threads
// (override; 4 on SwiftShader, 64 on a real GPU). Thread t owns the samples b ≡ t (mod WG) of each step. Per step it copies the weights it
// needs (sign(W) for binary layers) into a PRIVATE array wp and accumulates its samples' weight and bias
// gradients in a PRIVATE array gp (SwiftShader rewards private copies; lane-divergent reads cost).
// Reductions across samples (BN statistics and their backward, α) run in "column" phases generated per
// layer (src/nn/fused-columns.ts): each thread sums its own samples in order into a partial row, and
// after a barrier every thread adds the WG rows in the order t = 0…WG−1; weight gradients are summed over
// t = 0…WG−1 in order too. So the numbers depend on WG (the partition of samples) but never on timing:
// no float atomics. Each thread's passes read only the samples it wrote, so the barriers are those of
// the reductions: 2 per BN layer forward (+1 for magnitude_aware_sign's α), 1 per BN layer backward, 1
// at the end of the forward pass (w_mean, w_invstd, w_alpha) and 2 per step for the update.
//
// The dispatch runs steps s0 … s0 + ns − 1 of one epoch for replicas r0 … (src/nn/fused-trainer.ts splits an
// epoch by replicas and steps so that a dispatch stays near 100 ms; the split changes no number). Step s takes rows s·BS … of the replica's
// order (the layered trainer's epochBatches: the last partial batch kept); Adam's α_t of step s is
// alphas[s] (epoch_data's first n_steps words, f32 bits), the order follows.
//
// Memory (f32 unless said; R replicas, S = Σ widths, PW = the private weights and biases):
//   params  [Σ blocks]: per layer, blocks [R, N·K] W, [R, N] bias?, γ?, β?, running mean?, running var?
//           (the layered trainer's tensors back to back: each copies to/from one of its buffers)
//   moments [2 · NP]: Adam's m then v (at NP + i), the same layout; NP = |params| (the prelude's)
//   scratch [R][4·BS·S + WG·PW]: Z, ZN, A, DZ as [S, BS] (unit u of layer l at L_UOFF[l] + n; the
//           samples of a unit side by side, so the lanes' samples b, b+1, … are adjacent words), then
//           the per-thread gradient partials [WG, PW], then the column phases' partial rows RED1, RED2
//           [WG, S]
//   status  u32 [R·WG]: 0, or 1 + the global step at which the thread saw a non-finite parameter
// Bindings: p (uniform), x f32 [nTrain, D], y u32 [nTrain], epoch_data u32 [n_steps + R·nTrain],
//   params, moments, scratch (read_write), status u32 (read_write).
// The network's shape is a generated prelude of constants (src/nn/fused-layout.ts) above this text, and
// load_weights(), zero_grads(), store_partials() and train_samples() below it (src/nn/fused-codegen.ts):
// each layer's per-sample pass unrolled, constant indices into wp and gp; without batch statistics one
// register-only pass per sample (forward, loss, backward) that touches no scratch.

struct Params {
  r0: u32,
  s0: u32,
  ns: u32,
  n_train: u32,
  n_steps: u32,
  step_base: u32,
  adam: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  clip: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<u32>;
@group(0) @binding(3) var<storage, read> epoch_data: array<u32>;
@group(0) @binding(4) var<storage, read_write> params: array<f32>;
@group(0) @binding(5) var<storage, read_write> moments: array<f32>;
@group(0) @binding(6) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(7) var<storage, read_write> status: array<u32>;

override WG: u32 = 4;

var<workgroup> w_mean: array<f32, S>;
var<workgroup> w_invstd: array<f32, S>;
var<workgroup> w_alpha: array<f32, S>;
var<workgroup> w_dgamma: array<f32, S>;
var<workgroup> w_dbeta: array<f32, S>;

var<private> wp: array<f32, PW>;
var<private> gp: array<f32, PW>;
// This workgroup's replica's scratch: Z, ZN, A, DZ [S, BS] and the partials [WG, PW] (set in main).
var<private> zb: u32;
var<private> znb: u32;
var<private> ab: u32;
var<private> dzb: u32;
var<private> red1: u32;
var<private> red2: u32;

fn sync() {
  storageBarrier();
  workgroupBarrier();
}

// Adam or SGD on one parameter (index i in params / moments), clipped when `clip`.
// v lives at NP + i, NP the parameter count from the prelude, NOT arrayLength(&params): tensors are
// allocated in whole vec4s, so the params buffer may be up to 3 floats longer than NP, and v of the last
// parameters would then index past the end of moments. WebGPU clamps such an index into the buffer, onto
// another parameter's v, of another replica's workgroup: two workgroups wrote one word and the winner
// depended on thread timing, so runs differed (~1e-5 in the losses after a few epochs).
fn update(i: u32, g: f32, alpha: f32, clip: bool) -> bool {
  var w = params[i];
  if (p.adam == 1u) {
    let m = p.beta1 * moments[i] + (1.0 - p.beta1) * g;
    let v = p.beta2 * moments[NP + i] + (1.0 - p.beta2) * (g * g);
    moments[i] = m;
    moments[NP + i] = v;
    w = w - alpha * m / (sqrt(v) + p.eps);
  } else {
    w = w - p.lr * g;
  }
  if (clip) { w = clamp(w, -p.clip, p.clip); }
  params[i] = w;
  return finite(w);
}

// Softmax cross-entropy of each own sample's logits (Z of the output layer): DZ = (softmax − onehot)/bs.
fn softmax_loss(r: u32, t: u32, start: u32, bs: u32) {
  let fb = f32(bs);
  let lo = L_UOFF[NL - 1u];
  for (var b = t; b < bs; b += WG) {
    let o = lo * BS + b;
    var mx = scratch[zb + o];
    for (var c = 1u; c < C; c++) { mx = max(mx, scratch[zb + o + c * BS]); }
    var sum = 0.0;
    for (var c = 0u; c < C; c++) { sum += exp(scratch[zb + o + c * BS] - mx); }
    let label = y[epoch_data[p.n_steps + r * p.n_train + start + b]];
    for (var c = 0u; c < C; c++) {
      let prob = exp(scratch[zb + o + c * BS] - mx) / sum;
      scratch[dzb + o + c * BS] = (prob - select(0.0, 1.0, c == label)) / fb;
    }
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = lid.x;
  let r = p.r0 + wid.x; // this dispatch's replicas are r0 … r0 + groups − 1
  let base = r * (4u * BS * S + WG * PW + 2u * WG * S);
  zb = base;
  znb = base + BS * S;
  ab = base + 2u * BS * S;
  dzb = base + 3u * BS * S;
  let partial = base + 4u * BS * S;
  red1 = partial + WG * PW;
  red2 = red1 + WG * S;
  var bad = status[r * WG + t];

  for (var s = p.s0; s < p.s0 + p.ns; s++) {
    let start = s * BS;
    let bs = min(BS, p.n_train - start);
    let fb = f32(bs);

    load_weights(r); // sign(W) for binary layers
    zero_grads();
    train_samples(r, t, start, bs);

    // ---- update: gradients summed over threads in order, then Adam / SGD ----
    store_partials(partial + t * PW);
    sync();
    let alpha = bitcast<f32>(epoch_data[s]);
    var ok = true;
    for (var l = 0u; l < NL; l++) {
      let N = L_N[l];
      let nk = N * L_K[l];
      let clip = L_CLIP[l] == 1u; // binary and k-bit latent weights
      for (var i = t; i < nk; i += WG) {
        var g = 0.0;
        for (var u = 0u; u < WG; u++) { g += scratch[partial + u * PW + L_WOFF[l] + i]; }
        ok = update(L_PW[l] + r * nk + i, g, alpha, clip) && ok;
      }
      for (var n = t; n < N; n += WG) {
        if (L_BOFF[l] != NONE) {
          var g = 0.0;
          for (var u = 0u; u < WG; u++) { g += scratch[partial + u * PW + L_BOFF[l] + n]; }
          ok = update(L_PB[l] + r * N + n, g, alpha, false) && ok;
        }
        if (L_BN[l] == 1u) {
          let u = L_UOFF[l] + n;
          ok = update(L_PG[l] + r * N + n, w_dgamma[u], alpha, false) && ok;
          ok = update(L_PBE[l] + r * N + n, w_dbeta[u], alpha, false) && ok;
        }
      }
    }
    if (!ok && bad == 0u) { bad = p.step_base + s + 1u; }
    sync();
  }
  status[r * WG + t] = bad;
}
