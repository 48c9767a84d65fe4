/**
 * `bitplane sweep expand`, `bitplane run --from … --index … --out-dir …` and `bitplane sweep report` as a
 * user (or a job array) runs them: chunks address the right lines, one device per chunk, records for
 * the manifest's links; reruns skip complete records and redo interrupted ones with the same numbers;
 * SIGTERM writes the run in flight as interrupted; every kind of bad input exits 2 naming the file or
 * index, with nothing written; a corrupt record is named, kept aside and rerun.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATISTIC_NAME } from '../src/cli/sweep-command.ts';
import type { RunRecord } from '../src/run/record.ts';

const dir = mkdtempSync(join(tmpdir(), 'bitplane-sweep-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bitplane(
  args: string[],
  env: Record<string, string> = {},
): {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const clean = { ...process.env };
  delete clean.SLURM_ARRAY_TASK_ID;
  delete clean.JOB_COMPLETION_INDEX;
  const child = spawn(process.execPath, ['bin/bitplane.mjs', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...clean, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, stderr: () => stderr, done };
}
const run = (args: string[], env?: Record<string, string>) => bitplane(args, env).done;

const SPEC = {
  base: 'v=1&data=xor&samples=120&batch=32&replicas=1&epochs=2&lr=0.01',
  grid: { net: ['6-bin-bn-ste_sign', '6-float-tanh'] },
  seeds: [1, 2, 3],
};
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; link: string });
const record = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunRecord;

describe('bitplane sweep expand / run --from / sweep report', () => {
  const spec = join(dir, 'spec.json');
  const manifest = join(dir, 'sweep.jsonl');
  const out = join(dir, 'out');

  it('expands a spec to the same manifest every time, and names a bad axis with exit 2', async () => {
    writeFileSync(spec, JSON.stringify(SPEC));
    const a = await run(['sweep', 'expand', spec, '--out', manifest]);
    expect(a.code, a.stderr).toBe(0);
    const b = await run(['sweep', 'expand', spec]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toBe(readFileSync(manifest, 'utf8'));
    expect(lines(manifest).length).toBe(6);

    const bad = join(dir, 'bad-spec.json');
    writeFileSync(bad, JSON.stringify({ ...SPEC, grid: { net: ['6-bin-bn-ste_sign', '6-bin-xx-tanh'] } }));
    const r = await run(['sweep', 'expand', bad, '--out', join(dir, 'never.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-spec\.json: spec axis "net" value "6-bin-xx-tanh": /);
    expect(existsSync(join(dir, 'never.jsonl'))).toBe(false);
  });

  it('runs chunks by index (flag, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX), one device per chunk', async () => {
    const first = await run(['run', '--from', manifest, '--index', '0', '--chunk', '2', '--out-dir', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr.match(/adapter: /g)?.length).toBe(1);
    const slurm = await run(['run', '--from', manifest, '--chunk', '2', '--out-dir', out], {
      SLURM_ARRAY_TASK_ID: '1',
    });
    expect(slurm.code, slurm.stderr).toBe(0);
    const k8s = await run(['run', '--from', manifest, '--chunk', '2', '--out-dir', out, '--quiet'], {
      JOB_COMPLETION_INDEX: '2',
    });
    expect(k8s.code, k8s.stderr).toBe(0);
    const entries = lines(manifest);
    expect(readdirSync(out).sort()).toEqual(entries.map((e) => `${e.id}.json`).sort());
    for (const e of entries) {
      const r = record(join(out, `${e.id}.json`));
      expect(r.status).toBe('complete');
      expect(r.link).toBe(e.link);
    }
    expect(slurm.stderr).toMatch(/line 3 /);
    expect(slurm.stderr).toMatch(/line 4 /);
  });

  it('skips complete records untouched, reruns an interrupted one to the same numbers', async () => {
    const entries = lines(manifest);
    const before = statSync(join(out, `${entries[0].id}.json`)).mtimeMs;
    const again = await run(['run', '--from', manifest, '--index', '0', '--chunk', '2', '--out-dir', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/adapter: /); // nothing to do: no device
    expect(again.stderr.match(/complete already, skipped/g)?.length).toBe(2);
    expect(statSync(join(out, `${entries[0].id}.json`)).mtimeMs).toBe(before);

    const path = join(out, `${entries[1].id}.json`);
    const complete = record(path);
    writeFileSync(path, JSON.stringify({ ...complete, status: 'interrupted', epochs: [0] }));
    const redo = await run(['run', '--from', manifest, '--index', '1', '--out-dir', out]);
    expect(redo.code, redo.stderr).toBe(0);
    expect(redo.stderr).toMatch(/record says "interrupted", rerunning/);
    expect(record(path).status).toBe('complete');
    expect(record(path).metrics).toEqual(complete.metrics);
  });

  it('names a corrupt record, keeps it aside, reruns it and exits 2', async () => {
    const entries = lines(manifest);
    const path = join(out, `${entries[5].id}.json`);
    writeFileSync(path, '{"schema": "bitplane.run/1", "status": "compl');
    const r = await run(['run', '--from', manifest, '--index', '5', '--out-dir', out, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`corrupt record ${path}: not JSON`);
    const aside = readdirSync(out).filter((n) => n.startsWith(`${entries[5].id}.json.corrupt-`));
    expect(aside.length).toBe(1);
    expect(readFileSync(join(out, aside[0]), 'utf8')).toBe('{"schema": "bitplane.run/1", "status": "compl');
    expect(record(path).status).toBe('complete');
    // A record of another link under this id is corrupt too.
    writeFileSync(path, JSON.stringify({ ...record(path), link: entries[0].link }));
    const other = await run(['run', '--from', manifest, '--index', '5', '--out-dir', out, '--quiet']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/is not the manifest's/);
    rmSync(join(out, aside[0]));
    for (const n of readdirSync(out)) if (n.includes('.corrupt-')) rmSync(join(out, n));
  });

  it('bad input exits 2 naming the file or index, before anything runs or is written', async () => {
    const fresh = join(dir, 'fresh');
    const expectBad = async (args: string[], message: RegExp, env?: Record<string, string>) => {
      const r = await run(['run', ...args], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/ at .*\.ts:\d+/); // no stack trace
      expect(r.stderr).not.toMatch(/adapter: /);
    };
    await expectBad(
      ['--from', manifest, '--index', '3', '--chunk', '2', '--out-dir', fresh],
      /index 3 is past the end of .*sweep\.jsonl: 6 lines in chunks of 2 give indices 0…2/,
    );
    await expectBad(
      ['--from', join(dir, 'nope.jsonl'), '--index', '0', '--out-dir', fresh],
      /cannot read .*nope\.jsonl/,
    );
    await expectBad(
      ['--from', manifest, '--out-dir', fresh],
      /no --index, and neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX/,
    );
    await expectBad(['--from', manifest, '--out-dir', fresh], /SLURM_ARRAY_TASK_ID must be a whole number/, {
      SLURM_ARRAY_TASK_ID: 'x',
    });
    await expectBad(['--from', manifest, '--index', '0'], /--out-dir/);
    const text = readFileSync(manifest, 'utf8').split('\n');
    const holed = join(dir, 'holed.jsonl');
    writeFileSync(holed, [text[0], '', ...text.slice(2)].join('\n'));
    await expectBad(['--from', holed, '--index', '4', '--out-dir', fresh], /holed\.jsonl line 2 is missing/);
    const badLink = join(dir, 'bad-link.jsonl');
    const link = 'v=1&data=xor&lr=-1';
    const { sweepId } = await import('../src/sweep/spec.ts');
    writeFileSync(badLink, `${text[0]}\n${JSON.stringify({ id: sweepId(link), link })}\n`);
    await expectBad(
      ['--from', badLink, '--index', '0', '--chunk', '2', '--out-dir', fresh],
      /bad-link\.jsonl line 2: lr: /,
    );
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    await expectBad(
      ['--from', manifest, '--index', '0', '--out-dir', file],
      /cannot write .*a-file: it is a file/,
    );
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    if (process.getuid?.() !== 0)
      await expectBad(
        ['--from', manifest, '--index', '0', '--out-dir', locked],
        /cannot write .*locked: permission denied/,
      );
    await expectBad(['--from', manifest, '--index', '0', '--out-dir', '/proc/bitplane'], /pseudo-filesystem/);
    expect(existsSync(fresh)).toBe(false);
  });

  it('SIGTERM writes the run in flight as interrupted and leaves the rest of the chunk', async () => {
    const long = join(dir, 'long.jsonl');
    const { sweepId } = await import('../src/sweep/spec.ts');
    const links = [1, 2].map(
      (s) =>
        `v=1&seed=${s}&replicas=1&data=xor&samples=120&net=6-float-tanh&batch=32&epochs=100000&log=idnn&logpoints=10`,
    );
    writeFileSync(long, links.map((l) => `${JSON.stringify({ id: sweepId(l), link: l })}\n`).join(''));
    const dirLong = join(dir, 'long');
    const p = bitplane(['run', '--from', long, '--index', '0', '--chunk', '2', '--out-dir', dirLong]);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/adapter: /.test(p.stderr())) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    await new Promise((r) => setTimeout(r, 1500)); // well into the first run's epochs
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(143);
    const first = record(join(dirLong, `${sweepId(links[0])}.json`));
    expect(first.status).toBe('interrupted');
    expect(r.stderr).toMatch(/SIGTERM: finishing this epoch/);
    expect(existsSync(join(dirLong, `${sweepId(links[1])}.json`))).toBe(false);
    expect(readdirSync(dirLong).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('reports every run: a row per manifest line, missing ones listed, CSV and JSON lines, the study summary and statistic', async () => {
    const entries = lines(manifest);
    rmSync(join(out, `${entries[4].id}.json`));
    const report = join(dir, 'report');
    const r = await run(['sweep', 'report', out, '--from', manifest, '--out', report]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${entries[4].id}: missing`);
    const csv = readFileSync(join(report, 'sweep.csv'), 'utf8').trim().split('\r\n');
    const header = csv[0].split(',');
    expect(csv.length).toBe(7);
    for (const col of ['id', 'status', 'net', 'seed', 'lr', 'test_acc', 'h1_near_ceiling_share', 'h1_timing'])
      expect(header).toContain(col);
    const rows = readFileSync(join(report, 'sweep.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.id)).toEqual(entries.map((e) => e.id));
    expect(rows.map((x) => x.status)).toEqual([
      'complete',
      'complete',
      'complete',
      'complete',
      'missing',
      'complete',
    ]);
    expect(rows[4]).toMatchObject({ net: '6-float-tanh', seed: 2 });
    const study = JSON.parse(readFileSync(join(report, 'study.json'), 'utf8'));
    expect(study.groups.map((g: { runs: number; complete: number }) => [g.runs, g.complete])).toEqual([
      [3, 3],
      [3, 2],
    ]);
    // The study statistic over the same records, as `bitplane study` computes it: BNN vs DNN on xor.
    const statistic = readFileSync(join(report, `${STATISTIC_NAME}.md`), 'utf8');
    expect(statistic).toMatch(/^# Study: the pre-registered statistic/);
    expect(statistic).toMatch(/xor, BNN ste_sign 6 vs DNN tanh 6: /);
    expect(JSON.parse(readFileSync(join(report, `${STATISTIC_NAME}.json`), 'utf8')).files.length).toBe(5);
    const none = await run(['sweep', 'report', join(dir, 'no-such-dir')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/cannot read the records directory .*no-such-dir/);
  });
});
