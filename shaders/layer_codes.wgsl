// layer_codes — each sample's layer vector → one 64-bit code (two u32), for the entropy estimators.
//
// Every unit's value t becomes an index (MODE, docs/METHOD.md §3); indices are packed `bits` at a time,
// `per` = floor(32/bits) to a u32 word (none straddles two words); with nWords ≤ 2 the code is the packed
// words themselves (exact), else hash64 of the words:
//
//   MODE 0 sign      index = t < threshold                    (threshold 0: sign(0) = +1)     bits 1
//   MODE 1 fixed     index = #{e in edges : e ≤ t}            (numpy.digitize over linspace(lo, hi, B);
//                    edges arrive rounded up to f32, so the f32 test equals numpy's f64 one)  ⌈log2(B+1)⌉
//   MODE 2 width     index = the largest k with f32(k)·w ≤ t  (floor(t/w) exact up to f32 rounding of
//                    k·w; saturates at ±2^22 beyond |t| ≥ tMax = f32(2^22·w)), as i32 bits  bits 32
//   MODE 3 adaptive  index = the largest k in [0, B−1] with f32(k)·s ≤ (t − mn)·B, s = mx − mn,
//                    [mn, mx] = minmax[r] (layer_minmax over the whole set); s = 0 → 0       ⌈log2 B⌉
//
// Only correctly rounded f32 +, −, × and comparisons are used (no division, no exp/log), so
// src/ref/info.ts reproduces every code exactly with Math.fround. Subnormal inputs count as 0 (`ftz`, by
// their bits): WGSL lets a GPU flush them or not, and flushing explicitly makes every adapter agree.
//
// hash64: lane a = MurmurHash3_x86_32's body, lane b = xxHash32's round, seeds 0x9747b28c / 0x165667b1;
// finalised with the width W: a = fmix32(a ^ W), b = xxh32 avalanche(b ^ W), then a += b, b += a.
// Collision odds among N distinct patterns ≤ N²/2^65 (2.3e-12 at N = 4096, 1.3e-10 at N = 70000).
//
// Bindings: params {R, rows, W, n, rowOffset, bits, per, nWords, B, threshold, width, invWidth, tMax};
// x: f32[R·rows·W] (one chunk of the estimation set); edges: f32[B] (fixed; else unused); minmax:
// f32[R·2] = [min, max] per replica (adaptive; else unused); codes: u32[R·n·2], row rowOffset + b written.
// Dispatch: one invocation per (replica, row) of the chunk, flat: i = (gid.y·num_workgroups.x)·WG + gid.x
// over R·rows; workgroup (WG, 1, 1). Each invocation reads its row in order and writes its own code.
// Versions: v1 (this file).

struct Params {
  R: u32, rows: u32, W: u32, n: u32, rowOffset: u32, bits: u32, per: u32, nWords: u32, B: u32,
  threshold: f32, width: f32, invWidth: f32, tMax: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> edges: array<f32>;
@group(0) @binding(3) var<storage, read> minmax: array<f32>;
@group(0) @binding(4) var<storage, read_write> codes: array<u32>;

override WG: u32 = 64;
override MODE: u32 = 0;

const WIDTH_INDEX_LIMIT: i32 = 4194304; // 2^22, src/ref/info.ts
const WIDTH_FIXUP_STEPS: u32 = 4u;

fn rotl(v: u32, r: u32) -> u32 { return (v << r) | (v >> (32u - r)); }

fn fmix32(h0: u32) -> u32 {
  var h = h0;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

fn xx_avalanche(h0: u32) -> u32 {
  var h = h0;
  h ^= h >> 15u;
  h *= 0x85ebca77u;
  h ^= h >> 13u;
  h *= 0xc2b2ae3du;
  h ^= h >> 16u;
  return h;
}

/** Subnormals (and zeros) → +0, decided on the bits, so it does not matter whether the GPU flushes. */
fn ftz(t: f32) -> f32 {
  if ((bitcast<u32>(t) & 0x7f800000u) == 0u) { return 0.0; }
  return t;
}

fn fixed_index(t: f32) -> u32 {
  var lo = 0u;
  var hi = p.B;
  while (lo < hi) {
    let mid = (lo + hi) >> 1u;
    if (edges[mid] <= t) { lo = mid + 1u; } else { hi = mid; }
  }
  return lo;
}

fn width_index(t: f32) -> i32 {
  if (t >= p.tMax) { return WIDTH_INDEX_LIMIT; }
  if (t <= -p.tMax) { return -WIDTH_INDEX_LIMIT; }
  var k = clamp(i32(floor(t * p.invWidth)), -WIDTH_INDEX_LIMIT, WIDTH_INDEX_LIMIT);
  for (var s = 0u; s < WIDTH_FIXUP_STEPS; s++) { if (f32(k) * p.width > t) { k -= 1; } }
  for (var s = 0u; s < WIDTH_FIXUP_STEPS; s++) { if (f32(k + 1) * p.width <= t) { k += 1; } }
  return k;
}

fn adaptive_index(t: f32, mn: f32, s: f32) -> u32 {
  if (!(s > 0.0)) { return 0u; }
  let y = (t - mn) * f32(p.B);
  var lo = 0u;
  var hi = p.B - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) >> 1u;
    if (f32(mid) * s <= y) { lo = mid; } else { hi = mid - 1u; }
  }
  return lo;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * WG + gid.x;
  if (i >= p.R * p.rows) { return; }
  let r = i / p.rows;
  let b = i % p.rows;
  let row = i * p.W;
  var mn = 0.0;
  var s = 0.0;
  if (MODE == 3u) {
    mn = minmax[2u * r];
    s = minmax[2u * r + 1u] - mn;
  }
  var w0 = 0u;
  var w1 = 0u;
  var word = 0u;
  var filled = 0u;
  var wi = 0u;
  var ha = 0x9747b28cu;
  var hb = 0x165667b1u;
  for (var j = 0u; j < p.W; j++) {
    let t = ftz(x[row + j]);
    var idx = 0u;
    if (MODE == 0u) {
      idx = select(0u, 1u, t < p.threshold);
    } else if (MODE == 1u) {
      idx = fixed_index(t);
    } else if (MODE == 2u) {
      idx = bitcast<u32>(width_index(t));
    } else {
      idx = adaptive_index(t, mn, s);
    }
    word |= idx << (filled * p.bits); // filled·bits < 32: bits = 32 only with per = 1, filled = 0
    filled += 1u;
    if (filled == p.per || j + 1u == p.W) {
      if (wi == 0u) { w0 = word; } else if (wi == 1u) { w1 = word; }
      let k = rotl(word * 0xcc9e2d51u, 15u) * 0x1b873593u;
      ha = rotl(ha ^ k, 13u) * 5u + 0xe6546b64u;
      hb = rotl(hb + word * 0x85ebca77u, 13u) * 0x9e3779b1u;
      wi += 1u;
      word = 0u;
      filled = 0u;
    }
  }
  var code = vec2u(w0, w1);
  if (p.nWords > 2u) {
    var a = fmix32(ha ^ p.W);
    var c = xx_avalanche(hb ^ p.W);
    a += c;
    c += a;
    code = vec2u(a, c);
  }
  let o = (r * p.n + p.rowOffset + b) * 2u;
  codes[o] = code.x;
  codes[o + 1u] = code.y;
}
