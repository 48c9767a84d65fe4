/**
 * The UCI 8×8 handwritten digits (the optdigits test set: 1797 rows of 64 pixel counts 0–16, 10 classes),
 * as scikit-learn ships it (data/digits.csv.gz, from Debian's python3-sklearn 1.2.1; see data/README.md).
 * Each CSV line is 64 pixels in row-major order, then the label. Inputs are scaled to [0, 1] by /16.
 *
 * Both the file's SHA-256 and that of its decompressed text are recorded. The file hash is checked when
 * gzip bytes arrive; the text hash always (a web server may hand over the text already decompressed).
 */
import { gunzip, isGzip, verifySha256 } from './bytes.ts';
import type { DataFiles, Dataset } from './types.ts';

export const DIGITS_PATH = 'data/digits.csv.gz';
export const DIGITS_GZ_SHA256 = '46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a';
export const DIGITS_CSV_SHA256 = '6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8';
export const DIGITS_N = 1797;
export const DIGITS_D = 64;
export const DIGITS_SOURCE =
  'UCI optdigits test set (E. Alpaydin & C. Kaynak, 1998; CC BY 4.0), as shipped by scikit-learn (BSD-3)';

/** Parse the CSV text: N lines of 64 integers 0–16 and a label 0–9. */
export function parseDigitsCsv(text: string): Dataset {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length !== DIGITS_N) throw new Error(`digits: expected ${DIGITS_N} rows, found ${lines.length}`);
  const inputs = new Float32Array(DIGITS_N * DIGITS_D);
  const labels = new Uint32Array(DIGITS_N);
  lines.forEach((line, r) => {
    const cells = line.split(',');
    if (cells.length !== DIGITS_D + 1)
      throw new Error(`digits: row ${r} has ${cells.length} fields, expected ${DIGITS_D + 1}`);
    for (let c = 0; c <= DIGITS_D; c++) {
      const v = Number(cells[c]);
      const max = c < DIGITS_D ? 16 : 9;
      if (!Number.isInteger(v) || v < 0 || v > max)
        throw new Error(`digits: row ${r}, field ${c} is '${cells[c]}', expected an integer 0–${max}`);
      if (c < DIGITS_D) inputs[r * DIGITS_D + c] = v / 16;
      else labels[r] = v;
    }
  });
  return {
    name: 'digits',
    inputs,
    labels,
    N: DIGITS_N,
    D: DIGITS_D,
    classes: 10,
    shape: [8, 8],
    source: DIGITS_SOURCE,
  };
}

export async function loadDigits(files: DataFiles): Promise<Dataset> {
  let bytes = await files.read(DIGITS_PATH);
  if (isGzip(bytes)) {
    await verifySha256(DIGITS_PATH, bytes, DIGITS_GZ_SHA256);
    bytes = await gunzip(bytes);
  }
  await verifySha256(`${DIGITS_PATH} (decompressed)`, bytes, DIGITS_CSV_SHA256);
  return parseDigitsCsv(new TextDecoder().decode(bytes));
}
