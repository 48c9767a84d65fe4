/**
 * The datasets' promises: the 12-bit labels are the original ones (checksum, count, entropy, two
 * independent rules); the file-backed sets load with verified checksums, the right counts, shapes and
 * ranges, and refuse damaged bytes; the browser's MNIST subset equals the rows Node reads; the toys are
 * seeded and bit-stable; splits are disjoint, complete and seeded; trig.ts matches Math.* closely.
 * No GPU needed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDatasetAssets } from '../scripts/vite-plugin-mnist.ts';
import { bit, bits12Dataset, bits12Labels, bits12LabelsInteger } from '../src/data/bits12.ts';
import { gunzip, gzip, sha256Hex } from '../src/data/bytes.ts';
import { DIGITS_PATH, loadDigits } from '../src/data/digits.ts';
import { browserFiles, defaultDataFiles } from '../src/data/files.ts';
import { type DatasetSpec, DatasetSpecError, loadDataset, validateDatasetSpec } from '../src/data/load.ts';
import { loadMnist, MNIST_ASSETS, MNIST_D } from '../src/data/mnist.ts';
import { nodeFiles, REPO_ROOT } from '../src/data/node-files.ts';
import { classBalance, splitIndices } from '../src/data/split.ts';
import { polarNormal, TOY_NAMES, toyDataset } from '../src/data/toys.ts';
import { cos, log, sin } from '../src/data/trig.ts';
import type { DataFiles, Dataset } from '../src/data/types.ts';
import { Rng } from '../src/util/rng.ts';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
function minMax(a: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
/** Bit-identical arrays (Object.is: tells −0 from 0 and NaN payloads aside, NaN equals NaN). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A DataFiles that serves a Map (and can damage what it serves). */
function memoryFiles(kind: DataFiles['kind'], files: Map<string, Uint8Array>): DataFiles {
  return {
    kind,
    async read(path) {
      const bytes = files.get(path);
      if (!bytes) throw new Error(`no such file ${path}`);
      return bytes;
    },
  };
}

function checkShape(d: Dataset) {
  expect(d.inputs.length).toBe(d.N * d.D);
  expect(d.labels.length).toBe(d.N);
  expect(d.shape.reduce((a, b) => a * b, 1)).toBe(d.D);
  expect(Math.max(...d.labels)).toBeLessThan(d.classes);
  expect(d.inputs.every(Number.isFinite)).toBe(true);
  expect(d.source.length).toBeGreaterThan(20);
}

describe('12-bit task', () => {
  const labels = bits12Labels();

  it('has the original labels: 2118 ones and the SHA-256 of var_u.mat’s labels', async () => {
    expect(labels.length).toBe(4096);
    expect(sum(labels)).toBe(2118);
    const text = new TextEncoder().encode(Array.from(labels).join(''));
    expect(await sha256Hex(text)).toBe('8adbd792d6400d00410815b5a1f01b05b59f15fd41ace0db85c7772aa5cf4566');
  });

  it('the geometric and the integer rule agree on all 4096 patterns', () => {
    expect(same(labels, bits12LabelsInteger())).toBe(true);
  });

  it('H(Y) = 0.99916 bits', () => {
    const p = 2118 / 4096;
    const h = -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
    expect(Math.abs(h - 0.99916)).toBeLessThan(1e-5);
  });

  it('row r is r in binary, column 0 the most significant bit; binary and ±1 encodings', () => {
    const b = bits12Dataset('binary');
    const pm = bits12Dataset('pm1');
    checkShape(b);
    expect([b.N, b.D, b.classes]).toEqual([4096, 12, 2]);
    expect(Array.from(b.inputs.subarray(12 * 2048, 12 * 2049))).toEqual([1, ...Array(11).fill(0)]);
    expect(Array.from(b.inputs.subarray(12 * 5, 12 * 6))).toEqual([...Array(9).fill(0), 1, 0, 1]);
    expect(bit(0xfff, 0) + bit(1, 11) + bit(1, 10)).toBe(2);
    expect(
      same(
        pm.inputs,
        b.inputs.map((v) => 2 * v - 1),
      ),
    ).toBe(true);
    expect(same(b.labels, pm.labels)).toBe(true);
  });
});

