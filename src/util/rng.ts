/**
 * The one seeded PRNG (xoroshiro128+ from pure-rand). Every random stream — data splits, shuffles,
 * initialisations, test inputs, per replica — is derived from a run's seed by name:
 *
 *   const root = new Rng(seed);
 *   const init = root.derive('init').derive(`replica ${r}`);
 *
 * so adding a stream never shifts the numbers of another. Uses only integer arithmetic and + − × ÷ on
 * doubles (and sqrt/log/cos in `normal`, which may differ in the last bit between JS engines: keep
 * normal() out of anything that must be bit-identical across engines).
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type Generator = ReturnType<typeof xoroshiro128plus>;

/** FNV-1a over the UTF-16 code units of `s`, mixed with `seed`: a 32-bit stream seed. */
function streamSeed(seed: number, s: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h | 0;
}

export class Rng {
  private readonly gen: Generator;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** An independent stream named `name`, a pure function of (this seed, name). */
  derive(name: string): Rng {
    return new Rng(streamSeed(this.seed, name));
  }

  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return uniformInt(this.gen, lo, hi);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.uniform(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }

  /** n floats uniform in [lo, hi), rounded to f32. */
  floats(n: number, lo = -1, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.range(lo, hi);
    return out;
  }

  /** n uniform 32-bit words. */
  words(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 0xffffffff) >>> 0;
    return out;
  }
}
