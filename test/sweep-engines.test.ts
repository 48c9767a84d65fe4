/**
 * One small sweep (8 tiny links) run on the engines clusters already have, each end to end:
 *   - GNU parallel (Debian's `parallel`), 2 at a time, one index per line;
 *   - Slurm: a single-node Slurm started for the test (test/slurm-cluster.ts), the array submitted with
 *     `sbatch -W --array` through scripts/sweep-slurm.sh, 2 lines per task. Where Slurm cannot start,
 *     the test fails with the reason;
 *   - Kubernetes: the command of deploy/k8s-sweep.yaml, read from the file and run exactly as each pod
 *     of the Indexed Job would (JOB_COMPLETION_INDEX set, the volume's path standing for the mount).
 * Every engine must give every line a complete record of its link, with the same numbers everywhere.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/run/record.ts';
import { chunkCount } from '../src/sweep/manifest.ts';
import { expandSpec, type ManifestEntry, manifestText } from '../src/sweep/spec.ts';
import { startSlurm } from './slurm-cluster.ts';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'bitplane-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { entries } = expandSpec({
  base: 'v=1&data=xor&samples=120&batch=32&replicas=1&epochs=2&lr=0.01',
  grid: { net: ['6-bin-bn-ste_sign', '6-float-tanh'] },
  seeds: 4,
});
const manifest = join(dir, 'sweep.jsonl');
beforeAll(() => writeFileSync(manifest, manifestText(entries)));

function exec(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? root, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Every manifest line has a complete record of its link in `out`, and nothing else is there. */
function expectAllComplete(out: string, lines: readonly ManifestEntry[]): Map<string, RunRecord> {
  expect(readdirSync(out).sort()).toEqual(lines.map((e) => `${e.id}.json`).sort());
  const records = new Map<string, RunRecord>();
  for (const e of lines) {
    const r = JSON.parse(readFileSync(join(out, `${e.id}.json`), 'utf8')) as RunRecord;
    expect(r.status, e.link).toBe('complete');
    expect(r.link).toBe(e.link);
    records.set(e.id, r);
  }
  return records;
}

let reference: Map<string, RunRecord> | undefined;
const expectSameNumbers = (records: Map<string, RunRecord>) => {
  if (!reference) reference = records;
  else for (const [id, r] of records) expect(r.metrics, id).toEqual(reference.get(id)?.metrics);
};

describe('sweeps on existing engines', () => {
  it('GNU parallel: 8 links, 2 at a time', async () => {
    const out = join(dir, 'parallel');
    const r = await exec('parallel', [
      '--will-cite',
      '-j',
      '2',
      '--halt',
      'never',
      process.execPath,
      'bin/bitplane.mjs',
      'run',
      '--from',
      manifest,
      '--index',
      '{}',
      '--out-dir',
      out,
      '--quiet',
      ':::',
      ...entries.map((_, i) => String(i)),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expectSameNumbers(expectAllComplete(out, entries));
  });

  it('Slurm: a single-node cluster runs the sweep as sbatch -W --array through scripts/sweep-slurm.sh', async () => {
    const slurm = await startSlurm(); // throws (fails the test) with the reason when Slurm cannot start
    try {
      const out = join(dir, 'slurm');
      const chunk = 2;
      const r = await exec(
        '/usr/bin/sbatch',
        [
          '-W',
          `--array=0-${chunkCount(entries.length, chunk) - 1}`,
          `--chdir=${root}`,
          `--output=${join(dir, 'slurm-%A_%a.out')}`,
          'scripts/sweep-slurm.sh',
          manifest,
          out,
          String(chunk),
        ],
        { env: slurm.env },
      );
      const logs = readdirSync(dir)
        .filter((n) => n.startsWith('slurm-') && n.endsWith('.out'))
        .map((n) => `${n}:\n${readFileSync(join(dir, n), 'utf8')}`)
        .join('\n');
      expect(r.code, `${r.stdout}${r.stderr}\n${logs}`).toBe(0);
      expect(r.stdout).toMatch(/Submitted batch job \d+/);
      expect(logs.match(/\.out:/g)?.length).toBe(chunkCount(entries.length, chunk));
      expectSameNumbers(expectAllComplete(out, entries));
    } finally {
      await slurm.stop();
    }
  });

  it('Kubernetes: the Indexed Job’s command from deploy/k8s-sweep.yaml, run with JOB_COMPLETION_INDEX', async () => {
    const yaml = readFileSync(join(root, 'deploy/k8s-sweep.yaml'), 'utf8');
    const field = (name: string) => {
      const m = new RegExp(`^\\s*${name}:\\s*(.+?)\\s*(#.*)?$`, 'm').exec(yaml);
      if (!m) throw new Error(`deploy/k8s-sweep.yaml has no ${name}:`);
      return m[1];
    };
    expect(field('completionMode')).toBe('Indexed');
    expect(field('workingDir')).toBe('/app');
    const completions = Number(field('completions'));
    const parallelism = Number(field('parallelism'));
    const mount = field('mountPath');
    // The container's command: a block sequence of quoted strings under `command:`.
    const commandAt = yaml.split('\n').findIndex((l) => /^\s*command:\s*$/.test(l));
    const command: string[] = [];
    for (const line of yaml.split('\n').slice(commandAt + 1)) {
      const m = /^\s*- ("(?:[^"\\]|\\.)*")\s*$/.exec(line);
      if (!m) break;
      command.push(JSON.parse(m[1]));
    }
    expect(commandAt).toBeGreaterThan(0);
    expect(command.slice(0, 3)).toEqual(['node', 'bin/bitplane.mjs', 'run']);
    const chunk = Number(command[command.indexOf('--chunk') + 1]);
    expect(completions).toBe(chunkCount(entries.length, chunk)); // the manifest's example fits this sweep
    // The volume: the manifest where the command reads it, the records where it writes them.
    const volume = join(dir, 'k8s-volume');
    mkdirSync(volume);
    const inVolume = (p: string) => (p.startsWith(`${mount}/`) ? join(volume, p.slice(mount.length + 1)) : p);
    writeFileSync(inVolume(command[command.indexOf('--from') + 1]), manifestText(entries));
    const [program, ...args] = command.map(inVolume);
    const bin = program === 'node' ? process.execPath : program;
    const env = { ...process.env };
    delete env.SLURM_ARRAY_TASK_ID;
    const results: { code: number | null; stderr: string }[] = [];
    for (let i = 0; i < completions; i += parallelism) {
      const wave = Array.from({ length: Math.min(parallelism, completions - i) }, (_, k) =>
        exec(bin, args, { env: { ...env, JOB_COMPLETION_INDEX: String(i + k) }, cwd: root }),
      );
      results.push(...(await Promise.all(wave)));
    }
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expectSameNumbers(expectAllComplete(inVolume(command[command.indexOf('--out-dir') + 1]), entries));
  });
});