describe('trig.ts', () => {
  it('sin and cos match Math within 1e-14 on [−20, 20] (used up to ~15) and 1e-9 up to 1e5', () => {
    let err = 0;
    for (let i = -200_000; i <= 200_000; i++) {
      const x = i * 1e-4;
      err = Math.max(err, Math.abs(sin(x) - Math.sin(x)), Math.abs(cos(x) - Math.cos(x)));
    }
    expect(err).toBeLessThan(1e-14);
    const rng = new Rng(7);
    let far = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = rng.range(-1e5, 1e5);
      far = Math.max(far, Math.abs(sin(x) - Math.sin(x)), Math.abs(cos(x) - Math.cos(x)));
    }
    expect(far).toBeLessThan(1e-9);
    expect(sin(0)).toBe(0);
    expect(cos(0)).toBe(1);
    expect(() => sin(Number.NaN)).toThrow(/finite/);
    expect(() => cos(1e7)).toThrow(/1000000/);
  });

  it('log matches Math.log within 2e-16 relative, subnormals to huge', () => {
    const rng = new Rng(8);
    let err = 0;
    const xs = [
      1,
      2,
      0.5,
      Math.SQRT2,
      Math.SQRT1_2,
      1 + 2 ** -52,
      1 - 2 ** -53,
      5e-324,
      1e-310,
      1e300,
      1.7e308,
    ];
    for (let i = 0; i < 20_000; i++) xs.push(rng.uniform() + 1e-300, 2 ** rng.range(-1070, 1020));
    for (const x of xs) {
      const want = Math.log(x);
      err = Math.max(err, Math.abs(log(x) - want) / Math.max(Math.abs(want), 1e-300));
    }
    expect(err).toBeLessThan(2e-16 * 4);
    expect(log(1)).toBe(0);
    expect(() => log(0)).toThrow(/positive/);
    expect(() => log(-1)).toThrow(/positive/);
  });
});

