/**
 * The GPU-machine workflow end to end, on this machine's SwiftShader: scripts/gpu-pack.sh builds the pack
 * (fast xz level) into a temp folder, scripts/gpu-run.sh unpacks it and runs the smoke versions of the
 * measurements within a small budget into a temp output folder, and scripts/gpu-fold.mjs folds that folder
 * into a copy of docs/benchmarks.md. Also: bad options and a missing pack exit 2 with the reason.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/data/node-files.ts';

const tmp = mkdtempSync(join(tmpdir(), 'bitplane-gpu-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sh(cmd: string, args: string[], timeoutS: number) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutS * 1000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const hasApt = spawnSync('sh', ['-c', 'command -v apt-get && command -v xz']).status === 0;

describe.skipIf(!hasApt)('gpu-pack.sh → gpu-run.sh → gpu-fold.mjs on SwiftShader', () => {
  const pack = join(tmp, 'pack');
  const out = join(tmp, 'out');

  it('packs the CLI, node, MNIST and the seven .debs under the carry limit', () => {
    const r = sh('bash', ['scripts/gpu-pack.sh', '--out', pack, '--xz-level', '0'], 500);
    expect(r.code, r.err).toBe(0);
    for (const f of ['cli.tar.xz', 'node.xz', 'mnist.tar.xz', 'pack.json'])
      expect(existsSync(join(pack, f))).toBe(true);
    const info = JSON.parse(readFileSync(join(pack, 'pack.json'), 'utf8'));
    expect(info.schema).toBe('bitplane.gpu-pack/1');
    expect(info.debs.split(' ').map((d: string) => d.split('_')[0])).toEqual([
      'libegl1',
      'libgl1',
      'libgles2',
      'libglvnd0',
      'libglx0',
      'libopengl0',
      'libvulkan1',
    ]);
    expect(info.bytes).toBeLessThan(64 * 1024 * 1024);
  }, 600_000);

  it('runs the smoke measurements from the pack and writes outputs and a manifest', () => {
    const r = sh(
      'bash',
      ['scripts/gpu-run.sh', '--pack', pack, '--out', out, '--quick', '--budget', '150'],
      200,
    );
    expect(r.code, r.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.schema).toBe('bitplane.gpu-run/1');
    expect(manifest.driver).toMatch(/SwiftShader/); // this machine has no NVIDIA driver
    expect(manifest.elapsed_s).toBeLessThanOrEqual(150);
    const steps = Object.fromEntries(manifest.steps.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(steps)).toEqual(['unpack', 'bench', 'bench-info', 'bench-train']);
    for (const name of ['unpack', 'bench', 'bench-info']) expect(steps[name].exit, name).toBe(0);
    expect(steps.bench.command).toBe('node bitplane bench --json --quick --peers tfjs');
    const bench = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
    expect(bench.schema).toBe('bitplane.bench/1');
    expect(bench.adapter.software).toBe(true);
    expect(bench.failures).toEqual([]);
    // The adapter's features and bounds: SwiftShader has subgroups of 4 and no known hardware bound.
    expect(bench.hardware).toMatchObject({ subgroups: true, subgroup_min_size: 4, gpu: 'unknown' });
    expect(bench.measurements.some((m: { version: string }) => m.version === 'v3')).toBe(true);
    expect(bench.measurements.some((m: { kernel: string }) => m.kernel === 'gemm')).toBe(true);
    const info = JSON.parse(readFileSync(join(out, 'bench-info.json'), 'utf8'));
    expect(info.schema).toBe('bitplane.bench-info/1');
    expect(info.overhead.length).toBe(2);
    expect(readFileSync(join(out, 'env.txt'), 'utf8')).toMatch(/^node: v\d+/m);
  }, 240_000);

  it('folds the folder between the markers of a copy of docs/benchmarks.md, twice giving the same text', () => {
    const doc = join(tmp, 'benchmarks.md');
    copyFileSync(join(REPO_ROOT, 'docs/benchmarks.md'), doc);
    const before = readFileSync(doc, 'utf8');
    const r = sh('node', ['scripts/gpu-fold.mjs', out, '--doc', doc], 120);
    expect(r.code, r.err).toBe(0);
    const after = readFileSync(doc, 'utf8');
    const head = before.slice(0, before.indexOf('<!-- gpu-run:begin -->'));
    expect(after.startsWith(head)).toBe(true); // nothing above the markers changed
    const body = after.slice(after.indexOf('<!-- gpu-run:begin -->'), after.indexOf('<!-- gpu-run:end -->'));
    expect(body).toMatch(/Adapter: google \/ swiftshader.*\(software: not a GPU measurement\)/);
    expect(body).toMatch(/\| bench +\| `node bitplane bench --json --quick --peers tfjs` +\| \d+ +\| 0 +\|/);
    expect(body).toMatch(/\| gemm +\| v2 +\| M=N=K=64/);
    expect(body).toMatch(/\| DNN tanh +\| 1 +\| \d+ +\|/);
    // bench-train ran (its exit code), or was skipped for the budget that was left ("not run").
    expect(body).toMatch(/\| bench-train +\|[^|]*\| *\d+ *\| *(-?\d+|not run) *\|/);
    const mtime = statSync(doc).mtimeMs;
    expect(sh('node', ['scripts/gpu-fold.mjs', out, '--doc', doc], 120).code).toBe(0);
    expect(readFileSync(doc, 'utf8')).toBe(after);
    expect(statSync(doc).mtimeMs).toBeGreaterThanOrEqual(mtime);
  }, 240_000);
});

describe('bad input exits 2 with the reason', () => {
  it('gpu-run.sh: a missing pack, a budget over 600 s, an unknown step', () => {
    let r = sh('bash', ['scripts/gpu-run.sh', '--pack', join(tmp, 'nothing'), '--out', join(tmp, 'o1')], 30);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nothing\/cli\.tar\.xz missing: run scripts\/gpu-pack\.sh/);
    r = sh('bash', ['scripts/gpu-run.sh', '--budget', '900'], 30);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--budget 900 exceeds 600 s/);
    r = sh('bash', ['scripts/gpu-run.sh', '--steps', 'bench,train'], 30);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--steps: unknown step 'train'/);
    r = sh('bash', ['scripts/gpu-run.sh', '--steps', 'reproduce'], 30);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/reproduce needs --reproduce IDS/);
  });

  it('gpu-fold.mjs: a folder without a manifest, a manifest that is not JSON', () => {
    const dir = join(tmp, 'bad');
    let r = sh('node', ['scripts/gpu-fold.mjs', dir, '--doc', join(REPO_ROOT, 'docs/benchmarks.md')], 60);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\/manifest\.json: missing/);
    sh('mkdir', ['-p', dir], 10);
    writeFileSync(join(dir, 'manifest.json'), '{"schema": ');
    r = sh('node', ['scripts/gpu-fold.mjs', dir, '--doc', join(REPO_ROOT, 'docs/benchmarks.md')], 60);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/manifest\.json: not JSON/);
  });
});
