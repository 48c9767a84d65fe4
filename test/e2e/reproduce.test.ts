/**
 * End to end, as a user runs it: `npx bitplane reproduce --quick` (node bin/bitplane.mjs), every paper
 * experiment briefly, one process each, then the figures in headless Chromium and REPRODUCTION.md. The
 * smoke test of issue #7: each record complete with the quick protocol, each figure a PNG, the report with
 * its verdict table, an experiment section per preset and the quick-run warning; `--report-only` rebuilds
 * the same report from the records; a bad experiment id exits 2 with the list of known ones.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS, experimentConfig } from '../../src/run/experiments.ts';
import type { RunRecord } from '../../src/run/record.ts';

const out = mkdtempSync(join(tmpdir(), 'bitplane-reproduce-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const bitplane = (args: string[], timeout: number) =>
  spawnSync(process.execPath, ['bin/bitplane.mjs', ...args], { encoding: 'utf8', timeout });

describe('bitplane reproduce --quick', () => {
  it('runs every experiment and writes records, figures and the report', () => {
    const r = bitplane(['reproduce', '--quick', '--out', out], 540_000);
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    for (const e of EXPERIMENTS) {
      const record = JSON.parse(readFileSync(join(out, 'reproduction', `${e.id}.json`), 'utf8')) as RunRecord;
      const quick = experimentConfig(e, true);
      expect(record.status, e.id).toBe('complete');
      expect(record.config.epochs).toBe(quick.epochs);
      expect(record.config.replicas).toBe(quick.replicas);
      expect(record.epochs[record.epochs.length - 1]).toBe(quick.epochs);
      expect(record.info.ixt.length).toBe(quick.replicas);
      const png = readFileSync(join(out, 'reproduction', `${e.id}.png`));
      expect(png.subarray(1, 4).toString('latin1'), e.id).toBe('PNG');
      expect(png.length).toBeGreaterThan(20_000);
    }
    const md = readFileSync(join(out, 'REPRODUCTION.md'), 'utf8');
    expect(md).toMatch(/^# Reproduction \(quick smoke run\)/);
    expect(md).toContain('**not evidence**');
    expect(md).toMatch(/\| The 12-bit task \(IDNNs\) \| \*\*(holds|partly|does not hold|cannot tell)\*\* \|/);
    expect(md).toMatch(/\| MNIST \| \*\*/);
    expect(md).toMatch(/\| The 8×8 digits \| \*\*/);
    for (const e of EXPERIMENTS) {
      expect(md).toContain(`### ${e.title}`);
      expect(md).toContain(`![${e.title}](reproduction/${e.id}.png)`);
    }
    expect(md).toContain(
      `${EXPERIMENTS.length} of ${EXPERIMENTS.length} experiments ran, ${EXPERIMENTS.length} of them`,
    );
    expect(md).not.toMatch(/NaN|undefined|Not run/);

    // The report again from the records alone: the same Markdown but for the date line.
    const again = bitplane(['reproduce', '--report-only', '--no-figures', '--out', out], 120_000);
    expect(again.status, again.stderr).toBe(0);
    const md2 = readFileSync(join(out, 'REPRODUCTION.md'), 'utf8');
    const strip = (s: string) =>
      s.replace(/^- (Written|Figures): .*\n/gm, '').replace(/!\[[^\]]*\]\([^)]*\)\n\n/g, '');
    expect(strip(md2)).toBe(strip(md));
  }, 600_000);

  it('refuses an unknown experiment, naming the known ones', () => {
    const r = bitplane(['reproduce', '--quick', '--only', 'nope', '--out', out], 60_000);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown experiment\(s\) nope; known: bits12-dnn-tanh, /);
  });
});