describe('2-D toys', () => {
  it.each(TOY_NAMES)('%s: shape, labels, ranges, seeded determinism', (name) => {
    const a = toyDataset(name, 301, 0.2, new Rng(1));
    checkShape(a);
    expect([a.N, a.D, a.classes, a.shape]).toEqual([301, 2, 2, [2]]);
    expect(a.labels.every((l) => l === 0 || l === 1)).toBe(true);
    const [lo, hi] = minMax(a.inputs);
    expect(lo).toBeGreaterThan(-12);
    expect(hi).toBeLessThan(12);
    const b = toyDataset(name, 301, 0.2, new Rng(1));
    expect(same(a.inputs, b.inputs) && same(a.labels, b.labels)).toBe(true);
    const c = toyDataset(name, 301, 0.2, new Rng(2));
    expect(same(a.inputs, c.inputs)).toBe(false);
    // Balanced halves (xor: about).
    const ones = sum(a.labels);
    if (name === 'xor') expect(Math.abs(ones - 150)).toBeLessThan(50);
    else if (name === 'gauss' || name === 'spiral') expect(ones).toBe(151);
  });

  it('without noise the labels are exact: circle by radius, xor by quadrant', () => {
    const circle = toyDataset('circle', 1000, 0, new Rng(3));
    const xor = toyDataset('xor', 1000, 0, new Rng(3));
    for (let i = 0; i < 1000; i++) {
      const [x, y] = circle.inputs.subarray(2 * i, 2 * i + 2);
      expect(circle.labels[i]).toBe(Math.hypot(x, y) < 2.5 ? 1 : 0);
      expect(Math.hypot(x, y) < 2.5 || Math.hypot(x, y) >= 3.5 - 1e-6).toBe(true);
      const [u, v] = xor.inputs.subarray(2 * i, 2 * i + 2);
      expect(xor.labels[i]).toBe(u * v >= 0 ? 1 : 0);
      expect(Math.min(Math.abs(u), Math.abs(v))).toBeGreaterThanOrEqual(0.3 - 1e-6);
    }
    expect(sum(circle.labels)).toBe(500);
  });

  it('the polar-method normal has mean 0 and variance 1; gauss has Playground’s variance', () => {
    const rng = new Rng(4);
    const z = Array.from({ length: 40_000 }, () => polarNormal(rng));
    const m = sum(z) / z.length;
    const v = sum(z.map((x) => (x - m) ** 2)) / z.length;
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(v - 1)).toBeLessThan(0.03);
    const g = toyDataset('gauss', 20_000, 0.5, new Rng(5)); // variance 4 around (2, 2)
    const xs = Array.from({ length: 10_000 }, (_, i) => g.inputs[2 * i]);
    const gm = sum(xs) / xs.length;
    expect(Math.abs(gm - 2)).toBeLessThan(0.08);
    expect(Math.abs(sum(xs.map((x) => (x - gm) ** 2)) / xs.length - 4)).toBeLessThan(0.2);
  });

  it('are bit-stable: golden SHA-256 of the inputs for a fixed seed (any change to generation shows here)', async () => {
    const bytes = (d: Dataset) => new Uint8Array(d.inputs.buffer);
    const hashes = await Promise.all(
      TOY_NAMES.map((n) => sha256Hex(bytes(toyDataset(n, 200, 0.3, new Rng(42))))),
    );
    expect(Object.fromEntries(TOY_NAMES.map((n, i) => [n, hashes[i]]))).toEqual({
      circle: '95a31394ff89bb5b3f75890eab1f16536a512f74a4a1bf4f40b519462645f6c1',
      gauss: 'd0563e53ae7bd025ed0b366cdf8e24f5659a1c98286cc376b84cec6dfa8b503f',
      spiral: '1e94ba6623d1256b995c18fd33862296876ddfa43fe4746deb5c904d24b2b1f2',
      xor: '43733c70af0bd0fb38f51f2d2e11ab964577911a8e94dfab3cd235152a781bea',
    });
  });

  it('refuse bad sizes and noise', () => {
    expect(() => toyDataset('spiral', 1, 0, new Rng(1))).toThrow(/samples/);
    expect(() => toyDataset('spiral', 10, 0.6, new Rng(1))).toThrow(/noise/);
  });
});

describe('splits', () => {
  it('shuffled: sizes, disjoint, complete, seeded', () => {
    const s = splitIndices(1000, { trainFraction: 0.8, mode: 'shuffled' }, new Rng(1));
    expect([s.train.length, s.test.length, s.biased]).toEqual([800, 200, false]);
    const all = new Set([...s.train, ...s.test]);
    expect(all.size).toBe(1000);
    expect(Math.max(...all)).toBe(999);
    expect(
      same(s.train, splitIndices(1000, { trainFraction: 0.8, mode: 'shuffled' }, new Rng(1)).train),
    ).toBe(true);
    expect(
      same(s.train, splitIndices(1000, { trainFraction: 0.8, mode: 'shuffled' }, new Rng(2)).train),
    ).toBe(false);
    expect(
      same(
        s.train,
        Uint32Array.from({ length: 800 }, (_, i) => i),
      ),
    ).toBe(false);
  });

  it("first-rows is IDNNs' split: 3277 / 819 on the 12-bit task, test set 84 % ones, flagged biased", () => {
    const labels = bits12Labels();
    const s = splitIndices(4096, { trainFraction: 0.8, mode: 'first-rows' }, new Rng(1));
    expect([s.train.length, s.test.length, s.biased]).toEqual([3277, 819, true]);
    expect(s.test[0]).toBe(3277);
    const test = classBalance(labels, s.test);
    expect(test.counts).toEqual([134, 685]);
    expect(test.fractions[1]).toBeCloseTo(0.84, 2);
    expect(classBalance(labels).fractions[1]).toBeCloseTo(2118 / 4096, 12);
    const shuffled = classBalance(
      labels,
      splitIndices(4096, { trainFraction: 0.8, mode: 'shuffled' }, new Rng(1)).test,
    );
    expect(Math.abs(shuffled.fractions[1] - 0.517)).toBeLessThan(0.06);
  });

  it('rounds the split point half to even, like numpy.rint, and refuses empty sets', () => {
    expect(splitIndices(5, { trainFraction: 0.5, mode: 'first-rows' }, new Rng(1)).train.length).toBe(2);
    expect(splitIndices(7, { trainFraction: 0.5, mode: 'first-rows' }, new Rng(1)).train.length).toBe(4);
    expect(() => splitIndices(10, { trainFraction: 1, mode: 'shuffled' }, new Rng(1))).toThrow(
      /trainFraction/,
    );
    expect(() => splitIndices(10, { trainFraction: 0.01, mode: 'shuffled' }, new Rng(1))).toThrow(/empty/);
    expect(() => splitIndices(10, { trainFraction: 0.5, mode: 'x' as 'shuffled' }, new Rng(1))).toThrow(
      /mode/,
    );
  });

  it('classBalance counts per class, with an explicit class count', () => {
    const b = classBalance(Uint32Array.of(0, 2, 2, 1), Uint32Array.of(1, 2, 3), 4);
    expect(b.counts).toEqual([0, 1, 2, 0]);
    expect(b.fractions).toEqual([0, 1 / 3, 2 / 3, 0]);
  });
});

