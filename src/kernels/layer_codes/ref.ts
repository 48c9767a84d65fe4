/**
 * CPU reference of shaders/layer_codes.wgsl (and the hash, f32 helpers and code plans the other
 * information-plane references share): plain loops, the executable spec. Codes are integers and must
 * match the GPU bit for bit, so every f32 step of the shader is mirrored here with Math.fround (for f32
 * inputs a, b the f64 results of a·b, a − b and k·a are exact or round once, so fround gives the f32
 * result WGSL's correctly rounded +, −, × give).
 *
 * ## Codes (one 64-bit code, two u32 words, per sample and layer)
 *
 * Each unit's value t becomes an index (by mode), indices are packed `bits` at a time into u32 words,
 * `per = floor(32 / bits)` indices per word (an index never straddles two words; unused high bits 0):
 *
 *   sign      index = 1 if t < threshold else 0 (threshold 0: sign(0) = +1)           bits 1
 *   fixed     index = #{edges e : e ≤ t}, edges = numpy.linspace(lo, hi, B) in float64,
 *             i.e. numpy.digitize: 0 below lo, B at or above hi (NaN → 0)               bits ⌈log2(B + 1)⌉
 *   width     index = the largest k with f32(k·w) ≤ t (w = f32(width)): floor(t / width) up to f32
 *             rounding at bin edges; saturates at ±2^22 (|t| ≥ 2^22·w)                   bits 32 (i32)
 *   adaptive  index = the largest k in [0, B−1] with f32(k·s) ≤ f32(f32(t − min)·B), s = f32(max − min):
 *             min(B − 1, floor((t − min)/(max − min)·B)) up to f32 rounding; s = 0 → 0   bits ⌈log2 B⌉
 *
 * Subnormal values count as 0 (`ftz`): WGSL lets a GPU flush them to zero or not; both sides flush
 * them explicitly, by their bits, so every adapter gives the same codes.
 *
 * When the words fit in 64 bits (nWords ≤ 2) the code IS the packed indices, exact: sign patterns of
 * W ≤ 64, fixed-mode layers of W ≤ 12 at 30 bins (5 bits, 6 per word: every IDNN layer), adaptive
 * W ≤ 12 at 30 bins, width-mode W ≤ 2. Otherwise the code is `hash64` of the words (below).
 *
 * Fixed edges in f32: the comparison t ≥ e of an f32 t with a float64 edge e equals t ≥ e↑, e↑ the
 * smallest f32 ≥ e. The shader gets the edges rounded up (`f32Up`), so its f32 comparisons give exactly
 * numpy's float64 digitize of the same f32 activations.
 *
 * ## hash64: two 32-bit lanes of different design, one word at a time
 *
 *   lane a (MurmurHash3_x86_32 body):  k = rotl(w·0xcc9e2d51, 15)·0x1b873593; a = rotl(a ^ k, 13)·5 + 0xe6546b64
 *   lane b (xxHash32 round):           b = rotl(b + w·0x85ebca77, 13)·0x9e3779b1
 *   seeds a0 = 0x9747b28c, b0 = 0x165667b1 (xxHash's PRIME32_5); after the words, with W the layer width:
 *   a = fmix32(a ^ W) (Murmur3's finalizer); b = xxh32 avalanche of (b ^ W); then a += b; b += a.
 *   code = (a, b)
 *
 * All arithmetic mod 2^32. The final a += b; b += a is a bijection, so it adds no collisions. Two
 * different word strings collide in both lanes with probability ≈ 2^-64 (each lane is a well-mixed
 * 32-bit hash, of unrelated construction), so among N distinct patterns the chance of any collision is
 * at most the birthday bound N²/2^65: 2.3e-12 for N = 4096, 1.3e-10 for N = 70000 (MNIST), per layer and
 * epoch. A collision merges two codes and lowers H(T) by at most 2/N bits.
 */
import type { LayerCoding } from '../../info/settings.ts';

// ---------------------------------------------------------------------------------------------------
// hash64

export const HASH_SEED_A = 0x9747b28c;
export const HASH_SEED_B = 0x165667b1;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;

