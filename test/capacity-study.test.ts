/**
 * The capacity study (src/study/capacity.ts, docs/METHOD.md §6.8) on synthetic replicas whose answer is
 * designed in: each replica's I(X;T) falls by exactly 1 bit, s of it before fitting ends (so S = s), and
 * its final training accuracy is set on its own. Within every cell the same small deviations d_j of
 * accuracy and e_j of S are orthogonal (Σe = Σd·e = 0), so a partial correlation that should vanish is 0
 * in the sample. Then the bit width of recorded networks, and `bitplane study --capacity` end to end with
 * its exit code 2 for bad input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LayerConfig } from '../src/config/run-config.ts';
import { type BitWidth, networkBits } from '../src/study/bit-width.ts';
import { analyzeCapacity, COMPLETE_REPLICAS } from '../src/study/capacity.ts';
import {
  buildCapacityReport,
  type CapacityReport,
  renderCapacityMarkdown,
} from '../src/study/capacity-report.ts';
import {
  accGivenBits,
  bitsGivenAcc,
  centreWithinGroups,
  type DialPoint,
  olsSlope,
  pearson,
  residualize,
  slopePermutationP,
  stratifiedBootstrapCI,
} from '../src/study/dial-statistics.ts';
import { type Experiment, groupExperiments, parseRecord, type ReplicaSeries } from '../src/study/records.ts';
import { Rng } from '../src/util/rng.ts';
import { syntheticRecord } from './figure-records.ts';
import { study } from './study-cli.ts';

const E = 15;
const FIT = 7;
const D = [-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5].map((x) => 0.01 * x);
const NOISE = [1, -1, -1, 1, 1, -1, -1, 1].map((x) => 0.01 * x);
const KS: BitWidth[] = [1, 2, 4, 8, 32];

/** I(X;T): flat at 10 bits, falls by s until FIT, by 1 − s after it, flat at 9 (smoothing leaves it as is). */
function ixtCurve(s: number): number[] {
  return Array.from({ length: E }, (_, i) =>
    i <= 2
      ? 10
      : i <= FIT
        ? 10 - (s * (i - 2)) / (FIT - 2)
        : i <= 11
          ? 10 - s - ((1 - s) * (i - FIT)) / (11 - FIT)
          : 9,
  );
}

/** Training accuracy rising linearly from 0.5 to `top` at FIT (so e_fit = FIT), flat after. */
const accCurve = (top: number) =>
  Array.from({ length: E }, (_, i) => (i >= FIT ? top : 0.5 + ((top - 0.5) * i) / FIT));

function replica(r: number, s: number, top: number): ReplicaSeries {
  const ixt = [ixtCurve(s), ixtCurve(s)];
  return {
    file: `synthetic-${r}`,
    replica: 0,
    epochs: Array.from({ length: E }, (_, i) => i * 10),
    trainAcc: accCurve(top),
    testAcc: accCurve(top - 0.05),
    testLoss: Array.from({ length: E }, (_, i) => 1 / (i + 1)),
    estimates: new Map([['bins', { ixt, ity: ixt.map((c) => c.map(() => 0.5)), ceiling: 12 }]]),
  };
}

function experiment(bits: BitWidth, reps: ReplicaSeries[], dataset = 'bits12'): Experiment {
  const label = bits === 32 ? 'DNN hardtanh 10-7' : bits === 1 ? 'BNN ste_sign 10-7' : `DNN q${bits} 10-7`;
  return {
    key: label,
    label,
    dataset,
    kind: bits === 1 ? 'BNN' : 'DNN',
    variant: label,
    primaryEstimator: 'bins',
    exactCodes: false,
    files: reps.map((s) => s.file),
    incomplete: [],
    depths: 2,
    replicas: reps,
    bits,
    bitsDescription: bits === 32 ? 'float' : `k = ${bits}`,
    family: `${dataset} 10-7`,
    familyLabel: `${dataset} 10-7 BN`,
  };
}

/** One experiment per k: S = s(k) + e_j, final accuracy acc(k) + d_j. */
const dial = (s: (k: BitWidth) => number, acc: (k: BitWidth) => number, n = 8) =>
  KS.map((k) =>
    experiment(
      k,
      Array.from({ length: n }, (_, j) => replica(j, s(k) + NOISE[j % 8], acc(k) + D[j % 8])),
    ),
  );

