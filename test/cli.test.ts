/**
 * `bitplane run` as a user runs it (node bin/bitplane.mjs): the result record and its documented keys,
 * determinism across two runs, exit code 2 and nothing written for an invalid configuration, and Ctrl-C
 * writing what was computed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/run/record.ts';

const dir = mkdtempSync(join(tmpdir(), 'bitplane-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = 'v=1&data=xor&samples=200&net=8-bin-bn-ste_sign,4-float-tanh&batch=32&lr=0.01';

function bitplane(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, ['bin/bitplane.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunRecord;

describe('bitplane run', () => {
  it('writes the result record, the same twice over', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const first = await bitplane(['run', SMALL, '--epochs', '3', '--replicas', '2', '--out', a]).done;
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/adapter: /);
    expect(first.stderr).toMatch(/epoch 3\/3 .*epochs\/s .*ETA/);
    const r = read(a);
    expect(r.schema).toBe('bitplane.run/1');
    expect(r.status).toBe('complete');
    expect(r.link).toBe(
      'v=1&replicas=2&data=xor&samples=200&net=8-bin-bn-ste_sign,4-float-tanh&lr=0.01&batch=32&epochs=3',
    );
    expect(r.config.replicas).toBe(2);
    expect(r.adapter.name.length).toBeGreaterThan(0);
    expect(r.layers.map((l) => [l.name, l.width, l.binary])).toEqual([
      ['hidden 1', 8, true],
      ['hidden 2', 4, false],
      ['output', 2, false],
    ]);
    expect(r.epochs).toEqual([0, 1, 2, 3]);
    for (const key of ['train_loss', 'test_loss', 'train_acc', 'test_acc'] as const) {
      expect(r.metrics[key].length).toBe(2);
      for (const row of r.metrics[key]) expect(row.length).toBe(4);
    }
    expect(r.metrics.flip_ratio[0][0]).toEqual([null, null, null]);
    expect(r.metrics.flip_ratio[0][1][0]).toBeGreaterThanOrEqual(0);
    expect(r.metrics.flip_ratio[0][1][1]).toBeNull();
    expect(r.timing.total_s).toBeGreaterThan(0);

    // The record's own link reproduces it, bit for bit.
    const second = await bitplane(['run', r.link, '--out', b]).done;
    expect(second.code, second.stderr).toBe(0);
    expect(read(b).metrics).toEqual(r.metrics);
  });

  it('an invalid configuration exits with 2, says what is wrong and writes nothing', async () => {
    const out = join(dir, 'never.json');
    const bad = await bitplane(['run', 'v=1&lr=-1&net=4-bin-bn-nope', '--out', out]).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/lr: /);
    expect(bad.stderr).toMatch(/net: .*must be one of/);
    expect(existsSync(out)).toBe(false);
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ batchSize: 0, optimizer: { name: 'rmsprop' } }));
    const badJson = await bitplane(['run', cfg, '--out', out]).done;
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/batchSize: /);
    expect(badJson.stderr).toMatch(/optimizer\.name: must be one of "adam", "sgd"/);
    expect((await bitplane(['run', SMALL, '--epochs', 'ten']).done).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it("dumps activations as .npy in the estimator's order, matching the recorded estimates", async () => {
    const out = join(dir, 'dump.json');
    const dumpDir = join(dir, 'dump');
    const run = await bitplane([
      'run',
      SMALL,
      '--epochs',
      '2',
      '--replicas',
      '2',
      '--out',
      out,
      '--dump-activations',
      '0,2',
      '--dump-dir',
      dumpDir,
    ]).done;
    expect(run.code, run.stderr).toBe(0);
    const r = read(out);
    const load = (name: string) => {
      const bytes = readFileSync(join(dumpDir, name));
      expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      const headerLen = bytes.readUInt16LE(8);
      const header = bytes.subarray(10, 10 + headerLen).toString('latin1');
      expect((10 + headerLen) % 64).toBe(0);
      const shape = /'shape': \(([^)]*)\)/
        .exec(header)![1]
        .split(',')
        .filter((x) => x.trim())
        .map(Number);
      const data = bytes.subarray(10 + headerLen);
      const copy = new Uint8Array(data).buffer;
      return { header, shape, data: header.includes('<f4') ? new Float32Array(copy) : new Uint32Array(copy) };
    };
    const labels = load('labels.npy');
    expect(labels.shape).toEqual([r.info.n]);
    for (const e of [0, 2]) {
      for (let rep = 0; rep < 2; rep++) {
        // layer 0 is binary (ste_sign): H(T) of its sign patterns is the recorded I(X;T)
        const a = load(`e${e}_r${rep}_l0.npy`);
        expect(a.shape).toEqual([r.info.n, 8]);
        const counts = new Map<string, number>();
        for (let i = 0; i < r.info.n; i++) {
          const key = Array.from(a.data.subarray(i * 8, i * 8 + 8), (v) => (v < 0 ? 1 : 0)).join('');
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        let h = 0;
        for (const c of counts.values()) h -= (c / r.info.n) * Math.log2(c / r.info.n);
        expect(r.info.ixt[rep][r.epochs.indexOf(e)][0]).toBeCloseTo(h, 9);
        expect(load(`e${e}_r${rep}_l2.npy`).shape).toEqual([r.info.n, 2]); // the output layer's logits
      }
    }
  });

  it('Ctrl-C writes what was computed', async () => {
    const out = join(dir, 'interrupted.json');
    const run = bitplane(['run', SMALL, '--epochs', '100000', '--out', out]);
    await new Promise<void>((resolve) => {
      let seen = '';
      run.child.stderr?.on('data', (d) => {
        seen += d;
        if (/epoch \d+\/100000/.test(seen)) resolve();
      });
    });
    run.child.kill('SIGINT');
    const { code, stderr } = await run.done;
    expect(code, stderr).toBe(130);
    const r = read(out);
    expect(r.status).toBe('interrupted');
    expect(r.epochs.length).toBeGreaterThanOrEqual(3);
    expect(r.epochs.length).toBeLessThan(100);
    expect(r.metrics.test_acc[0].length).toBe(r.epochs.length);
  });
});

describe('bitplane reproduce', () => {
  it('Ctrl-C stops the experiment in flight, keeps its record and lists the rest as not started', async () => {
    const out = join(dir, 'reproduce');
    // A stale record of the second experiment must not stand in for it.
    const stale = join(out, 'reproduction', 'bits12-dnn-relu.json');
    mkdirSync(join(out, 'reproduction'), { recursive: true });
    writeFileSync(stale, '{"stale": true}');
    const run = bitplane([
      'reproduce',
      '--quick',
      '--no-figures',
      '--only',
      'bits12-dnn-tanh,bits12-dnn-relu',
      '--out',
      out,
    ]);
    await new Promise<void>((resolve) => {
      let seen = '';
      run.child.stderr?.on('data', (d) => {
        seen += d;
        if (/\[bits12-dnn-tanh\] epoch \d+\/40/.test(seen)) resolve();
      });
    });
    run.child.kill('SIGINT');
    const { code, stderr } = await run.done;
    expect(code, stderr).toBe(130);
    const r = read(join(out, 'reproduction', 'bits12-dnn-tanh.json'));
    expect(r.status).toBe('interrupted');
    expect(existsSync(stale)).toBe(false);
    const md = readFileSync(join(out, 'REPRODUCTION.md'), 'utf8');
    expect(md).toContain('bits12-dnn-tanh stopped early (interrupted)');
    expect(md).toContain('bits12-dnn-relu did not run (not started: interrupted)');
  });
});