/** Murmur3's 32-bit finalizer. */
export function fmix32(h0: number): number {
  let h = h0 >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** xxHash32's avalanche. */
function xxAvalanche(h0: number): number {
  let h = h0 >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae3d);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The two lanes of hash64 while words stream in. */
export class Hash64 {
  a = HASH_SEED_A;
  b = HASH_SEED_B;

  word(w: number): void {
    const k = Math.imul(rotl(Math.imul(w, 0xcc9e2d51), 15), 0x1b873593);
    this.a = (Math.imul(rotl((this.a ^ k) >>> 0, 13), 5) + 0xe6546b64) >>> 0;
    this.b = Math.imul(rotl((this.b + Math.imul(w, 0x85ebca77)) >>> 0, 13), 0x9e3779b1) >>> 0;
  }

  /** The code [lo, hi] after all words; `len` is the layer width W. */
  finish(len: number): [number, number] {
    let a = fmix32(this.a ^ len);
    let b = xxAvalanche(this.b ^ len);
    a = (a + b) >>> 0;
    b = (b + a) >>> 0;
    return [a, b];
  }
}

/** hash64 of a word string (len = the layer width W mixed into the finalizer). */
export function hash64(words: ArrayLike<number>, len: number): [number, number] {
  const h = new Hash64();
  for (let i = 0; i < words.length; i++) h.word(words[i]);
  return h.finish(len);
}

// ---------------------------------------------------------------------------------------------------
// f32 helpers and edges

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The smallest f32 ≥ x (x finite, within f32's range). */
export function f32Up(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  // f < x: step one ulp toward +∞ (f cannot be +max here, since x ≤ max f32).
  f32[0] = f;
  if (f === 0)
    u32[0] = 1; // −0/+0 → the smallest positive subnormal
  else if (f > 0) u32[0] += 1;
  else u32[0] -= 1;
  return f32[0];
}

/** Subnormals (|x| < 2^-126) → +0, as the shaders' ftz. */
export const ftz = (x: number): number => (Math.abs(x) < 2 ** -126 ? 0 : x);

/** numpy.linspace(lo, hi, B) in float64, computed as numpy does: i·step + lo, the last one = hi. */
export function linspaceEdges(lo: number, hi: number, B: number): Float64Array {
  const e = new Float64Array(B);
  if (B === 1) {
    e[0] = lo;
    return e;
  }
  const step = (hi - lo) / (B - 1);
  for (let i = 0; i < B; i++) e[i] = i * step + lo;
  e[B - 1] = hi;
  return e;
}

// ---------------------------------------------------------------------------------------------------
// Code plans: everything the shader needs besides the activations

export const CODE_MODES = { sign: 0, fixed: 1, width: 2, adaptive: 3 } as const;

/** Width-mode indices saturate at ±WIDTH_INDEX_LIMIT (|t| ≥ WIDTH_INDEX_LIMIT·width). */
export const WIDTH_INDEX_LIMIT = 2 ** 22;
/** Width mode: steps of the fix-up from floor(t·(1/w)) to the exact index (each way). */
export const WIDTH_FIXUP_STEPS = 4;

const bitLength = (x: number): number => (x <= 0 ? 0 : 32 - Math.clz32(x));

export interface CodePlan {
  coding: LayerCoding;
  mode: (typeof CODE_MODES)[keyof typeof CODE_MODES];
  /** Units W. */
  W: number;
  /** Bits per index, indices per word, words per sample. */
  bits: number;
  per: number;
  nWords: number;
  /** nWords ≤ 2: the code is the packed indices themselves (no hash). */
  exact: boolean;
  /** fixed: the edges rounded up to f32 (length B); adaptive: B bins; 0 otherwise. */
  edges: Float32Array;
  B: number;
  threshold: number;
  /** width mode: f32(width), f32(1/width), the saturation threshold f32(2^22·width). */
  width: number;
  invWidth: number;
  tMax: number;
}

/** The code plan of a layer of W units under `coding` (validated by the caller). */
export function codePlan(coding: LayerCoding, W: number): CodePlan {
  let bits: number;
  let B = 0;
  let edges = new Float32Array(0);
  let width = 0;
  let invWidth = 0;
  let tMax = 0;
  let threshold = 0;
  switch (coding.mode) {
    case 'sign':
      bits = 1;
      threshold = Math.fround(coding.threshold ?? 0);
      break;
    case 'fixed':
      B = coding.bins;
      bits = bitLength(B);
      edges = Float32Array.from(linspaceEdges(coding.lo, coding.hi, B), f32Up);
      break;
    case 'width':
      bits = 32;
      width = Math.fround(coding.width);
      invWidth = Math.fround(1 / width);
      tMax = Math.fround(WIDTH_INDEX_LIMIT * width);
      break;
    case 'adaptive':
      B = coding.bins;
      bits = Math.max(1, bitLength(B - 1));
      break;
  }
  const per = Math.floor(32 / bits);
  const nWords = Math.ceil(W / per);
  return {
    coding,
    mode: CODE_MODES[coding.mode],
    W,
    bits,
    per,
    nWords,
    exact: nWords <= 2,
    edges,
    B,
    threshold,
    width,
    invWidth,
    tMax,
  };
}

/** fixed: the number of edges ≤ t (edges sorted, rounded up to f32); a binary search, as the shader's. */
export function fixedIndex(t: number, edges: Float32Array): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** width: the largest k with f32(k·w) ≤ t, saturating at ±2^22; as an i32. */
export function widthIndex(t: number, plan: CodePlan): number {
  const { width: w, invWidth, tMax } = plan;
  if (t >= tMax) return WIDTH_INDEX_LIMIT;
  if (t <= -tMax) return -WIDTH_INDEX_LIMIT;
  let k = Math.floor(Math.fround(t * invWidth));
  k = Math.min(WIDTH_INDEX_LIMIT, Math.max(-WIDTH_INDEX_LIMIT, k));
  for (let s = 0; s < WIDTH_FIXUP_STEPS; s++) if (Math.fround(k * w) > t) k -= 1;
  for (let s = 0; s < WIDTH_FIXUP_STEPS; s++) if (Math.fround((k + 1) * w) <= t) k += 1;
  return k;
}

/** adaptive: the largest k in [0, B−1] with f32(k·s) ≤ f32(f32(t − min)·B); 0 when s = max − min = 0. */
export function adaptiveIndex(t: number, min: number, max: number, B: number): number {
  const s = Math.fround(max - min);
  if (!(s > 0)) return 0;
  const y = Math.fround(Math.fround(t - min) * B);
  let lo = 0;
  let hi = B - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (Math.fround(mid * s) <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The code [lo, hi] of one sample's W values `t` (an f32 array view), per `plan`. */
export function sampleCode(
  t: ArrayLike<number>,
  plan: CodePlan,
  range: { min: number; max: number } = { min: 0, max: 0 },
): [number, number] {
  const { W, bits, per } = plan;
  const words = new Uint32Array(plan.nWords);
  for (let j = 0; j < W; j++) {
    const v = ftz(t[j]);
    let idx: number;
    switch (plan.coding.mode) {
      case 'sign':
        idx = v < plan.threshold ? 1 : 0;
        break;
      case 'fixed':
        idx = fixedIndex(v, plan.edges);
        break;
      case 'width':
        idx = widthIndex(v, plan) >>> 0;
        break;
      case 'adaptive':
        idx = adaptiveIndex(v, range.min, range.max, plan.B);
        break;
    }
    const w = Math.floor(j / per);
    words[w] = (words[w] | (bits === 32 ? idx : idx << ((j % per) * bits))) >>> 0;
  }
  if (plan.exact) return [words[0] ?? 0, words[1] ?? 0];
  return hash64(words, W);
}

/**
 * shaders/layer_codes.wgsl: the codes of a chunk x f32[R, rows, W] written at rows rowOffset… of
 * codes u32[R, n, 2] (other rows untouched). `range` f32[R, 2] is the per-replica [min, max] (adaptive).
 */
export function layerCodesRef(
  x: Float32Array,
  R: number,
  rows: number,
  W: number,
  plan: CodePlan,
  codes: Uint32Array,
  n: number,
  rowOffset: number,
  range?: Float32Array,
): Uint32Array {
  for (let r = 0; r < R; r++) {
    const rr = range ? { min: range[2 * r], max: range[2 * r + 1] } : undefined;
    for (let b = 0; b < rows; b++) {
      const row = x.subarray((r * rows + b) * W, (r * rows + b + 1) * W);
      const [lo, hi] = sampleCode(row, plan, rr);
      const o = (r * n + rowOffset + b) * 2;
      codes[o] = lo;
      codes[o + 1] = hi;
    }
  }
  return codes;
}
