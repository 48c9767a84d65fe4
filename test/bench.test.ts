/**
 * The benchmark's pure parts (statistics over spans, settings ⇄ link) and `bitplane bench --quick --json`
 * as a user runs it: the record's documented keys, with finite numbers. No timing assertions.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { addRatios, type BenchRecord, type Measurement } from '../src/bench/harness.ts';
import { measurementCells, TABLE_COLUMNS } from '../src/bench/report.ts';
import {
  benchFragment,
  DEFAULT_SETTINGS,
  isBenchFragment,
  parseBenchFragment,
  QUICK_SETTINGS,
} from '../src/bench/settings.ts';
import { BENCH_KERNELS } from '../src/kernels/index.ts';
import { gcd, iqr, median, quantile, summarize } from '../src/util/stats.ts';

describe('span statistics', () => {
  it('median and interquartile range on fixed inputs (linear interpolation, NumPy default)', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(Number.isNaN(median([]))).toBe(true);
    // numpy.percentile([1..8], [25, 75]) = [2.75, 6.25]
    expect(quantile([8, 1, 7, 2, 6, 3, 5, 4], 0.25)).toBe(2.75);
    expect(quantile([8, 1, 7, 2, 6, 3, 5, 4], 0.75)).toBe(6.25);
    expect(iqr([1, 2, 3, 4, 5, 6, 7, 8])).toBe(3.5);
    expect(iqr([5, 5, 5])).toBe(0);
    // numpy.percentile([10, 20, 30, 40, 1000], [25, 50, 75]) = [20, 30, 40]: an outlier moves neither.
    expect(summarize([1000, 10, 20, 30, 40])).toEqual({ median: 30, iqr: 20, min: 10, n: 5 });
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });

  it('timestamp granularity is the gcd of the values seen', () => {
    expect(gcd([131072n, 65536n * 7n, 65536n * 3n])).toBe(65536n);
    expect(gcd([100000n, 300000n, 1_200_000n])).toBe(100000n);
    expect(gcd([1000n, 1001n])).toBe(1n);
    expect(gcd([])).toBe(0n);
  });
});

describe('benchmark ratios', () => {
  /** A row of `ops` units timed at `median` ms per iteration (wall: the same spans encode to done). */
  const row = (
    kernel: string,
    version: string,
    median: number,
    wall: number,
    timer: Measurement['timer'],
    ops = 1e6,
  ): Measurement => ({
    kernel,
    version,
    size: 64,
    dims: 'M=N=K=64',
    unit: 'MAC',
    ops,
    median_ms: median,
    iqr_ms: 0,
    wall_median_ms: wall,
    timer,
    gops: ops / median / 1e6,
    iterations: 10,
    spans: 3,
    check: 'exact',
    vs_tfjs: null,
    vs_f32_gemm: null,
    vs_cpu: null,
  });

  it('are the quotients of the medians the table shows, whatever clock each row was timed on', () => {
    // Issue #16's case: 2.87 ms on GPU timestamps (5.40 ms wall) against a 5.20 ms JS reference. The
    // wall-time ratio would read 0.963×, contradicting the two medians in the table.
    const gemm1 = row('gemm', 'v1', 2.87, 5.4, 'gpu-timestamp');
    const gemm2 = row('gemm', 'v2', 1.5, 4, 'gpu-timestamp');
    const cpu = row('gemm', 'js-ref', 5.2, 5.2, 'cpu');
    const tf = row('gemm', 'tfjs-webgpu', 1, 3, 'gpu-timestamp');
    const xnor = row('xnor_gemm', 'v1', 0.5, 2.5, 'gpu-timestamp');
    const xnorCpu = row('xnor_gemm', 'js-ref', 40, 40, 'cpu', 1e6);
    const other = row('gemm', 'js-ref', 1, 1, 'cpu');
    other.size = 128; // another size is never a peer
    const ms = [gemm1, gemm2, cpu, tf, xnor, xnorCpu, other];
    addRatios(ms);
    expect(gemm1.vs_cpu).toBeCloseTo(5.2 / 2.87, 12);
    expect(gemm1.vs_tfjs).toBeCloseTo(1 / 2.87, 12);
    expect(gemm2.vs_cpu).toBeCloseTo(5.2 / 1.5, 12);
    expect(xnor.vs_f32_gemm).toBeCloseTo(1.5 / 0.5, 12); // over the fastest float GEMM version
    expect(xnor.vs_cpu).toBeCloseTo(40 / 0.5, 12);
    expect(xnor.vs_tfjs).toBeNull();
    for (const peer of [cpu, tf, xnorCpu, other]) expect(peer.vs_cpu).toBeNull();
    // The printed row says the same as the medians beside it.
    const cells = measurementCells(gemm1);
    expect(cells[TABLE_COLUMNS.indexOf('median ms')]).toBe('2.87');
    expect(cells[TABLE_COLUMNS.indexOf('vs JS ref')]).toBe('1.81×');
    expect(cells[TABLE_COLUMNS.indexOf('vs tfjs')]).toBe('0.348×');
  });

  it('scale by the work when two rows count different work', () => {
    const a = row('gemm', 'v1', 2, 2, 'gpu-timestamp', 4e6);
    const b = row('gemm', 'js-ref', 2, 2, 'cpu', 1e6);
    addRatios([a, b]);
    expect(a.vs_cpu).toBeCloseTo(4, 12);
  });
});