describe('8×8 digits', () => {
  it('1797 × 64, pixels /16 in [0, 1], 10 classes with the known counts', async () => {
    const d = await loadDigits(nodeFiles());
    checkShape(d);
    expect([d.N, d.D, d.classes, d.shape]).toEqual([1797, 64, 10, [8, 8]]);
    expect(minMax(d.inputs)).toEqual([0, 1]);
    expect(d.inputs.every((v) => Number.isInteger(v * 16))).toBe(true);
    expect(classBalance(d.labels).counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(Array.from(d.inputs.subarray(0, 8), (v) => v * 16)).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
  });

  it('checks the SHA-256: damaged bytes are refused; already-decompressed text is accepted', async () => {
    const gz = await nodeFiles().read(DIGITS_PATH);
    const bad = gz.slice();
    bad[100] ^= 1;
    await expect(loadDigits(memoryFiles('browser', new Map([[DIGITS_PATH, bad]])))).rejects.toThrow(
      /digits\.csv\.gz: SHA-256 mismatch/,
    );
    const text = await gunzip(gz);
    const d = await loadDigits(memoryFiles('browser', new Map([[DIGITS_PATH, text]])));
    expect(d.N).toBe(1797);
    text[5] = '9'.charCodeAt(0);
    await expect(loadDigits(memoryFiles('browser', new Map([[DIGITS_PATH, text]])))).rejects.toThrow(
      /mismatch/,
    );
  });
});

describe('MNIST', () => {
  let full: Dataset;
  beforeAll(async () => {
    full = await loadMnist(nodeFiles(), { train: 60000 }); // the whole of it, once (verifies the idx SHA-256s)
  });

  it('Node reads all 60,000 + 10,000 official rows, /255 in [0, 1], the official split', () => {
    checkShape(full);
    expect([full.N, full.D, full.classes, full.shape]).toEqual([70000, 784, 10, [28, 28]]);
    expect(minMax(full.inputs)).toEqual([0, 1]);
    const train = full.predefinedSplit!.train;
    const test = full.predefinedSplit!.test;
    expect([train.length, train[0], train[59999], test.length, test[0], test[9999]]).toEqual([
      60000, 0, 59999, 10000, 60000, 69999,
    ]);
    expect(classBalance(full.labels, train).counts).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    expect(classBalance(full.labels, test).counts).toEqual([
      980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]);
    expect([full.labels[0], full.labels[60000]]).toEqual([5, 7]);
  });

  it('the browser assets (built by the Vite plugin) give the same rows as Node; hashes checked', async () => {
    const assets = buildDatasetAssets(REPO_ROOT); // also checks MNIST_ASSETS' SHA-256s against the idx files
    const browser = memoryFiles('browser', assets);
    const sub = await loadMnist(browser, { train: 10000 });
    expect([sub.N, sub.predefinedSplit!.train.length, sub.predefinedSplit!.test[0]]).toEqual([
      20000, 10000, 10000,
    ]);
    expect(same(sub.inputs.subarray(0, 10000 * MNIST_D), full.inputs.subarray(0, 10000 * MNIST_D))).toBe(
      true,
    );
    expect(same(sub.inputs.subarray(10000 * MNIST_D), full.inputs.subarray(60000 * MNIST_D))).toBe(true);
    expect(same(sub.labels.subarray(10000), full.labels.subarray(60000))).toBe(true);
    const small = await loadMnist(browser, { train: 123 });
    expect(small.N).toBe(10123);
    expect(same(small.labels.subarray(0, 123), full.labels.subarray(0, 123))).toBe(true);
    const fewTest = await loadMnist(browser, { train: 5, test: 9999 });
    expect([fewTest.N, fewTest.predefinedSplit!.test.length]).toEqual([10004, 9999]);
    expect(same(fewTest.labels.subarray(5), full.labels.subarray(60000, 69999))).toBe(true);
    expect(
      same(fewTest.inputs.subarray(5 * MNIST_D), full.inputs.subarray(60000 * MNIST_D, 69999 * MNIST_D)),
    ).toBe(true);

    await expect(loadMnist(browser, { train: 20000 })).rejects.toThrow(/mnistTrain.*10000/);
    const damaged = new Map(assets);
    const raw = await gunzip(assets.get(MNIST_ASSETS.testLabels.path)!);
    raw[0] = (raw[0] + 1) % 10;
    damaged.set(MNIST_ASSETS.testLabels.path, await gzip(raw));
    await expect(loadMnist(memoryFiles('browser', damaged))).rejects.toThrow(/test-labels.*SHA-256 mismatch/);
    expect(assets.get(DIGITS_PATH)!.length).toBe(57512);
  });
});

describe('MNIST test subset', () => {
  it('mnistTest takes the first N official test rows, in order, after the training rows', async () => {
    const full = await loadMnist(nodeFiles(), { train: 100 });
    const sub = await loadMnist(nodeFiles(), { train: 100, test: 250 });
    expect([sub.N, sub.D, sub.classes]).toEqual([350, 784, 10]);
    checkShape(sub);
    const { train, test } = sub.predefinedSplit!;
    expect([train.length, test.length, test[0], test[249]]).toEqual([100, 250, 100, 349]);
    expect(same(sub.labels, full.labels.subarray(0, 350))).toBe(true);
    expect(same(sub.inputs, full.inputs.subarray(0, 350 * MNIST_D))).toBe(true);
    // The first test labels of the official t10k file: 7 2 1 0 4 1 4 9 5 9.
    expect(Array.from(sub.labels.subarray(100, 110))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect((await loadMnist(nodeFiles(), { train: 1, test: 1 })).N).toBe(2);
    expect(full.predefinedSplit!.test.length).toBe(10000);
    for (const test of [0, 10001, 2.5])
      await expect(loadMnist(nodeFiles(), { train: 1, test })).rejects.toThrow(
        /mnistTest must be an integer in \[1, 10000\]/,
      );
  });

  it('loadDataset passes mnistTest through', async () => {
    const d = await loadDataset({ name: 'mnist', mnistTrain: 10, mnistTest: 30 }, new Rng(1));
    expect([d.N, d.predefinedSplit!.train.length, d.predefinedSplit!.test.length]).toEqual([40, 10, 30]);
  });
});

describe('loadDataset', () => {
  it('loads every dataset by name (Node file access by default)', async () => {
    expect((await defaultDataFiles()).kind).toBe('node');
    const sizes: Record<string, [number, number]> = {};
    for (const name of ['bits12', 'digits', 'mnist', ...TOY_NAMES] as const) {
      const d = await loadDataset({ name, mnistTrain: 100 }, new Rng(1));
      expect(d.name).toBe(name);
      sizes[name] = [d.N, d.D];
    }
    expect(sizes).toEqual({
      bits12: [4096, 12],
      digits: [1797, 64],
      mnist: [10100, 784],
      circle: [500, 2],
      xor: [500, 2],
      spiral: [500, 2],
      gauss: [500, 2],
    });
    const pm = await loadDataset({ name: 'bits12', encoding: 'pm1' }, new Rng(1));
    expect(minMax(pm.inputs)).toEqual([-1, 1]);
  });

  it('same seed, same toy; different seed, different toy', async () => {
    const spec: DatasetSpec = { name: 'spiral', samples: 100, noise: 0.1 };
    const a = await loadDataset(spec, new Rng(9));
    expect(same(a.inputs, (await loadDataset(spec, new Rng(9))).inputs)).toBe(true);
    expect(same(a.inputs, (await loadDataset(spec, new Rng(10))).inputs)).toBe(false);
  });

  it('bad specs throw, naming the field and what it allows', async () => {
    const bad = (spec: unknown, re: RegExp) => {
      expect(() => validateDatasetSpec(spec as DatasetSpec)).toThrow(DatasetSpecError);
      expect(() => validateDatasetSpec(spec as DatasetSpec)).toThrow(re);
    };
    bad(
      { name: 'cifar' },
      /name must be one of bits12, mnist, digits, circle, xor, spiral, gauss, custom, got "cifar"/,
    );
    bad({ name: 'xor', samples: 1.5 }, /samples must be an integer in \[2, 100000\], got 1\.5/);
    bad({ name: 'xor', noise: 0.7 }, /noise must be a number in \[0, 0\.5\], got 0\.7/);
    bad({ name: 'xor', noise: '0.1' }, /noise must be a number/);
    bad({ name: 'bits12', encoding: 'sign' }, /encoding must be one of binary, pm1, got "sign"/);
    bad({ name: 'mnist', mnistTrain: 60001 }, /mnistTrain must be an integer in \[1, 60000\]/);
    bad({ name: 'mnist', mnistTest: 0 }, /mnistTest must be an integer in \[1, 10000\], got 0/);
    bad({ name: 'mnist', mnistTest: 10001 }, /mnistTest must be an integer in \[1, 10000\], got 10001/);
    expect(validateDatasetSpec({ name: 'mnist', mnistTest: 10000 }, 'browser').mnistTest).toBe(10000);
    bad({ name: 'xor', nosie: 0.1 }, /nosie must be absent \(known fields: name, samples/);
    expect(() => validateDatasetSpec({ name: 'mnist', mnistTrain: 20000 }, 'browser')).toThrow(
      /mnistTrain must be an integer in \[1, 10000\] in the browser/,
    );
    expect(validateDatasetSpec({ name: 'xor' })).toEqual({
      name: 'xor',
      samples: 500,
      noise: 0,
      encoding: 'binary',
      mnistTrain: 10000,
      mnistTest: 10000,
      labelColumn: '',
      header: 'auto',
    });
    await expect(loadDataset({ name: 'gauss', samples: 0 }, new Rng(1))).rejects.toThrow(/samples/);
  });

  it('browser file access fetches from the base URL and reports HTTP errors', async () => {
    const seen: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string) => {
      seen.push(url);
      return url.endsWith('missing')
        ? new Response('no', { status: 404, statusText: 'Not Found' })
        : new Response('ok');
    }) as typeof fetch;
    try {
      const files = browserFiles('/bitplane');
      expect(new TextDecoder().decode(await files.read('data/x'))).toBe('ok');
      await expect(files.read('data/missing')).rejects.toThrow(
        /\/bitplane\/data\/missing: HTTP 404 Not Found/,
      );
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(seen).toEqual(['/bitplane/data/x', '/bitplane/data/missing']);
  });
});
