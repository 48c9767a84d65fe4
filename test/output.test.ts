import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputDir, checkOutputFile, OutputError, writeFileAtomic } from '../src/cli/output.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'bitplane-output-'));

describe('output paths are checked before computing', () => {
  it('refuses bad file paths with one line naming the path and the reason', async () => {
    const d = dir();
    writeFileSync(join(d, 'afile'), 'x');
    const cases: [string, RegExp][] = [
      ['', /empty path/],
      [join(d, 'missing', 'run.json'), /does not exist/],
      [d, /is a directory/],
      [join(d, 'afile', 'run.json'), /not a directory/],
      ['/proc/x', /pseudo-filesystem/],
      ['/sys/x.json', /pseudo-filesystem/],
    ];
    for (const [path, reason] of cases) {
      const err = await checkOutputFile(path).catch((e) => e);
      expect(err, path).toBeInstanceOf(OutputError);
      expect(err.message, path).toMatch(reason);
      expect(err.message.split('\n')).toHaveLength(1);
    }
    expect(readdirSync(d)).toEqual(['afile']); // the probes leave nothing behind
  });

  it('accepts a writable path and an existing file, and creates a missing output directory', async () => {
    const d = dir();
    await checkOutputFile(join(d, 'run.json'));
    writeFileSync(join(d, 'old.json'), '{}');
    await checkOutputFile(join(d, 'old.json'));
    await checkOutputDir(join(d, 'a', 'b'));
    expect(readdirSync(join(d, 'a'))).toEqual(['b']);
    const err = await checkOutputDir('/proc/x').catch((e) => e);
    expect(err.message).toMatch(/pseudo-filesystem/);
    const err2 = await checkOutputDir(join(d, 'old.json', 'x')).catch((e) => e);
    expect(err2).toBeInstanceOf(OutputError);
  });

  it('refuses when more space is needed than the filesystem has', async () => {
    const d = dir();
    const err = await checkOutputFile(join(d, 'run.json'), Number.MAX_SAFE_INTEGER).catch((e) => e);
    expect(err.message).toMatch(/free/);
  });
});

describe('writeFileAtomic', () => {
  it('writes through a unique temporary name and leaves only the final file', async () => {
    const d = dir();
    const path = join(d, 'run.json');
    await Promise.all([writeFileAtomic(path, 'first'), writeFileAtomic(path, 'second')]);
    expect(['first', 'second']).toContain(readFileSync(path, 'utf8'));
    expect(readdirSync(d)).toEqual(['run.json']);
  });

  it('keeps the old file and removes its temporary file when the write fails', async () => {
    const d = dir();
    const err = await writeFileAtomic(join(d, 'missing', 'run.json'), 'x').catch((e) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(readdirSync(d)).toEqual([]);
  });
});
