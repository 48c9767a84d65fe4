/**
 * The reproduction run without an argv (src/cli/reproduce.ts): `--report-only` needs the manifest of an
 * earlier run and rewrites the report from the records it names, listing the ones that are missing.
 * No training and no figures here; test/cli.test.ts runs the command end to end.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Manifest, reproduce } from '../src/cli/reproduce.ts';

const dir = mkdtempSync(join(tmpdir(), 'bitplane-reproduce-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (out: string) => ({
  quick: true,
  out,
  jobs: 1,
  reportOnly: true,
  figures: false,
  command: 'test',
});

describe('reproduce (report only)', () => {
  it('refuses without the manifest of an earlier run, naming it', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await reproduce(options(join(dir, 'empty')))).toBe(2);
      expect(errors.mock.calls.flat().join('\n')).toMatch(
        /--report-only needs .*empty\/reproduction\/run\.json/,
      );
    } finally {
      errors.mockRestore();
    }
  });

  it('rewrites the report from the manifest, listing an experiment without a record as not run', async () => {
    const out = join(dir, 'one');
    mkdirSync(join(out, 'reproduction'), { recursive: true });
    const manifest: Manifest = {
      quick: true,
      parts: [
        {
          command: 'npx bitplane reproduce --quick',
          wall_s: 12,
          started: '',
          experiments: ['bits12-dnn-tanh'],
        },
      ],
      notes: ['trained elsewhere'],
    };
    writeFileSync(join(out, 'reproduction', 'run.json'), JSON.stringify(manifest));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await reproduce(options(out))).toBe(1);
    } finally {
      errors.mockRestore();
    }
    const md = readFileSync(join(out, 'REPRODUCTION.md'), 'utf8');
    expect(md).toContain('bits12-dnn-tanh did not run');
    expect(md).toContain('trained elsewhere');
    expect(md).toContain('npx bitplane reproduce --quick');
  });
});
