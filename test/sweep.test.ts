/**
 * Sweep specs, manifests and report rows, without a GPU: expansion order and counts, canonical links and
 * stable ids (SHA-256 checked against node:crypto), seeded samples, validation that names the axis and
 * the value, manifest parsing and chunk addressing, and the report's table and study summary.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/run-config.ts';
import { EXPERIMENTS, experimentConfig } from '../src/run/experiments.ts';
import { parseLink, serializeLink } from '../src/run/link.ts';
import { chunkCount, chunkLines, ManifestError, parseManifest } from '../src/sweep/manifest.ts';
import { mergeProblem, mergeSeeds } from '../src/sweep/merge.ts';
import { outcomesInOrder, sweepRow, toCsv, toJsonLines } from '../src/sweep/report.ts';
import { sha256Hex } from '../src/sweep/sha256.ts';
import { expandSpec, manifestText, SpecError, sweepId } from '../src/sweep/spec.ts';
import { studyReport, withoutSeed } from '../src/sweep/study.ts';
import { binaryHidden, syntheticRecord } from './figure-records.ts';

const BASE = 'v=1&data=xor&samples=200&batch=32&replicas=1&epochs=2';

function problemsOf(spec: unknown): string[] {
  try {
    expandSpec(spec);
  } catch (e) {
    if (e instanceof SpecError) return e.problems;
    throw e;
  }
  throw new Error('expected a SpecError');
}

describe('sha256Hex', () => {
  it('matches node:crypto across block boundaries and non-ASCII text', () => {
    for (const s of [
      '',
      'abc',
      'a'.repeat(55),
      'a'.repeat(56),
      'a'.repeat(64),
      'ü€ v=1&net=8',
      'x'.repeat(1000),
    ])
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
  });
});

describe('expandSpec', () => {
  it('crosses the grid (first axis slowest) with seeds innermost, canonical links and their ids', () => {
    const { entries, duplicates } = expandSpec({
      base: BASE,
      grid: { net: ['8-bin-bn-ste_sign', '8-float-tanh'], lr: [0.01, 0.001] },
      seeds: 2,
    });
    expect(duplicates).toBe(0);
    expect(entries.length).toBe(8);
    const configs = entries.map((e) => parseLink(e.link).config);
    expect(configs.map((c) => [c.network.hidden[0].weights, c.optimizer.lr, c.seed])).toEqual([
      ['binary', 0.01, 1],
      ['binary', 0.01, 2],
      ['binary', 0.001, 1],
      ['binary', 0.001, 2],
      ['float', 0.01, 1],
      ['float', 0.01, 2],
      ['float', 0.001, 1],
      ['float', 0.001, 2],
    ]);
    for (const e of entries) {
      expect(e.link).toBe(serializeLink(parseLink(e.link).config)); // canonical
      expect(e.id).toBe(createHash('sha256').update(e.link).digest('hex').slice(0, 16));
    }
    expect(entries[0].link).toBe(
      'v=1&replicas=1&data=xor&samples=200&net=8-bin-bn-ste_sign&lr=0.01&batch=32&epochs=2',
    );
  });

  it('gives equal configurations equal links whatever the spelling, and lists a repeat once', () => {
    const a = expandSpec({ base: 'epochs=2&data=xor', grid: { lr: [0.01] } }).entries;
    const b = expandSpec({
      base: 'https://x.org/#v=1&data=xor&lr=0.5&epochs=2.0',
      lists: { lr: ['1e-2'] },
    }).entries;
    expect(b).toEqual(a);
    // The same run reached by two blocks (0.01 spelled two ways) is listed once, at its first place.
    const dup = expandSpec({
      base: 'v=1&data=xor',
      blocks: [{ grid: { lr: [0.01, 0.1] } }, { lists: { lr: ['1e-2', 0.001] } }],
    });
    expect(dup.entries.map((e) => parseLink(e.link).config.optimizer.lr)).toEqual([0.01, 0.1, 0.001]);
    expect(dup.duplicates).toBe(1);
  });

  it('is byte-for-byte the same file for the same spec; lists vary together; blocks concatenate', () => {
    const spec = {
      base: BASE,
      seeds: [3, 5],
      blocks: [
        { lists: { net: ['8-bin-bn-ste_sign', '8-float-tanh'], lr: [0.01, 0.001] } },
        { base: 'data=circle', grid: { samples: [100, 300] }, seeds: 1 },
      ],
    };
    const text = manifestText(expandSpec(spec).entries);
    expect(manifestText(expandSpec(JSON.parse(JSON.stringify(spec))).entries)).toBe(text);
    const configs = text
      .trim()
      .split('\n')
      .map((l) => parseLink(JSON.parse(l).link).config);
    expect(
      configs.map((c) => [c.data.name, c.network.hidden[0].weights, c.optimizer.lr, c.data.samples, c.seed]),
    ).toEqual([
      ['xor', 'binary', 0.01, 200, 3],
      ['xor', 'binary', 0.01, 200, 5],
      ['xor', 'float', 0.001, 200, 3],
      ['xor', 'float', 0.001, 200, 5],
      ['circle', 'binary', 4e-4, 100, 1],
      ['circle', 'binary', 4e-4, 300, 1],
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('samples a grid by its seed: the same subset for the same seed, in grid order', () => {
    const spec = (seed: number) => ({
      base: BASE,
      grid: { lr: [0.1, 0.01, 0.001, 0.0001], samples: [100, 200, 300, 400, 500] },
      sample: { count: 6, seed },
    });
    const a = expandSpec(spec(7)).entries;
    expect(a.length).toBe(6);
    expect(expandSpec(spec(7)).entries).toEqual(a);
    expect(expandSpec(spec(8)).entries).not.toEqual(a);
    const full = expandSpec({ ...spec(7), sample: undefined }).entries.map((e) => e.id);
    const at = a.map((e) => full.indexOf(e.id));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(expandSpec({ ...spec(1), sample: { count: 100, seed: 1 } }).entries.length).toBe(20);
  });

  it('rejects bad axes and values before expanding anything, naming the axis and the value', () => {
    expect(problemsOf({ base: BASE, grid: { lr: [0.01, -1] } })).toEqual([
      expect.stringMatching(/^spec axis "lr" value -1: /),
    ]);
    expect(problemsOf({ base: BASE, grid: { net: ['8-bin-bn-nope'] } })[0]).toMatch(
      /axis "net" value "8-bin-bn-nope": /,
    );
    expect(problemsOf({ base: BASE, grid: { netz: [1] } })[0]).toMatch(/grid axis "netz": not a link key/);
    expect(problemsOf({ base: BASE, grid: { seed: [1, 2] } })[0]).toMatch(/use "seeds"/);
    expect(problemsOf({ base: BASE, grid: { lr: [] } })[0]).toMatch(/axis "lr": must be a non-empty list/);
    expect(problemsOf({ base: BASE, grid: { lr: [0.1, 0.1] } })[0]).toMatch(/listed twice/);
    expect(problemsOf({ base: BASE, lists: { lr: [0.1, 0.2], batch: [8] } })[0]).toMatch(/equal lengths/);
    expect(problemsOf({ base: BASE, seeds: 0 })[0]).toMatch(/"seeds"/);
    expect(problemsOf({ base: BASE, sample: { count: 0, seed: 1 } })[0]).toMatch(/"sample"/);
    expect(problemsOf({ base: 'v=1&lr=-3' })[0]).toMatch(/"base" "v=1&lr=-3": lr: /);
    expect(problemsOf({ base: BASE, grdi: {} })[0]).toMatch(/unknown key "grdi"/);
    expect(problemsOf([])[0]).toMatch(/must be a JSON object/);
    expect(problemsOf({ base: BASE, grid: { samples: [10, 20] }, seeds: 2_000_000 })[0]).toMatch(
      /"seeds": a count/,
    );
    // A cross-field rule of the run schema, reached only by one combination, names that value.
    expect(
      problemsOf({ base: BASE, blocks: [{ grid: { epochs: [2] } }, { grid: { data: ['bits13'] } }] })[0],
    ).toMatch(/^block 2 axis "data" value "bits13": must be one of/);
  });
});

describe('manifests', () => {
  const entries = expandSpec({ base: BASE, seeds: 5 }).entries;
  const text = manifestText(entries);

  it('reads back what expand wrote, and addresses it in chunks', () => {
    expect(parseManifest(text, 'm.jsonl')).toEqual(entries);
    expect(chunkCount(5, 2)).toBe(3);
    expect(chunkLines(5, 0, 2, 'm')).toEqual([0, 1]);
    expect(chunkLines(5, 2, 2, 'm')).toEqual([4]);
    expect(() => chunkLines(5, 3, 2, 'm.jsonl')).toThrow(
      /index 3 is past the end of m\.jsonl: 5 lines in chunks of 2 give indices 0…2/,
    );
  });

  it('names the file and line of a missing, corrupt or edited line', () => {
    const lines = text.trim().split('\n');
    const bad = (ls: string[]) => () => parseManifest(`${ls.join('\n')}\n`, 'm.jsonl');
    expect(bad([lines[0], '', lines[2]])).toThrow(/m\.jsonl line 2 is missing/);
    expect(bad([lines[0], '{"id": "x"'])).toThrow(/m\.jsonl line 2 is not JSON/);
    expect(bad([lines[0], '{"link": "v=1"}'])).toThrow(/line 2 is not \{"id"/);
    expect(bad([lines[0], lines[1].replace('seed=2', 'seed=9')])).toThrow(
      /line 2: id \w+ is not the id of its link/,
    );
    expect(bad([lines[0], lines[0]])).toThrow(/line 2 repeats line 1/);
    expect(() => parseManifest('\n\n', 'm.jsonl')).toThrow(ManifestError);
  });
});

describe('report rows', () => {
  it('one row per run, link fields and per-layer measures as columns, missing runs listed', () => {
    const record = syntheticRecord({ replicas: 2, epochs: [0, 1, 2, 4, 8], hidden: binaryHidden([8, 4]) });
    const manifest = expandSpec({ base: record.link, seeds: 3 }).entries;
    const found = [
      { id: manifest[0].id, link: record.link, record },
      { id: manifest[1].id, status: 'unreadable' as const, reason: 'x.json: not JSON' },
      { id: 'ffffffffffffffff', link: record.link, record: { ...record, status: 'diverged' as const } },
    ];
    const rows = outcomesInOrder(found, manifest).map(sweepRow);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [manifest[0].id, 'complete'],
      [manifest[1].id, 'unreadable'],
      [manifest[2].id, 'missing'],
      ['ffffffffffffffff', 'diverged'],
    ]);
    expect(rows[1].link).toBe(manifest[1].link);
    const r = rows[0];
    expect(r.data).toBe(record.config.data.name);
    expect(r.lr).toBe(record.config.optimizer.lr);
    expect(r.net).toBe(serializeLink(record.config).match(/net=([^&]*)/)?.[1] ?? null);
    expect(r.test_acc).toBeCloseTo(
      record.metrics.test_acc.reduce((a, rep) => a + rep[rep.length - 1], 0) / record.metrics.test_acc.length,
    );
    for (const key of [
      'h1_ixt_peak_epoch',
      'h1_joint_share',
      'h1_timing',
      'h1_near_ceiling_share',
      'h1_width',
    ])
      expect(r).toHaveProperty(key);
    const csv = toCsv(rows).split('\r\n');
    expect(csv.length).toBe(rows.length + 2); // header, rows, final empty
    const header = csv[0].split(',');
    expect(header.slice(0, 4)).toEqual(['id', 'status', 'reason', 'link']);
    expect(csv[3].split(',')[header.indexOf('status')]).toBe('missing');
    expect(
      toJsonLines(rows)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(rows.map((x) => x.id));

    const study = studyReport(rows);
    expect(study.runs).toBe(4);
    expect(study.complete).toBe(1);
    const group = study.groups.find((g) => g.link === withoutSeed(manifest[0].link));
    expect(group).toMatchObject({ runs: 4, complete: 1, failed: 1, missing: 2, seeds: [1, 2, 3, 1] });
  });
});

describe('mergeSeeds', () => {
  const withSeed = (seed: number, replicas: number, epochs = [0, 1, 2, 4]) => {
    const r = syntheticRecord({ replicas, epochs, hidden: binaryHidden([8, 4]) });
    r.config = { ...r.config, seed };
    r.link = serializeLink(r.config);
    return r;
  };

  it('draws runs that differ only by seed as one record, every seed a replica, in order', () => {
    const a = withSeed(1, 2);
    const b = withSeed(2, 2);
    const m = mergeSeeds([a, b]);
    expect(m.config.replicas).toBe(4);
    expect(m.link).toBe(withoutSeed(a.link));
    expect(m.metrics.test_acc).toEqual([...a.metrics.test_acc, ...b.metrics.test_acc]);
    expect(m.info.ixt).toEqual([...a.info.ixt, ...b.info.ixt]);
    expect(m.info.near_ceiling.length).toBe(4);
    expect(m.message).toMatch(/2 seeds \(1, 2\), drawn as 4 replicas/);
  });

  it('refuses records that differ by more than the seed, or logged other epochs', () => {
    const short = withSeed(2, 1);
    short.epochs = [0, 1, 2]; // e.g. an interrupted run of the same link
    expect(mergeProblem([withSeed(1, 1), short])).toMatch(/other epochs/);
    const other = withSeed(2, 1);
    other.config = { ...other.config, epochs: 9 };
    other.link = serializeLink(other.config);
    expect(mergeProblem([withSeed(1, 1), other])).toMatch(/by more than the seed/);
    expect(() => mergeSeeds([])).toThrow(/no records/);
  });
});

describe('reproduce as a sweep', () => {
  it('gives every paper experiment, full and quick, its own id: its manifest never repeats a line', () => {
    for (const quick of [false, true]) {
      const entries = EXPERIMENTS.map((e) => {
        const link = serializeLink(parseConfig(experimentConfig(e, quick)));
        return { id: sweepId(link), link };
      });
      expect(parseManifest(manifestText(entries), 'experiments.jsonl')).toEqual(entries);
    }
  });
});

describe('the study preset', () => {
  it('sweeps/study.json expands and validates: BNNs and DNNs, 3 datasets, ≥ 10 seeds, hundreds of runs', () => {
    const { entries } = expandSpec(JSON.parse(readFileSync('sweeps/study.json', 'utf8')));
    expect(entries.length).toBeGreaterThanOrEqual(300);
    const configs = entries.map((e) => parseLink(e.link).config);
    expect(new Set(configs.map((c) => c.data.name)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(configs.map((c) => c.seed)).size).toBeGreaterThanOrEqual(10);
    const kinds = new Set(configs.map((c) => c.network.hidden[0].weights));
    expect(kinds).toEqual(new Set(['binary', 'float']));
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  });
});
