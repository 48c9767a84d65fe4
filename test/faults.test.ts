/**
 * Fault injection against `bitplane run` and `bitplane reproduce` as a user runs them (node
 * bin/bitplane.mjs): bad output paths, a full disk, a directory removed during the run, each stop signal
 * at a seeded random epoch, a second signal, kill -9 during a record's write, two writers on one --out,
 * configurations far too large, non-object JSON. Each case asserts the exit code, the message, and that
 * no record is lost, truncated or half-written. Runs are tiny (a few epochs, 1–2 replicas) and one at a
 * time: each costs the module runner's start-up.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/run/record.ts';
import { Rng } from '../src/util/rng.ts';

const dir = mkdtempSync(join(tmpdir(), 'bitplane-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = 'v=1&data=xor&samples=200&net=8-bin-bn-ste_sign,4-float-tanh&batch=32&lr=0.01';
const rng = new Rng(20261130).derive('faults');

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function bitplane(args: string[]): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, ['bin/bitplane.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Done>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Resolves once stderr matches `re` (e.g. a progress line). */
function waitFor(child: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    child.stderr?.on('data', (d) => {
      seen += d;
      const m = re.exec(seen);
      if (m) resolve(m[0]);
    });
  });
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunRecord;

/** A record is whole: it parses, and every per-epoch series has one entry per logged epoch. */
function expectWhole(r: RunRecord): void {
  expect(r.schema).toBe('bitplane.run/1');
  const n = r.epochs.length;
  expect(n).toBeGreaterThan(0);
  for (const key of ['train_loss', 'test_loss', 'train_acc', 'test_acc'] as const)
    for (const row of r.metrics[key]) expect(row).toHaveLength(n);
  for (const row of r.info.ixt) expect(row).toHaveLength(n);
}

/** Only the record, never a temporary file, is left in `d` (besides `keep`). */
function expectNoTemporaries(d: string): void {
  expect(readdirSync(d).filter((f) => f.endsWith('.tmp') || f.endsWith('.partial'))).toEqual([]);
}

describe('outputs are checked before anything is computed', () => {
  it('refuses bad --out and --dump-dir paths with exit 2 and one line naming the path', async () => {
    const afile = join(dir, 'afile');
    writeFileSync(afile, 'x');
    const cases: [string[], RegExp][] = [
      [
        ['--out', join(dir, 'missing', 'run.json')],
        /cannot write .*missing\/run\.json: the directory does not exist/,
      ],
      [['--out', dir], /cannot write .*: it is a directory/],
      [['--out', '/proc/x'], /cannot write \/proc\/x: a kernel pseudo-filesystem/],
      [['--out', '/sys/x.json'], /cannot write \/sys\/x\.json: a kernel pseudo-filesystem/],
      [['--out', ''], /cannot write '': empty path/],
      [['--out', join(afile, 'run.json')], /cannot write .*afile\/run\.json: a part of the path is a file/],
      [
        ['--dump-activations', '0', '--dump-dir', '/proc/x'],
        /cannot write \/proc\/x: a kernel pseudo-filesystem/,
      ],
      [['--dump-activations', '0', '--dump-dir', join(afile, 'd')], /cannot write .*afile\/d: /],
    ];
    for (const [args, message] of cases) {
      const t0 = performance.now();
      const { code, stderr } = await bitplane(['run', 'v=1&epochs=1&replicas=1', ...args]).done;
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1); // no stack trace, no adapter line
      expect(stderr).not.toMatch(/adapter:| {4}at /);
      expect(performance.now() - t0).toBeLessThan(60_000); // never hangs (a recursive mkdir in /proc did)
    }
    expect(readdirSync(dir).sort()).toEqual(['afile']);
    const rep = await bitplane(['reproduce', '--quick', '--no-figures', '--out', join(afile, 'x')]).done;
    expect(rep.code, rep.stderr).toBe(2);
    expect(rep.stderr.trim()).toMatch(
      /^bitplane reproduce: cannot write .*afile\/x: a part of the path is a file, not a directory$/,
    );
  });

  it('refuses non-object JSON and a missing or non-JSON path, never running the defaults', async () => {
    const cases: [string, string, RegExp][] = [
      ['null.json', 'null', /null\.json: expected an object, got null/],
      ['num.json', '42', /num\.json: expected an object, got a number/],
      ['arr.json', '[1,2,3]', /arr\.json: expected an object, got an array/],
      ['rec.json', '{"schema":"bitplane.run/1","config":[0]}', /"config": expected an object, got an array/],
    ];
    for (const [name, text, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, text);
      const { code, stderr, stdout } = await bitplane(['run', path]).done;
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(message);
      expect(stdout).toBe('');
    }
    const missing = await bitplane(['run', join(dir, 'nope', 'config')]).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\/config: no such file/);
    const notJson = await bitplane(['run', join(dir, 'null.json').replace(/\.json$/, '.txt')]).done;
    expect(notJson.stderr).toMatch(/no such file/);
  });

  it('refuses configurations far too large before allocating, with the numbers', async () => {
    const links = [
      'v=1&data=mnist&mnist=1000&mnisttest=1000&net=16384-float-relu,16384-float-relu&replicas=256&epochs=1',
      'v=1&net=4096-float-relu,4096-float-relu&replicas=16&epochs=1',
    ];
    for (const link of links) {
      const t0 = performance.now();
      const out = join(dir, 'large.json');
      const { code, stderr } = await bitplane(['run', link, '--out', out, '--quiet']).done;
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(
        /this run does not fit: hidden layer 2's weights .* needs a buffer of [\d.]+ GiB/,
      );
      expect(existsSync(out)).toBe(false);
      expect(performance.now() - t0).toBeLessThan(60_000); // refused up front, not after filling memory
    }
  });
});