describe('benchmark settings in the link', () => {
  it('parses the fragment, omits defaults when writing it, and round-trips', () => {
    expect(isBenchFragment('#bench')).toBe(true);
    expect(isBenchFragment('#bench&sizes=128')).toBe(true);
    expect(isBenchFragment('bench&sizes=128')).toBe(true);
    expect(isBenchFragment('#v=1&data=bits12')).toBe(false);
    expect(isBenchFragment('#benchmark')).toBe(false);

    const { settings, issues } = parseBenchFragment('#bench&sizes=128,256&kernels=gemm,xnor_gemm');
    expect(issues).toEqual([]);
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, sizes: [128, 256], kernels: ['gemm', 'xnor_gemm'] });
    expect(benchFragment(settings)).toBe('bench&kernels=gemm,xnor_gemm&sizes=128,256');
    expect(benchFragment(DEFAULT_SETTINGS)).toBe('bench');
    expect(parseBenchFragment('#bench').settings).toEqual(DEFAULT_SETTINGS);

    const all = parseBenchFragment(
      'bench&rows=4096,70000&spans=5&span_ms=2.5&budget=60&peers=cpu&kernels=pack_signs',
    );
    expect(all.issues).toEqual([]);
    expect(all.settings).toMatchObject({
      rows: [4096, 70000],
      spans: 5,
      spanMs: 2.5,
      budgetS: 60,
      peers: ['cpu'],
      kernels: ['pack_signs'],
    });
    expect(parseBenchFragment(`#${benchFragment(all.settings)}`).settings).toEqual(all.settings);
    const none = parseBenchFragment('#bench&peers=none').settings;
    expect(none.peers).toEqual([]);
    expect(benchFragment(none)).toBe('bench&peers=none');
  });

  it('quick selects the tiny preset, later keys override it', () => {
    expect(parseBenchFragment('#bench&quick').settings).toEqual(QUICK_SETTINGS);
    expect(parseBenchFragment('#bench&quick&sizes=32').settings).toEqual({ ...QUICK_SETTINGS, sizes: [32] });
  });

  it('names every key it cannot read and keeps the rest', () => {
    const { settings, issues } = parseBenchFragment(
      '#bench&sizes=128,abc&spans=0&peers=tfjs,gpu&kernels=Gemm&color=red&rows=4096',
    );
    expect(issues.map((i) => i.key)).toEqual(['sizes', 'spans', 'peers', 'kernels', 'color']);
    expect(issues[0].message).toMatch(/"abc" is not a whole number/);
    expect(issues[1].message).toMatch(/outside 1…1000/);
    expect(issues[2].message).toMatch(/"gpu" is not one of tfjs, cpu, none/);
    expect(issues[4].message).toMatch(/unknown setting/);
    expect(settings.sizes).toEqual(DEFAULT_SETTINGS.sizes);
    expect(settings.rows).toEqual([4096]);
  });
});

function bitplane(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/bitplane.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('bitplane bench', () => {
  it('--quick --json checks every kernel, times it against its peers and prints the record', async () => {
    const { code, stdout, stderr } = await bitplane(['bench', '--quick', '--json']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/adapter: /);
    const r = JSON.parse(stdout) as BenchRecord;
    expect(r.schema).toBe('bitplane.bench/1');
    expect(r.adapter.name.length).toBeGreaterThan(0);
    expect(r.link).toBe('bench&sizes=64&rows=1024&spans=3&span_ms=2&budget=5');
    expect(r.failures).toEqual([]);
    expect(r.peers.tfjs).toMatch(/^@tensorflow\/tfjs-backend-webgpu \d/);
    const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
    for (const m of r.measurements) {
      expect(typeof m.kernel).toBe('string');
      expect(typeof m.version).toBe('string');
      expect(m.size).toBeGreaterThan(0);
      for (const key of ['median_ms', 'iqr_ms', 'gops'] as const)
        expect(finite(m[key]), `${key} ${m.kernel}`).toBe(true);
      expect(m.median_ms).toBeGreaterThan(0);
      expect(m.iqr_ms).toBeGreaterThanOrEqual(0);
      for (const key of ['vs_tfjs', 'vs_f32_gemm', 'vs_cpu'] as const) {
        expect(m[key] === null || finite(m[key]), `${key} ${m.kernel} ${m.version}`).toBe(true);
      }
    }
    // Every version of every kernel, its JavaScript reference, and TensorFlow.js for the float GEMM.
    for (const k of BENCH_KERNELS) {
      for (const v of [...k.versions, 'js-ref']) {
        expect(
          r.measurements.some((m) => m.kernel === k.name && m.version === v),
          `${k.name} ${v}`,
        ).toBe(true);
      }
    }
    const row = (kernel: string, version: string) =>
      r.measurements.find((m) => m.kernel === kernel && m.version === version)!;
    expect(row('gemm', 'tfjs-webgpu').size).toBe(64);
    expect(finite(row('gemm', 'v1').vs_tfjs)).toBe(true);
    expect(finite(row('gemm', 'v1').vs_cpu)).toBe(true);
    expect(finite(row('xnor_gemm', 'v2').vs_f32_gemm)).toBe(true);
    expect(row('xnor_gemm', 'v1').check).toMatch(/^exact, all 4096 outputs/);
  });

  it('a bad option exits with 2 and names it', async () => {
    const bad = await bitplane(['bench', '--sizes', '12x', '--kernels', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sizes: "12x" is not a whole number/);
    const unknown = await bitplane(['bench', '--kernels', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown kernel nope; known: gemm, xnor_gemm/);
  });
});