const S_BY_K: Record<number, number> = { 1: 0.9, 2: 0.75, 4: 0.6, 8: 0.45, 32: 0.3 };

describe('the capacity analysis on designed replicas', () => {
  it('recovers S per cell and the slope of S against log2 k; S that follows k tracks bit width', () => {
    const [f] = analyzeCapacity(
      dial(
        (k) => S_BY_K[k],
        () => 0.9,
      ),
      18,
    );
    expect(f.cells.map((c) => c.bits)).toEqual(KS);
    for (const c of f.cells) {
      expect(c.share.mean).toBeCloseTo(S_BY_K[c.bits], 9);
      expect(c.compressing.mean).toBe(1);
      expect(c.trainAcc.mean).toBeCloseTo(0.9, 9);
      expect(c.testAcc.mean).toBeCloseTo(0.85, 9);
      expect(c.complete).toBe(false);
    }
    // Equal cells: the slope of the cell means, float at log2 32 = 5.
    const expected = olsSlope(
      [0, 1, 2, 3, 5],
      KS.map((k) => S_BY_K[k]),
    ) as number;
    expect(f.trend.slope).toBeCloseTo(expected, 9);
    expect(f.trend.verdict).toBe('grows as bits shrink');
    expect(f.trend.ci?.hi).toBeLessThan(0);
    expect(f.trend.p).toBeLessThan(0.01);
    expect(f.trendQuantized.verdict).toBe('grows as bits shrink');
    expect(f.trendQuantized.bits).toEqual([1, 2, 4, 8]);
    expect(f.robustness[0].trend).toEqual(f.trend);
    expect(f.capacity.accGivenBits.r).toBeCloseTo(0, 9);
    expect(f.capacity.bitsGivenAcc.r).toBeLessThan(-0.9);
    expect(f.capacity.verdict).toBe('tracks bit width');
  });

  it('S that follows training accuracy within every k tracks capacity', () => {
    const base: Record<number, number> = { 1: 0.7, 2: 0.75, 4: 0.8, 8: 0.85, 32: 0.9 };
    const exps = KS.map((k) =>
      experiment(
        k,
        D.map((d, j) => replica(j, 1.6 - (base[k] + d) + NOISE[j], base[k] + d)),
      ),
    );
    const [f] = analyzeCapacity(exps, 18);
    expect(f.capacity.accGivenBits.r).toBeLessThan(-0.9);
    expect(f.capacity.accGivenBits.ci?.hi).toBeLessThan(0);
    expect(f.capacity.bitsGivenAcc.r).toBeCloseTo(0, 9);
    expect(f.capacity.verdict).toBe('tracks training accuracy (capacity)');
    // The trend is there too: it says nothing about the mechanism on its own.
    expect(f.trend.verdict).toBe('grows as bits shrink');
  });

  it('finds no trend when S does not depend on k, and is undecidable with too few replicas', () => {
    const [flat] = analyzeCapacity(
      dial(
        () => 0.5,
        () => 0.9,
      ),
      18,
    );
    expect(flat.trend.slope).toBeCloseTo(0, 12);
    expect(flat.trend.verdict).toBe('no trend shown');
    expect(flat.trend.p).toBeGreaterThan(0.5);
    const fewExps = dial(
      (k) => S_BY_K[k],
      () => 0.9,
      4,
    );
    const [few] = analyzeCapacity(fewExps, 18);
    expect(few.trend.verdict).toBe('undecidable');
    expect(few.trend.reason).toContain('DNN q4 10-7: 4 replicas with a defined S (fewer than 5), left out');
    expect(few.capacity.verdict).toBe('undecidable');
    expect(renderCapacityMarkdown(buildCapacityReport(fewExps))).toContain(
      'Does compression while fitting grow as bits shrink? **undecidable**: no bit widths with at least 5 replicas with a defined S (2 needed);',
    );
  });

  it('is undecidable about capacity when accuracy does not vary within the bit widths', () => {
    const exps = KS.map((k) =>
      experiment(
        k,
        NOISE.map((e, j) => replica(j, S_BY_K[k] + e, 0.9)),
      ),
    );
    const [f] = analyzeCapacity(exps, 18);
    expect(f.capacity.verdict).toBe('undecidable');
    expect(f.capacity.reason).toContain('training accuracy does not vary');
  });

  it('partial correlations: k as fixed effects for accuracy, accuracy regressed out for k', () => {
    const pts = [
      { bits: 1 as BitWidth, s: 1, acc: 0.5 },
      { bits: 1 as BitWidth, s: 2, acc: 0.6 },
      { bits: 2 as BitWidth, s: 5, acc: 0.1 },
      { bits: 2 as BitWidth, s: 6, acc: 0.2 },
    ];
    // Within each k, S rises with accuracy: r = +1 whatever the cell means.
    expect(accGivenBits(pts)).toBeCloseTo(1, 12);
    expect(bitsGivenAcc(pts)).not.toBeNull();
  });

  it('marks cells complete at 20 replicas and says the report is partial otherwise', () => {
    const exps = dial(
      (k) => S_BY_K[k],
      () => 0.9,
      COMPLETE_REPLICAS,
    );
    const full = buildCapacityReport(exps);
    expect(full.partial).toBe(false);
    expect(full.families[0].cells.every((c) => c.complete && c.replicas === 20)).toBe(true);
    const part = buildCapacityReport([...exps.slice(0, 4), experiment(32, exps[4].replicas.slice(0, 3))]);
    expect(part.partial).toBe(true);
    const md = renderCapacityMarkdown(part);
    expect(md).toContain('**Partial result:**');
    expect(md).toMatch(/\| float \| DNN hardtanh 10-7 \| 3 \| 3 \|.*\*\*incomplete\*\*/);
  });

  it('writes the Lorenzen et al. sentences from the numbers, plainly when ours goes against theirs', () => {
    const md = renderCapacityMarkdown(
      buildCapacityReport(
        dial(
          (k) => S_BY_K[k],
          () => 0.9,
        ),
      ),
    );
    const section = md.slice(md.indexOf('## Comparison with Lorenzen'));
    // Every layer compresses at k = 8 and 4: agrees; S̄ 0.45 at k = 8 (after fitting) agrees, 0.60 at k = 4 does not.
    expect(section).toMatch(
      /- k = 8 \(incomplete: 8 replicas\): a share 1\.00 \[1\.00, 1\.00\].*\*\*agrees with Lorenzen et al\.\*\*/,
    );
    expect(section).toMatch(/- k = 8: S̄ = 0\.45 .*\*\*agrees with Lorenzen et al\.\*\*/);
    expect(section).toMatch(/- k = 4: S̄ = 0\.60 .*\*\*goes against Lorenzen et al\.\*\*/);
    const digits = renderCapacityMarkdown(
      buildCapacityReport([experiment(4, [replica(0, 0.5, 0.9)], 'digits')]),
    );
    expect(digits).toContain('No 12-bit task records: nothing to compare yet.');
  });
});

