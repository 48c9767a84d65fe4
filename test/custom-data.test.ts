/**
 * Your own data (src/data/custom.ts): CSV and .npy parsing, every validation error naming its file and
 * row/column, the canonical hash (the same for reformatted CSVs and for a .npy pair of the same numbers),
 * normalization on training rows only, the seeded split, the link keys, and loadDataset holding a file
 * to the configuration's hash. No GPU needed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/run-config.ts';
import {
  adapterLimitProblem,
  CUSTOM_LIMITS,
  CustomDataError,
  type CustomIssue,
  fileMeta,
  memoryFiles,
  normalizeColumns,
  parseCustomData,
} from '../src/data/custom.ts';
import { loadDataset } from '../src/data/load.ts';
import { parseLink, serializeLink } from '../src/run/link.ts';
import { npy } from '../src/run/npy.ts';
import { prepareRun } from '../src/run/prepare.ts';
import { Rng } from '../src/util/rng.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const csv = (name: string, text: string) => ({ name, bytes: enc(text) });

async function issuesOf(p: Promise<unknown>): Promise<CustomIssue[]> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CustomDataError);
    return (e as CustomDataError).issues;
  }
  throw new Error('expected a CustomDataError');
}

const IRIS = 'a,b,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n';

describe('CSV', () => {
  it('parses a header, string labels in sorted order, the label column last by default', async () => {
    const d = await parseCustomData(csv('iris.csv', IRIS));
    expect([d.N, d.D, d.classes]).toEqual([4, 2, 3]);
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(d.labels)).toEqual([0, 1, 2, 0]);
    expect(Array.from(d.inputs)).toEqual(Array.from(Float32Array.of(5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0)));
    expect(d.shape).toEqual([2]);
    expect(fileMeta(d)).toMatchObject({ name: 'iris.csv', rows: 4, columns: 2, classes: 3 });
  });

  it('takes the label column by name or 1-based index, with or without a header', async () => {
    const byName = await parseCustomData(csv('x.csv', 'y,f1,f2\n1,0.5,2\n0,1.5,3\n'), undefined, {
      labelColumn: 'y',
    });
    expect(Array.from(byName.labels)).toEqual([1, 0]);
    expect(byName.featureNames).toEqual(['f1', 'f2']);
    const byIndex = await parseCustomData(csv('x.csv', '1,0.5,2\n0,1.5,3\n'), undefined, {
      labelColumn: '1',
    });
    expect(Array.from(byIndex.labels)).toEqual([1, 0]);
    expect(Array.from(byIndex.inputs)).toEqual([0.5, 2, 1.5, 3]);
    expect(byIndex.featureNames).toEqual(['2', '3']);
    // 'no': a numeric-looking first row is data; 'yes': it is a header even when numeric.
    const noHeader = await parseCustomData(csv('x.csv', '1,0\n2,1\n3,0\n'), undefined, { header: 'no' });
    expect(noHeader.N).toBe(3);
    const header = await parseCustomData(csv('x.csv', '1,0\n2,1\n3,0\n'), undefined, { header: 'yes' });
    expect(header.N).toBe(2);
  });

  it('hashes what training sees: formatting, the header and the label column place do not change it', async () => {
    const a = await parseCustomData(csv('a.csv', 'x,y,label\n1,2,0\n3,4,1\n'));
    const b = await parseCustomData(csv('b.csv', '1.0 , 2.00, 0\r\n\r\n3e0,4,1\r\n'));
    const c = await parseCustomData(csv('c.csv', 'label,x,y\n0,1,2\n1,3,4\n'), undefined, {
      labelColumn: 'label',
    });
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).toBe(a.sha256);
    // The canonical bytes, hashed by node:crypto: header line, float32 inputs, uint32 labels.
    const bytes = Buffer.concat([
      Buffer.from('bitplane-data/1 2 2 2\n'),
      Buffer.from(Float32Array.of(1, 2, 3, 4).buffer),
      Buffer.from(Uint32Array.of(0, 1).buffer),
    ]);
    expect(a.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const d = await parseCustomData(csv('d.csv', 'x,y,label\n1,2,0\n3,4.0001,1\n'));
    expect(d.sha256).not.toBe(a.sha256);
  });

  it('names the row and column of every bad cell', async () => {
    const text = 'x,y,label\n1,2,0\n1,abc,1\n,3,0\nNaN,1,1\n1,inf,0\n1,2\n';
    const issues = await issuesOf(parseCustomData(csv('bad.csv', text)));
    expect(issues).toEqual([
      { file: 'bad.csv', row: 3, column: 2, message: '"abc" is not a number' },
      { file: 'bad.csv', row: 4, column: 1, message: 'the cell is empty' },
      { file: 'bad.csv', row: 5, column: 1, message: 'NaN is not a finite number' },
      { file: 'bad.csv', row: 6, column: 2, message: 'inf is not a finite number' },
      { file: 'bad.csv', row: 7, message: 'has 2 columns, the header has 3' },
    ]);
    expect(new CustomDataError(issues).message).toContain('bad.csv: row 3, column 2: "abc" is not a number');
  });

  it('refuses values beyond float32, empty labels, bad label columns', async () => {
    expect(await issuesOf(parseCustomData(csv('big.csv', 'x,l\n1e39,0\n1,1\n')))).toEqual([
      { file: 'big.csv', row: 2, column: 1, message: '1e+39 is beyond the float32 range (±3.4e38)' },
    ]);
    expect((await issuesOf(parseCustomData(csv('e.csv', 'x,l\n1,\n2,1\n'))))[0]).toMatchObject({
      row: 2,
      column: 2,
      message: 'the label is empty',
    });
    expect(
      (await issuesOf(parseCustomData(csv('n.csv', IRIS), undefined, { labelColumn: 'kind' })))[0].message,
    ).toBe('no column is named "kind" (the header has "a", "b", "species")');
    expect(
      (await issuesOf(parseCustomData(csv('n.csv', IRIS), undefined, { labelColumn: '4' })))[0].message,
    ).toBe('label column 4 is not among the 3 columns (counted from 1)');
    expect(
      (
        await issuesOf(
          parseCustomData(csv('n.csv', '1,0\n2,1\n'), undefined, { labelColumn: 'y', header: 'no' }),
        )
      )[0].message,
    ).toBe('label column "y" is a name, but the file has no header row');
  });

  it('checks the label range, the class count and the sizes', async () => {
    const neg = await issuesOf(parseCustomData(csv('l.csv', 'x,l\n1,0\n2,-1\n3,1\n')));
    expect(neg[0]).toMatchObject({
      row: 3,
      column: 2,
      message: 'label -1 is not an integer from 0 (classes are 0..C−1)',
    });
    const frac = await issuesOf(parseCustomData(csv('l.csv', 'x,l\n1,0\n2,1.5\n3,1.0\n')));
    expect(frac).toEqual([
      {
        file: 'l.csv',
        row: 3,
        column: 2,
        message: 'label 1.5 is not an integer from 0 (classes are 0..C−1)',
      },
    ]);
    const gap = await issuesOf(parseCustomData(csv('l.csv', 'x,l\n1,1\n2,2\n3,3\n')));
    expect(gap[0].column).toBe(2);
    expect(gap[0].message).toContain('0 never occur (if they count from 1, subtract 1)');
    const one = await issuesOf(parseCustomData(csv('l.csv', 'x,l\n1,0\n2,0\n')));
    expect(one[0].message).toBe('needs at least 2 classes, found 1 (0)');
    const rows = await issuesOf(parseCustomData(csv('r.csv', 'x,l\n1,0\n')));
    expect(rows.map((i) => i.message)).toContain('needs at least 2 rows, got 1');
    const cols = await issuesOf(parseCustomData(csv('c.csv', '1\n2\n')));
    expect(cols[0]).toMatchObject({
      row: 1,
      message: 'a row needs at least 2 columns (features and a label), got 1',
    });
    const big = { name: 'huge.csv', bytes: new Uint8Array(CUSTOM_LIMITS.maxBytes + 1) };
    expect((await issuesOf(parseCustomData(big)))[0].message).toContain('more than the limit');
    expect((await issuesOf(parseCustomData(csv('z.csv', '\n\n'))))[0].message).toBe('the file is empty');
    const npz = await issuesOf(parseCustomData(csv('d.npz', '')));
    expect(npz[0].message).toContain('.npz is not supported');
  });

  it('holds the data to the adapter limits through the same function', async () => {
    const limits = { maxStorageBufferBindingSize: 16, maxBufferSize: 1 << 30 };
    expect(adapterLimitProblem(2, 2, limits)).toBeNull();
    expect(adapterLimitProblem(3, 2, limits)).toBe(
      "3 rows × 2 columns as float32 is 24 bytes, more than this adapter's storage buffer limit of 16 bytes",
    );
    const issues = await issuesOf(
      parseCustomData(csv('a.csv', '1,2,0\n3,4,1\n5,6,1\n'), undefined, { limits }),
    );
    expect(issues[0].message).toContain("this adapter's storage buffer limit of 16 bytes");
  });

  it('stops listing after 20 problems', async () => {
    const text = `x,l\n${Array.from({ length: 50 }, (_, i) => `bad,${i % 2}`).join('\n')}\n`;
    const issues = await issuesOf(parseCustomData(csv('many.csv', text)));
    expect(issues).toHaveLength(21);
    expect(issues[20].message).toBe('more problems follow; fix these first');
  });
});

describe('.npy', () => {
  const X = Float32Array.of(1, 2, 3, 4, 5, 6);
  const x = { name: 'x.npy', bytes: npy(X, [3, 2]) };
  const y = { name: 'y.npy', bytes: npy(Uint32Array.of(0, 1, 1), [3]) };

  it('reads features [N, D] and labels [N], and hashes like the same CSV', async () => {
    const d = await parseCustomData(x, y);
    expect([d.N, d.D, d.classes, d.fileName]).toEqual([3, 2, 2, 'x.npy,y.npy']);
    expect(Array.from(d.inputs)).toEqual(Array.from(X));
    const same = await parseCustomData(csv('s.csv', '1,2,0\n3,4,1\n5,6,1\n'));
    expect(d.sha256).toBe(same.sha256);
  });

  it('reads float64 features and int64 labels', async () => {
    const f8 = npyOf('<f8', [3, 2], new Uint8Array(Float64Array.of(1, 2, 3, 4, 5, 6).buffer));
    const i8 = npyOf('<i8', [3], new Uint8Array(BigInt64Array.of(0n, 1n, 1n).buffer));
    const d = await parseCustomData({ name: 'x.npy', bytes: f8 }, { name: 'y.npy', bytes: i8 });
    expect(d.sha256).toBe((await parseCustomData(x, y)).sha256);
  });

  it('names the file, the row and the column of each problem', async () => {
    const nan = { name: 'x.npy', bytes: npy(Float32Array.of(1, 2, 3, Number.NaN, 5, 6), [3, 2]) };
    expect(await issuesOf(parseCustomData(nan, y))).toEqual([
      { file: 'x.npy', row: 2, column: 2, message: 'NaN is not a finite number' },
    ]);
    const short = { name: 'y.npy', bytes: npy(Uint32Array.of(0, 1), [2]) };
    expect((await issuesOf(parseCustomData(x, short)))[0]).toMatchObject({
      file: 'y.npy',
      message: 'has 2 labels, the features file x.npy has 3 rows',
    });
    const floatLabels = { name: 'y.npy', bytes: npy(Float32Array.of(0, 1, 1), [3]) };
    expect((await issuesOf(parseCustomData(x, floatLabels)))[0].message).toBe(
      'labels must be integers, got dtype <f4',
    );
    const flat = { name: 'x.npy', bytes: npy(X, [6]) };
    expect((await issuesOf(parseCustomData(flat, y)))[0].message).toBe(
      'features must have shape [N, D], got [6]',
    );
    const notNpy = { name: 'x.npy', bytes: enc('1,2,3') };
    expect((await issuesOf(parseCustomData(notNpy, y)))[0]).toMatchObject({
      file: 'x.npy',
      message: 'is not a NumPy .npy file (no \\x93NUMPY magic)',
    });
    const cut = { name: 'x.npy', bytes: npy(X, [3, 2]).subarray(0, 140) };
    expect((await issuesOf(parseCustomData(cut, y)))[0].message).toMatch(
      /data bytes, its shape \[3, 2\] needs 24/,
    );
    const be = { name: 'x.npy', bytes: npyOf('>f4', [3, 2], new Uint8Array(24)) };
    expect((await issuesOf(parseCustomData(be, y)))[0].message).toBe(
      "big-endian dtype '>f4' is not supported",
    );
    const fortran = { name: 'x.npy', bytes: npyOf('<f4', [3, 2], new Uint8Array(24), true) };
    expect((await issuesOf(parseCustomData(fortran, y)))[0].message).toContain('Fortran-order');
    expect((await issuesOf(parseCustomData(x)))[0].message).toContain('needs its labels .npy too');
    expect((await issuesOf(parseCustomData(csv('a.csv', '1,0\n2,1\n'), y)))[0].file).toBe('y.npy');
  });
});

/** A .npy file with any descr (npy() writes <f4 and <u4 only). */
function npyOf(descr: string, shape: number[], data: Uint8Array, fortran = false): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${dims}), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(enc(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

describe('normalization and split', () => {
  it('z-score and min-max use the training rows only; constant columns become 0', () => {
    const x = Float32Array.of(0, 5, 2, 5, 4, 5, 100, 5); // 4 rows × 2 columns; row 3 is test
    const train = Uint32Array.of(0, 1, 2);
    const z = normalizeColumns(x, 2, train, 'zscore');
    const sd = Math.sqrt(8 / 3);
    expect(Array.from(z)).toEqual(Array.from(Float32Array.of(-2 / sd, 0, 0, 0, 2 / sd, 0, 98 / sd, 0)));
    const m = normalizeColumns(x, 2, train, 'minmax');
    expect(Array.from(m)).toEqual(Array.from(Float32Array.of(0, 0, 0.5, 0, 1, 0, 25, 0)));
    expect(normalizeColumns(x, 2, train, 'none')).toBe(x);
  });

  it('a run on your data is seeded: the same split and scaled inputs twice, another seed differs', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${(i * 7) % 13},${i % 3}`).join('\n');
    const bytes = enc(`a,b,c\n${rows}\n`);
    const data = await parseCustomData({ name: 'd.csv', bytes });
    const files = memoryFiles(new Map([['d.csv', bytes]]));
    const config = (seed: number) =>
      parseConfig({
        seed,
        data: { name: 'custom', file: fileMeta(data), normalize: 'zscore', trainFraction: 0.75 },
        network: { hidden: [] },
        replicas: 1,
      });
    const a = await prepareRun(config(3), files);
    const b = await prepareRun(config(3), files);
    const c = await prepareRun(config(4), files);
    expect(Array.from(a.split.train)).toEqual(Array.from(b.split.train));
    expect(Array.from(a.split.train)).not.toEqual(Array.from(c.split.train));
    expect(a.split.train.length).toBe(30);
    expect(Array.from(a.data.xTrain)).toEqual(Array.from(b.data.xTrain));
    // z-scored on the training rows: each column's training mean is ~0.
    const mean = (j: number) =>
      Array.from({ length: 30 }, (_, i) => a.data.xTrain[i * 2 + j]).reduce((s, v) => s + v) / 30;
    expect(Math.abs(mean(0))).toBeLessThan(1e-6);
    expect(Math.abs(mean(1))).toBeLessThan(1e-6);
    expect(a.plan.layers.at(-1)?.width).toBe(3);
  });
});

describe('configuration, links and the hash rule', () => {
  it('round-trips the file and options through a link', async () => {
    const d = await parseCustomData(csv('iris.csv', IRIS));
    const config = parseConfig({
      data: { name: 'custom', file: fileMeta(d), labelColumn: 'species', normalize: 'minmax' },
    });
    const link = serializeLink(config);
    expect(link).toContain(`data=custom&file=iris.csv&rows=4&cols=2&classes=3&sha=${d.sha256}`);
    expect(link).toContain('labelcol=species');
    expect(link).toContain('norm=minmax');
    const back = parseLink(link);
    expect(back.issues).toEqual([]);
    expect(back.config).toEqual(config);
  });

  it('round-trips file names and label columns with characters links escape', () => {
    for (const [name, labelColumn] of [
      ['my data (v2).csv', 'class label'],
      ['a&b=c#d%e+f.csv', 'x&y'],
      ['données été.csv', 'espèce'],
      ['x.npy,y.npy', '3'],
    ]) {
      const file = { name, rows: 10, columns: 3, classes: 2, sha256: 'ab'.repeat(32) };
      const config = parseConfig({ data: { name: 'custom', file, labelColumn, header: 'yes' } });
      const back = parseLink(`https://example.org/app/#${serializeLink(config)}`);
      expect(back.issues).toEqual([]);
      expect(back.config).toEqual(config);
    }
  });

  it('reports a partial or malformed file part by key and drops it whole', () => {
    const partial = parseLink('v=1&data=custom&file=a.csv&rows=3');
    const need = "missing: your own data's file needs file, rows, cols, classes, sha together";
    const dropped = "dropped: your own data's file needs cols, classes, sha too";
    expect(partial.issues).toEqual([
      { key: 'cols', field: 'data.file.columns', message: need },
      { key: 'classes', field: 'data.file.classes', message: need },
      { key: 'sha', field: 'data.file.sha256', message: need },
      // the keys that were given are named too: a field given and not applied is always named
      { key: 'file', field: 'data.file.name', message: dropped },
      { key: 'rows', field: 'data.file.rows', message: dropped },
    ]);
    expect(partial.config.data.file).toBeUndefined();
    const badSha = parseLink('v=1&data=custom&file=a.csv&rows=3&cols=2&classes=2&sha=xyz');
    // sha is the reason; the rest of the file part, given and dropped with it, is named too
    expect(badSha.issues.map((i) => i.key)).toEqual(['sha', 'file', 'rows', 'cols', 'classes']);
    expect(badSha.config.data.file).toBeUndefined();
    expect(parseLink('v=1&norm=scaled').issues[0]).toMatchObject({ key: 'norm', field: 'data.normalize' });
  });

  it('loadDataset names the file a link needs, and refuses another file with both hashes', async () => {
    const d = await parseCustomData(csv('iris.csv', IRIS));
    const file = fileMeta(d);
    const none = await issuesOf(loadDataset({ name: 'custom', file }, new Rng(1), memoryFiles(new Map())));
    expect(none[0].message).toContain(
      `this run needs the data file iris.csv (4 rows × 2 columns, 3 classes, SHA-256 ${d.sha256})`,
    );
    const other = enc(IRIS.replace('5.1', '5.2'));
    const wrong = await issuesOf(
      loadDataset({ name: 'custom', file }, new Rng(1), memoryFiles(new Map([['iris.csv', other]]))),
    );
    const otherHash = (await parseCustomData({ name: 'iris.csv', bytes: other })).sha256;
    expect(wrong[0].message).toContain(`its SHA-256 is ${otherHash}`);
    expect(wrong[0].message).toContain(
      `the link names iris.csv (4 rows × 2 columns, 3 classes, SHA-256 ${d.sha256})`,
    );
    expect(wrong[0].message).toContain('would not be a reproduction');
    const right = await loadDataset(
      { name: 'custom', file },
      new Rng(1),
      memoryFiles(new Map([['iris.csv', enc(IRIS)]])),
    );
    expect(right.N).toBe(4);
  });

  it('normalization leaves the built-in datasets alone', async () => {
    const plain = await prepareRun(parseConfig({ data: { name: 'xor', samples: 20 } }));
    const norm = await prepareRun(parseConfig({ data: { name: 'xor', samples: 20, normalize: 'zscore' } }));
    expect(Array.from(norm.data.xTrain)).toEqual(Array.from(plain.data.xTrain));
  });
});