describe('records are never lost or half-written', () => {
  for (const [sig, exit] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${sig} at a random epoch finishes the epoch and writes the record, 'interrupted'`, async () => {
      const at = rng.derive(sig).int(2, 6);
      const out = join(dir, `${sig}.json`);
      const run = bitplane(['run', SMALL, '--epochs', '100000', '--replicas', '2', '--out', out]);
      await waitFor(run.child, new RegExp(`epoch (${at}|[1-9]\\d{${String(at).length}})\\d*/100000`));
      run.child.kill(sig);
      const { code, stderr } = await run.done;
      expect(code, stderr).toBe(exit);
      expect(stderr).toMatch(new RegExp(`${sig}: finishing this epoch`));
      const r = read(out);
      expectWhole(r);
      expect(r.status).toBe('interrupted');
      expect(r.epochs[r.epochs.length - 1]).toBeGreaterThanOrEqual(at);
      expectNoTemporaries(dir);
    });
  }

  it('a second signal stops at once, leaving no temporary file and no record', async () => {
    const out = join(dir, 'twice.json');
    const run = bitplane(['run', SMALL, '--epochs', '100000', '--out', out]);
    await waitFor(run.child, /epoch \d+\/100000/);
    run.child.kill('SIGTERM');
    run.child.kill('SIGHUP');
    const { code, signal, stderr } = await run.done;
    // The two may be handled in either order; the second one ends the process at once by raising itself
    // again after the clean-up (src/cli/signals.ts): the shell sees 128 + its number either way.
    const status = code ?? (signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : -1);
    expect([129, 143], `${signal} ${stderr}`).toContain(status);
    if (/(SIGHUP|SIGTERM) again: stopping at once/.test(stderr)) expect(existsSync(out)).toBe(false);
    else expectWhole(read(out)); // the second came after the record was written
    expectNoTemporaries(dir);
  });

  it('kill -9 during the write leaves the old record or the whole new one, never a truncated file', async () => {
    const d = mkdtempSync(join(dir, 'kill9-'));
    const path = join(d, 'run.json');
    const old = JSON.stringify({ old: true, pad: 'x'.repeat(1000) });
    writeFileSync(path, old);
    const bigLength = '{"new":true,"pad":"'.length + 40_000_000 + 2;
    const script = `
      import { withSources } from './scripts/module-runner.mjs';
      await withSources(async (load) => {
        const { writeFileAtomic } = await load('/src/cli/output.ts');
        const data = '{"new":true,"pad":"' + 'y'.repeat(40_000_000) + '"}';
        console.error('ready');
        for (;;) await writeFileAtomic(${JSON.stringify(path)}, data);
      });`;
    const r = rng.derive('kill9');
    for (let i = 0; i < 4; i++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const closed = new Promise((resolve) => child.on('close', resolve));
      await waitFor(child, /ready/);
      await new Promise((res) => setTimeout(res, r.int(50, 1500)));
      child.kill('SIGKILL');
      await closed;
      const text = readFileSync(path, 'utf8');
      expect(text === old || text.length === bigLength, `attempt ${i}: ${text.length} bytes`).toBe(true);
      JSON.parse(text); // whole
    }
    // What a kill -9 can leave is a dot-file temporary, never the record's name.
    for (const f of readdirSync(d))
      expect(f === 'run.json' || /^\.run\.json\.\d+\.[0-9a-f]+\.tmp$/.test(f), f).toBe(true);
  });

  it('two writers on one --out: each writes through its own temporary, one whole record wins', async () => {
    const d = mkdtempSync(join(dir, 'two-'));
    const out = join(d, 'run.json');
    const [a, b] = await Promise.all([
      bitplane(['run', SMALL, '--epochs', '2', '--replicas', '1', '--seed', '1', '--out', out, '--quiet'])
        .done,
      bitplane(['run', SMALL, '--epochs', '2', '--replicas', '1', '--seed', '2', '--out', out, '--quiet'])
        .done,
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const r = read(out);
    expectWhole(r);
    expect([1, 2]).toContain(r.config.seed);
    expect(readdirSync(d)).toEqual(['run.json']);
  });

  it('a directory removed during the run: the record is saved elsewhere and the message says where', async () => {
    const d = mkdtempSync(join(dir, 'gone-'));
    const out = join(d, 'run.json');
    const run = bitplane(['run', SMALL, '--epochs', '100000', '--out', out]);
    await waitFor(run.child, /epoch \d+\/100000/);
    rmSync(d, { recursive: true });
    run.child.kill('SIGINT');
    const { code, stderr } = await run.done;
    expect(code, stderr).toBe(1);
    const m =
      /cannot write .*run\.json: the directory does not exist; the record \(interrupted, \d+ logged epochs\) was saved to (\S+)/.exec(
        stderr,
      );
    expect(m, stderr).not.toBeNull();
    const r = read(m![1]);
    expectWhole(r);
    expect(r.status).toBe('interrupted');
    rmSync(m![1]);
  });

  const canMount = (() => {
    if (process.getuid?.() !== 0) return false;
    const probe = mkdtempSync(join(tmpdir(), 'bitplane-mount-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
      execFileSync('umount', [probe], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  })();

  it.skipIf(!canMount)(
    'a full disk (tmpfs): refused up front when too small, the record kept when it fills during the run',
    async () => {
      const small = mkdtempSync(join(dir, 'tmpfs64k-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
      try {
        const { code, stderr } = await bitplane([
          'run',
          SMALL,
          '--epochs',
          '1',
          '--out',
          join(small, 'run.json'),
        ]).done;
        expect(code, stderr).toBe(2);
        expect(stderr.trim()).toMatch(
          /^bitplane run: cannot write .*run\.json: needs about 1048576 bytes, \d+ free$/,
        );
      } finally {
        execFileSync('umount', [small]);
      }
      const disk = mkdtempSync(join(dir, 'tmpfs2m-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
      try {
        const out = join(disk, 'run.json');
        writeFileSync(out, '{"old": true}');
        const run = bitplane(['run', SMALL, '--epochs', '100000', '--out', out]);
        await waitFor(run.child, /epoch \d+\/100000/);
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${join(disk, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
        } catch {
          // dd stops with ENOSPC: the disk is full
        }
        run.child.kill('SIGINT');
        const { code, stderr } = await run.done;
        expect(code, stderr).toBe(1);
        const m =
          /no space left on the device; the record \(interrupted, \d+ logged epochs\) was saved to (\S+)/.exec(
            stderr,
          );
        expect(m, stderr).not.toBeNull();
        expectWhole(read(m![1]));
        rmSync(m![1]);
        expect(readFileSync(out, 'utf8')).toBe('{"old": true}'); // the old file untouched
        expect(readdirSync(disk).sort()).toEqual(['filler', 'run.json']); // the temporary removed
      } finally {
        execFileSync('umount', [disk]);
      }
    },
  );
});

describe('numbers are honest at the edges', () => {
  it('a diverged epoch has no accuracy and no estimates (null), never zeros', async () => {
    const out = join(dir, 'diverged.json');
    const link =
      'v=1&net=64-float-linear,64-float-linear,64-float-linear&opt=sgd&lr=10&init=saxe&epochs=20&replicas=2';
    const { code, stderr } = await bitplane(['run', link, '--out', out, '--quiet']).done;
    expect(code, stderr).toBe(1);
    const raw = JSON.parse(readFileSync(out, 'utf8'));
    expect(raw.status).toBe('diverged');
    const last = raw.epochs.length - 1;
    const bad = [0, 1].filter((r) => raw.metrics.train_loss[r][last] === null);
    expect(bad.length).toBeGreaterThan(0);
    for (const r of bad) {
      expect(raw.metrics.train_acc[r][last]).toBeNull();
      expect(raw.metrics.test_acc[r][last]).toBeNull();
      expect(raw.info.ixt[r][last].every((x: unknown) => x === null)).toBe(true);
      expect(raw.info.ity[r][last].every((x: unknown) => x === null)).toBe(true);
      // the epochs before are kept, with their numbers
      expect(typeof raw.metrics.test_acc[r][0]).toBe('number');
    }
  });

  it('kdevar out of its meaningful range is refused, naming the field', async () => {
    const { code, stderr } = await bitplane(['run', 'v=1&kde=1&kdevar=1e308&net=8-float-tanh&epochs=1']).done;
    expect(code).toBe(2);
    expect(stderr).toMatch(/kdevar: .*10000/);
  });
});

it('an internal error prints one line and where the details went, never a stack trace', async () => {
  const { reportInternalError } = await import('../src/cli/main.ts');
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => lines.push(line);
  let code: number;
  try {
    code = reportInternalError(new TypeError('x is undefined\nsecond line'), ['run', 'v=1']);
  } finally {
    console.error = original;
  }
  expect(code).toBe(1);
  expect(lines).toHaveLength(1);
  const m = /^bitplane: internal error: TypeError: x is undefined \(details in (\S+\.log)\)$/.exec(lines[0]);
  expect(m, lines[0]).not.toBeNull();
  const log = readFileSync(m![1], 'utf8');
  expect(log).toMatch(/^bitplane run v=1\n/);
  expect(log).toMatch(/TypeError: x is undefined\nsecond line\n\s+at /); // the stack is in the file
  rmSync(m![1]);
});
