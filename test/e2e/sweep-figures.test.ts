/**
 * End to end: `bitplane sweep report --figures`. Synthetic result records (no training) of two groups of
 * runs that differ only by seed are read from a directory, as a sweep leaves them; each group is drawn by
 * the app's figure sheet in Debian's Chromium as one PNG, every seed a replica, and study.json names it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeLink } from '../../src/run/link.ts';
import { sweepId } from '../../src/sweep/spec.ts';
import { withoutSeed } from '../../src/sweep/study.ts';
import { binaryHidden, floatHidden, syntheticRecord } from '../figure-records.ts';

const dir = mkdtempSync(join(tmpdir(), 'bitplane-sweep-figures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bitplane sweep report --figures', () => {
  it('draws one PNG per seed group with the app’s figure sheet', () => {
    const records = join(dir, 'records');
    mkdirSync(records);
    const groups = [binaryHidden([10, 7, 5]), floatHidden([10, 7])];
    const links: string[] = [];
    for (const hidden of groups)
      for (const seed of [1, 2, 3]) {
        const r = syntheticRecord({ replicas: 1, epochs: [0, 1, 3, 10, 30], hidden });
        r.config = { ...r.config, seed };
        r.link = serializeLink(r.config);
        links.push(r.link);
        writeFileSync(join(records, `${sweepId(r.link)}.json`), JSON.stringify(r));
      }
    const out = join(dir, 'report');
    const r = spawnSync(
      process.execPath,
      ['bin/bitplane.mjs', 'sweep', 'report', records, '--out', out, '--figures'],
      {
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    expect(study.groups.length).toBe(2);
    const expected = [withoutSeed(links[0]), withoutSeed(links[3])].map((l) => `${sweepId(l)}.png`).sort();
    expect(readdirSync(join(out, 'figures')).sort()).toEqual(expected);
    for (const g of study.groups) {
      expect(g.runs).toBe(3);
      expect(g.figure).toBe(join('figures', `${sweepId(g.link)}.png`));
      const png = readFileSync(join(out, g.figure));
      expect(png.toString('latin1', 1, 4)).toBe('PNG');
      expect(png.readUInt32BE(16)).toBeGreaterThan(1000); // the sheet's width, at least 1200 CSS px
      expect(png.length).toBeGreaterThan(20_000); // charts drawn, not an empty sheet
    }
  });
});
