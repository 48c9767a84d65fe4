/**
 * `bitplane run --data` as a user runs it (node bin/bitplane.mjs): a good CSV trains and its record
 * carries the hash and a link naming the file; a bad file exits 2 naming the file, row and column before
 * anything runs; the record's link without the file says which file it needs; another file under that
 * link is refused as a reproduction with both hashes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/run/record.ts';

const dir = mkdtempSync(join(tmpdir(), 'bitplane-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bitplane(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/bitplane.mjs', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 40 rows, 3 features, string labels "no"/"yes" (classes 0 and 1 in sorted order). */
function goodCsv(shift = 0): string {
  const rows = Array.from({ length: 40 }, (_, i) => {
    const c = i % 2;
    return `${(c + ((i * 7) % 5) / 10 + shift).toFixed(2)},${(-c + ((i * 3) % 4) / 10).toFixed(2)},${(i % 9) / 9},${c ? 'yes' : 'no'}`;
  });
  return `x1,x2,x3,label\n${rows.join('\n')}\n`;
}

const NET = 'v=1&net=4-float-tanh&batch=8&lr=0.01&norm=zscore';

describe('bitplane run --data', () => {
  const good = join(dir, 'good.csv');
  writeFileSync(good, goodCsv());
  const out = join(dir, 'run.json');

  it('trains on a good file; the record carries its hash and a link naming it', () => {
    const r = bitplane([
      'run',
      NET,
      '--data',
      good,
      '--epochs',
      '1',
      '--replicas',
      '1',
      '--quiet',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(readFileSync(out, 'utf8')) as RunRecord;
    expect(record.status).toBe('complete');
    expect(record.dataset).toMatchObject({ name: 'custom', inputs: 3, classes: 2, train: 32, test: 8 });
    const file = record.config.data.file;
    expect(file).toMatchObject({ name: 'good.csv', rows: 40, columns: 3, classes: 2 });
    expect(file?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.link).toContain(`data=custom&file=good.csv&rows=40&cols=3&classes=2&sha=${file?.sha256}`);
    expect(record.link).toContain('norm=zscore');
  });

  it('exits 2 naming the file, row and column of a bad cell, writing nothing', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'x,y,label\n1,2,0\n3,4,1\n5,n/a,1\n');
    const badOut = join(dir, 'bad.json');
    const r = bitplane(['run', NET, '--data', bad, '--out', badOut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: row 4, column 2: "n/a" is not a number`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(badOut)).toBe(false);
    const missing = bitplane(['run', NET, '--data', join(dir, 'absent.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read the data file ${join(dir, 'absent.csv')}`);
  });

  it("refuses the record's link without its file, and with another file (both hashes named)", () => {
    const record = JSON.parse(readFileSync(out, 'utf8')) as RunRecord;
    const sha = record.config.data.file?.sha256 ?? '';
    const without = bitplane(['run', record.link, '--epochs', '1']);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain(
      `this run needs the data file good.csv (40 rows × 3 columns, 2 classes, SHA-256 ${sha}): pass it with --data good.csv`,
    );
    const other = join(dir, 'other.csv');
    writeFileSync(other, goodCsv(0.5));
    const wrong = bitplane(['run', record.link, '--data', other, '--epochs', '1']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      new RegExp(`${other} is not the data of this link: its SHA-256 is [0-9a-f]{64}`),
    );
    expect(wrong.stderr).toContain(`SHA-256 ${sha}`);
    expect(wrong.stderr).toContain('would not be a reproduction');
  });
});