describe('the statistics on the dial', () => {
  it('computes the slope, correlations and residuals by hand', () => {
    expect(olsSlope([0, 1, 2], [1, 3, 5])).toBe(2);
    expect(olsSlope([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3], [2, 2, 2])).toBeNull();
    expect(residualize([1, 3, 5], [0, 1, 2])).toEqual([0, 0, 0]);
    expect(residualize([1, 2, 3], [7, 7, 7])).toEqual([-1, 0, 1]);
    expect(centreWithinGroups([1, 3, 10, 20], [1, 1, 2, 2])).toEqual([-1, 1, -5, 5]);
  });

  const at = (bits: BitWidth, s: number): DialPoint => ({ bits, s, acc: 0.9 });

  it('resamples within each bit width, so every resample keeps the cell sizes', () => {
    const pts = [at(1, 0.1), at(1, 0.2), at(1, 0.3), at(8, 0.5), at(8, 0.9)];
    const ones = (p: DialPoint[]) => p.filter((x) => x.bits === 1).length;
    expect(stratifiedBootstrapCI(pts, ones, new Rng(1), 500)).toEqual({ lo: 3, hi: 3 });
    // Constant cells: every resample has the same slope.
    const flat = [at(1, 0.8), at(1, 0.8), at(4, 0.4), at(4, 0.4)];
    const ci = stratifiedBootstrapCI(
      flat,
      (p) =>
        olsSlope(
          p.map((x) => Math.log2(x.bits)),
          p.map((x) => x.s),
        ),
      new Rng(1),
      500,
    );
    expect(ci?.lo).toBeCloseTo(-0.2, 12);
    expect(ci?.hi).toBeCloseTo(-0.2, 12);
  });

  it('gives the permutation p of a perfectly separated slope near its exact value 2 / C(10, 5)', () => {
    const pts = [
      ...[0.6, 0.7, 0.8, 0.9, 1].map((s) => at(1, s)),
      ...[0, 0.1, 0.2, 0.3, 0.4].map((s) => at(2, s)),
    ];
    const p = slopePermutationP(pts, new Rng(3)) as number;
    // Only the observed split and its mirror are as extreme: 2 / 252 ≈ 0.0079; 10,000 draws give about ±0.002.
    expect(p).toBeGreaterThan(0.004);
    expect(p).toBeLessThan(0.013);
  });
});

