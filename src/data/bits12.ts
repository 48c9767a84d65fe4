/**
 * The 12-bit task of Shwartz-Ziv & Tishby (2017), their file var_u.mat: all 4096 patterns of 12 bits,
 * row r = r in binary with column 0 the most significant bit, and a binary label.
 *
 * The original generating function was never published. The rule below is a RECONSTRUCTION that
 * reproduces the 4096 labels of var_u.mat exactly (found from the file's icosahedral symmetry;
 * docs/METHOD.md §4): the 12 columns are the vertices of an icosahedron; with k = the number of ones and
 * S = the sum of the unit vectors of the "on" vertices,
 *
 *   y = 1  iff  k + ‖S‖ > 7.6.
 *
 * `bits12LabelsInteger` is an independent integer form of the same labels, used to test this one:
 * with e1, e2, e3 the numbers of "on" pairs that are adjacent, second neighbours and antipodal,
 * y = 1 iff 23k + e1 − 5·e2 − 8·e3 ≥ 99. Checks (test/data.test.ts): 2118 ones; the SHA-256 of the
 * labels as one '0'/'1' string; H(Y) = 0.99916 bits.
 */
import type { Dataset } from './types.ts';

export const BITS12_BITS = 12;
export const BITS12_N = 1 << BITS12_BITS;
export const BITS12_THRESHOLD = 7.6;
export const BITS12_SOURCE =
  '12-bit task of Shwartz-Ziv & Tishby (2017, var_u.mat); labels from a reconstructed icosahedral rule ' +
  'that reproduces the original 4096 labels exactly';

const PHI = (1 + Math.sqrt(5)) / 2;

/** The icosahedron's vertices in column order, unnormalised (length √(1 + φ²)). */
export const ICOSAHEDRON: readonly (readonly [number, number, number])[] = [
  [0, 1, PHI],
  [1, PHI, 0],
  [0, 1, -PHI],
  [-1, PHI, 0],
  [PHI, 0, -1],
  [0, -1, PHI],
  [1, -PHI, 0],
  [-1, -PHI, 0],
  [-PHI, 0, -1],
  [0, -1, -PHI],
  [-PHI, 0, 1],
  [PHI, 0, 1],
];

/** Bit `col` of pattern `row` (column 0 = most significant bit). */
export function bit(row: number, col: number): number {
  return (row >>> (BITS12_BITS - 1 - col)) & 1;
}

/** The labels of all 4096 rows by the geometric rule k + ‖S‖ > 7.6. */
export function bits12Labels(): Uint32Array {
  const unit = ICOSAHEDRON.map(([x, y, z]) => {
    const n = Math.sqrt(x * x + y * y + z * z);
    return [x / n, y / n, z / n];
  });
  const labels = new Uint32Array(BITS12_N);
  for (let r = 0; r < BITS12_N; r++) {
    let k = 0;
    let sx = 0;
    let sy = 0;
    let sz = 0;
    for (let c = 0; c < BITS12_BITS; c++) {
      if (!bit(r, c)) continue;
      k++;
      sx += unit[c][0];
      sy += unit[c][1];
      sz += unit[c][2];
    }
    labels[r] = k + Math.sqrt(sx * sx + sy * sy + sz * sz) > BITS12_THRESHOLD ? 1 : 0;
  }
  return labels;
}

/**
 * The same labels by the integer rule 23k + e1 − 5·e2 − 8·e3 ≥ 99. Pairs are classed by the cosine of
 * their angle: 1/√5 (adjacent), −1/√5 (second neighbours), −1 (antipodal).
 */
export function bits12LabelsInteger(): Uint32Array {
  const sq = PHI * PHI + 1;
  const kind: number[][] = ICOSAHEDRON.map((a) =>
    ICOSAHEDRON.map((b) => {
      const cos = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / sq;
      if (cos > 0.99) return 0; // the vertex itself
      if (cos < -0.99) return 3; // antipodal
      return cos > 0 ? 1 : 2; // adjacent : second neighbour
    }),
  );
  const labels = new Uint32Array(BITS12_N);
  for (let r = 0; r < BITS12_N; r++) {
    let k = 0;
    const e = [0, 0, 0, 0];
    for (let i = 0; i < BITS12_BITS; i++) {
      if (!bit(r, i)) continue;
      k++;
      for (let j = i + 1; j < BITS12_BITS; j++) if (bit(r, j)) e[kind[i][j]]++;
    }
    labels[r] = 23 * k + e[1] - 5 * e[2] - 8 * e[3] >= 99 ? 1 : 0;
  }
  return labels;
}

/** The 12-bit dataset; inputs as {0, 1} ('binary', as in var_u.mat) or {−1, +1} ('pm1'). */
export function bits12Dataset(encoding: 'binary' | 'pm1' = 'binary'): Dataset {
  const off = encoding === 'pm1' ? -1 : 0;
  const inputs = new Float32Array(BITS12_N * BITS12_BITS);
  for (let r = 0; r < BITS12_N; r++)
    for (let c = 0; c < BITS12_BITS; c++) inputs[r * BITS12_BITS + c] = bit(r, c) ? 1 : off;
  return {
    name: 'bits12',
    inputs,
    labels: bits12Labels(),
    N: BITS12_N,
    D: BITS12_BITS,
    classes: 2,
    shape: [BITS12_BITS],
    source: BITS12_SOURCE,
  };
}
