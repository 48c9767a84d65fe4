/**
 * sin, cos and log built only from + − × ÷ (and exact power-of-two scaling), so the generated toy
 * datasets are bit-identical in every JS engine. Math.sin/cos/log are not: the spec lets engines return
 * any "implementation-approximated" value, and V8, SpiderMonkey and JavaScriptCore differ in the last bit
 * for some arguments. IEEE 754 + − × ÷ are correctly rounded and JS never fuses them (no FMA), so a fixed
 * sequence of them gives the same double everywhere.
 *
 *   sin, cos: Cody–Waite reduction by π/2 with a two-part constant (fdlibm's pio2_1, pio2_1t), then
 *             Taylor polynomials on |r| ≤ π/4 to r^15 / r^16 (truncation < 1e-16); accurate to a few
 *             ulp for |x| ≤ 1e5, refused beyond 1e6 (the toys use |x| < 15).
 *   log:      x = m·2^e with m in [√½, √2); log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172, by
 *             its odd series to s^23 (truncation < 1e-17); e·ln 2 with a two-part ln 2 (fdlibm).
 *
 * test/data.test.ts compares all three with Math.* (max error ~1e-16, far inside the 1e-7 asked for).
 */

const PIO2_HI = 1.5707963267341256; // first 33 bits of π/2: k · PIO2_HI is exact for |k| < 2^20
const PIO2_LO = 6.077100506506192e-11; // π/2 − PIO2_HI
const INV_PIO2 = 0.6366197723675814; // 2/π
const MAX_TRIG_ARG = 1e6;

// Signed Taylor coefficients, computed once by correctly rounded division (the same in every engine):
// SIN_C[j] = (−1)^(j+1) / (2j+3)!  (r³ … r^15),  COS_C[j] = (−1)^(j+1) / (2j+2)!  (r² … r^16).
const SIN_C: number[] = [];
const COS_C: number[] = [];
for (let n = 1, f = 1; n <= 16; n++) {
  f /= n; // 1/n!
  const sign = (n >> 1) % 2 === 1 ? -1 : 1;
  if (n >= 3 && n % 2 === 1) SIN_C.push(sign * f);
  if (n >= 2 && n % 2 === 0) COS_C.push(sign * f);
}

/** Horner's rule on c[0] + c[1]·z + … + c[last]·z^last. */
function horner(c: number[], z: number): number {
  let p = c[c.length - 1];
  for (let j = c.length - 2; j >= 0; j--) p = p * z + c[j];
  return p;
}

/** sin on |r| ≤ π/4: r − r³/3! + … − r^15/15!. */
function sinPoly(r: number): number {
  const z = r * r;
  return r + r * z * horner(SIN_C, z);
}

/** cos on |r| ≤ π/4: 1 − r²/2! + … + r^16/16!. */
function cosPoly(r: number): number {
  const z = r * r;
  return 1 + z * horner(COS_C, z);
}

/** x = k·π/2 + r with |r| ≤ π/4 (about), k as an integer mod 4. */
function reduce(x: number): [number, number] {
  if (!(Math.abs(x) <= MAX_TRIG_ARG))
    throw new RangeError(`sin/cos: argument must be finite with |x| ≤ ${MAX_TRIG_ARG}, got ${x}`);
  const k = Math.round(x * INV_PIO2);
  const r = x - k * PIO2_HI - k * PIO2_LO;
  return [((k % 4) + 4) % 4, r];
}

export function sin(x: number): number {
  const [q, r] = reduce(x);
  switch (q) {
    case 0:
      return sinPoly(r);
    case 1:
      return cosPoly(r);
    case 2:
      return -sinPoly(r);
    default:
      return -cosPoly(r);
  }
}

export function cos(x: number): number {
  const [q, r] = reduce(x);
  switch (q) {
    case 0:
      return cosPoly(r);
    case 1:
      return -sinPoly(r);
    case 2:
      return -cosPoly(r);
    default:
      return sinPoly(r);
  }
}

const LN2_HI = 0.6931471803691238; // ln 2 rounded to 32 significant bits: e · LN2_HI is exact
const LN2_LO = 1.9082149292705877e-10; // ln 2 − LN2_HI
const SQRT2 = Math.sqrt(2); // correctly rounded, like + − × ÷

/** Natural logarithm of a positive finite x. */
export function log(x: number): number {
  if (!(x > 0 && x < Number.POSITIVE_INFINITY))
    throw new RangeError(`log: argument must be positive and finite, got ${x}`);
  // Scale by powers of two (exact, subnormals included) into [√½, √2): big steps, then ≤ 4 single ones.
  let e = 0;
  let m = x;
  for (const b of [64, 16, 4]) {
    const f = 2 ** b;
    while (m >= f) {
      m /= f;
      e += b;
    }
    while (m < 1 / f) {
      m *= f;
      e -= b;
    }
  }
  while (m >= SQRT2) {
    m /= 2;
    e += 1;
  }
  while (m < SQRT2 / 2) {
    m *= 2;
    e -= 1;
  }
  const s = (m - 1) / (m + 1);
  const z = s * s;
  let p = 1 / 23;
  for (let n = 21; n >= 3; n -= 2) p = p * z + 1 / n;
  const logm = 2 * (s + s * z * p);
  return e * LN2_HI + (e * LN2_LO + logm);
}