describe('the bit width of a recorded network', () => {
  const layer = (index: number, o: Record<string, unknown>) => ({
    index,
    width: 4,
    binary: false,
    binary_output: false,
    ...o,
  });
  it('reads weights from the configuration and activations from the record entry', () => {
    expect(
      networkBits([layer(0, { binary: true, binary_output: true, activation: 'ste_sign' })], undefined).bits,
    ).toBe(1);
    expect(
      networkBits([layer(0, { activation: 'q4', kbit_codes: { bits: 4, exact: true } })], [{ weights: 'q4' }])
        .bits,
    ).toBe(4);
    expect(networkBits([layer(0, { activation: 'hardtanh' })], [{ weights: 'float' }])).toEqual({
      bits: 32,
      description: 'float',
    });
    expect(networkBits([layer(0, { binary: true, activation: 'tanh' })], [{ weights: 'binary' }])).toEqual({
      bits: null,
      description: 'mixed (weights 1, activations 32)',
    });
    expect(networkBits([layer(0, { activation: 'q2' })], [{ weights: 'ternary' }]).description).toBe(
      'mixed (weights ternary, activations 2)',
    );
    expect(
      networkBits(
        [layer(0, { activation: 'q8' }), layer(1, { activation: 'q4' })],
        [{ weights: 'q8' }, { weights: 'q4' }],
      ).description,
    ).toBe('mixed (weights 8/4, activations 8/4)');
  });

  const hidden = (weights: LayerConfig['weights'], activation: LayerConfig['activation']): LayerConfig[] =>
    [10, 7].map((width) => ({ width, weights, batchNorm: true, activation }));
  const rec = (h: LayerConfig[]) =>
    syntheticRecord({ replicas: 2, epochs: [0, 10, 20, 30, 40, 50], hidden: h });

  it('groups parsed records of one configuration apart from the bit width into one family', () => {
    const parsed = [
      parseRecord(rec(hidden('binary', 'ste_sign')), 'k1.json'),
      parseRecord(rec(hidden('q4', 'q4')), 'k4.json'),
      parseRecord(rec(hidden('float', 'hardtanh')), 'float.json'),
      parseRecord(rec(hidden('binary', 'hardtanh')), 'mixed.json'),
    ];
    expect(parsed.map((p) => p.bits)).toEqual([1, 4, 32, null]);
    // The plain study's kinds: a k-bit network is a hybrid, never a DNN that a BNN would be compared with.
    expect(parsed.map((p) => p.kind)).toEqual(['BNN', 'k-bit', 'DNN', 'hybrid']);
    expect(parsed[1].variant).toBe('q4');
    expect(parsed[1].hashedDepths).toEqual([]);
    const q8 = rec(hidden('q8', 'q8'));
    q8.layers[0].kbit_codes = { bits: 8, exact: false };
    q8.layers[1].kbit_codes = { bits: 8, exact: true };
    expect(parseRecord(q8, 'k8.json').hashedDepths).toEqual([1]);
    expect(new Set(parsed.map((p) => p.family)).size).toBe(1);
    expect(parsed[0].familyLabel).toBe('bits12 10-7 BN');
    const report = buildCapacityReport(groupExperiments(parsed));
    expect(report.families[0].cells.map((c) => c.bits)).toEqual([1, 4, 32]);
    expect(report.offDial).toEqual([
      {
        dataset: 'bits12',
        label: 'hybrid binary weights, hardtanh 10-7',
        description: 'mixed (weights 1, activations 32)',
      },
    ]);
  });
});

