/**
 * Reads NumPy .npy files (format versions 1–3) for your own data (custom.ts): little-endian or
 * single-byte dtypes f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1, in C order. Problems are pushed to
 * `issues` naming the file; the result is then undefined.
 */
import type { CustomIssue } from './custom-check.ts';

export interface NpyArray {
  descr: string;
  shape: number[];
  /** An integer (or bool) dtype. */
  integer: boolean;
  values: ArrayLike<number>;
}

const DTYPES: Record<string, { bytes: number; integer: boolean }> = {
  f4: { bytes: 4, integer: false },
  f8: { bytes: 8, integer: false },
  i1: { bytes: 1, integer: true },
  i2: { bytes: 2, integer: true },
  i4: { bytes: 4, integer: true },
  i8: { bytes: 8, integer: true },
  u1: { bytes: 1, integer: true },
  u2: { bytes: 2, integer: true },
  u4: { bytes: 4, integer: true },
  u8: { bytes: 8, integer: true },
  b1: { bytes: 1, integer: true },
};

function view(kind: string, buf: ArrayBuffer): ArrayLike<number> {
  switch (kind) {
    case 'f4':
      return new Float32Array(buf);
    case 'f8':
      return new Float64Array(buf);
    case 'i1':
      return new Int8Array(buf);
    case 'i2':
      return new Int16Array(buf);
    case 'i4':
      return new Int32Array(buf);
    case 'u2':
      return new Uint16Array(buf);
    case 'u4':
      return new Uint32Array(buf);
    case 'i8':
      return Float64Array.from(new BigInt64Array(buf), Number);
    case 'u8':
      return Float64Array.from(new BigUint64Array(buf), Number);
    default: // u1, b1
      return new Uint8Array(buf);
  }
}

export function parseNpy(bytes: Uint8Array, file: string, issues: CustomIssue[]): NpyArray | undefined {
  const fail = (message: string) => {
    issues.push({ file, message });
    return undefined;
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m))
    return fail('is not a NumPy .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) return fail(`.npy format version ${major} is not supported (1–3 are)`);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) return fail('the .npy header is cut off');
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    return fail(`the .npy header is not understood: ${header.trim().slice(0, 120)}`);
  if (fortran === 'True')
    return fail('Fortran-order arrays are not supported: save with np.ascontiguousarray');
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const kind = m?.[2];
  if (!m || !kind || !DTYPES[kind])
    return fail(`dtype '${descr}' is not supported (float32/64, int8–64, uint8–64, bool)`);
  if (m[1] === '>' && DTYPES[kind].bytes > 1) return fail(`big-endian dtype '${descr}' is not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0))
    return fail(`the shape (${shapeText}) is not understood`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const need = count * DTYPES[kind].bytes;
  if (bytes.length - dataStart < need)
    return fail(
      `holds ${bytes.length - dataStart} data bytes, its shape [${shape.join(', ')}] needs ${need}`,
    );
  const copy = bytes.slice(dataStart, dataStart + need).buffer; // aligned for the typed-array view
  return { descr, shape, integer: DTYPES[kind].integer, values: view(kind, copy) };
}