describe('bitplane study --capacity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bitplane-capacity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
    return path;
  };

  /** A record of 8 replicas at one bit width with the designed curves. */
  function designed(weights: LayerConfig['weights'], activation: LayerConfig['activation'], s: number) {
    const r = syntheticRecord({
      replicas: 8,
      epochs: Array.from({ length: E }, (_, i) => i * 10),
      hidden: [10, 7].map((width) => ({ width, weights, batchNorm: true, activation })),
    });
    r.metrics.train_acc = D.map((d) => accCurve(0.9 + d));
    r.metrics.test_acc = D.map((d) => accCurve(0.85 + d));
    r.info.ixt = NOISE.map((e) => {
      const c = ixtCurve(s + e);
      return c.map((x) => [x, x]);
    });
    return r;
  }

  it('writes the report of a partial sweep', async () => {
    const records = join(dir, 'records');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(records);
    write('records/k1.json', designed('binary', 'ste_sign', 0.9));
    write('records/k4.json', designed('q4', 'q4', 0.6));
    write('records/float.json', designed('float', 'hardtanh', 0.3));
    write('records/notes.json', { not: 'a record' });
    const out = join(dir, 'capacity-study.md');
    const r = await study(['--capacity', records, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('# Capacity study');
    expect(md).toContain('**Partial result:**');
    expect(md).toMatch(/\| k = 4 \| k-bit q4 10-7 \| 8 \| 8 \| 0\.90 .*\| 0\.60 \[/);
    expect(md).toMatch(
      /Does compression while fitting grow as bits shrink\? \*\*grows as bits shrink\*\*: β = −0\.1\d\d/,
    );
    expect(md).toContain('- k = 8: no records at this bit width yet.');
    expect(md).toContain(
      '- bits12 10-7 BN: adam, learning rate 0.0004; batch 512; 140 epochs; bit widths 1, 4, float; 8 replicas a cell.',
    );
    expect(md).toMatch(/- k = 4: S̄ = 0\.60 .*\*\*goes against Lorenzen et al\.\*\*/);
    const json = await study(['--capacity', '--json', records]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as CapacityReport;
    expect(report.schema).toBe('bitplane.capacity/1');
    expect(report.families[0].cells.map((c) => [c.bits, c.replicas])).toEqual([
      [1, 8],
      [4, 8],
      [32, 8],
    ]);
  });

  it('exits 2 naming the file and the field for bad input, before writing anything', async () => {
    const noAcc = designed('q4', 'q4', 0.6) as unknown as { metrics: Record<string, unknown> };
    delete noAcc.metrics.train_acc;
    const missing = write('no-acc.json', noAcc);
    const bad = write('bad.json', '{"schema": "bitplane.run/1",');
    const noData = designed('q2', 'q2', 0.6) as unknown as { config: { data: Record<string, unknown> } };
    noData.config.data.name = 7;
    const badName = write('bad-name.json', noData);
    const out = join(dir, 'never-written.txt');
    const cases: [string[], string][] = [
      [['--capacity', missing, '--out', out], `${missing}: missing field metrics.train_acc`],
      [['--capacity', bad, '--out', out], `${bad} is not valid JSON`],
      [['--capacity', badName, '--out', out], `${badName}: field config.data.name must be a string`],
      [['--capacity', join(dir, 'absent')], 'no such file or directory'],
      [['--capacity', dir, '--out', join(dir, 'no-such-dir', 'report.txt')], 'the directory does not exist'],
      [['--capacity'], 'name at least one record or directory'],
      [['--capacity', dir, '--seed', '1.5'], '--seed must be a whole number'],
    ];
    for (const [args, message] of cases) {
      const r = await study(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
    expect(() => readFileSync(out)).toThrow();
  });
});
