/**
 * `bitplane study` over records: generated records with a known outcome (BNNs compress while fitting, DNNs
 * after), pooling of records of one configuration, records that stopped early, exit code 2 with the file
 * and the field named for unreadable input, and the committed digits records as a user runs the command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StudyReport } from '../src/study/report.ts';
import { Rng } from '../src/util/rng.ts';
import { study } from './study-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'bitplane-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A bitplane.run/1 record of a 2-layer network (8-4) on dataset "toy": I(X;T) rises to 6 bits by epoch 3,
 * then falls by 3 bits between epochs 4 and 7 (layer 1) and stays flat at the ceiling (layer 2 of the DNN,
 * uninformative). Training accuracy reaches 90 % of its gain at `fitIndex`.
 */
function record(opts: {
  kind: 'BNN' | 'DNN';
  seed: number;
  replicas: number;
  fitIndex: number;
  status?: string;
}): object {
  const E = 12;
  const epochs = Array.from({ length: E }, (_, i) => i * 10);
  const rng = new Rng(opts.seed).derive('noise');
  const bnn = opts.kind === 'BNN';
  const layer = (index: number, width: number) => ({
    index,
    name: `hidden ${index + 1}`,
    width,
    binary: bnn,
    binary_output: bnn,
    batch_norm: bnn,
    activation: bnn ? 'ste_sign' : 'tanh',
    xnor: bnn,
  });
  const ixt = Array.from({ length: opts.replicas }, () => {
    const drop = 3 + rng.range(-0.5, 0.5);
    const l1 = [
      1,
      2,
      4,
      6,
      6,
      6 - drop / 3,
      6 - (2 * drop) / 3,
      6 - drop,
      6 - drop,
      6 - drop,
      6 - drop,
      6 - drop,
    ];
    const l2 = bnn ? l1.map((x) => x - 1) : l1.map(() => 8);
    return epochs.map((_, e) => [l1[e], l2[e]]);
  });
  const acc = Array.from({ length: opts.replicas }, () =>
    epochs.map((_, e) => (e >= opts.fitIndex ? 0.95 : 0.5 + (0.4 * e) / opts.fitIndex)),
  );
  return {
    schema: 'bitplane.run/1',
    status: opts.status ?? 'complete',
    ...(opts.status ? { message: 'stopped after epoch 110 of 200' } : {}),
    config: {
      seed: opts.seed,
      replicas: opts.replicas,
      data: { name: 'toy' },
      network: { hidden: [{ width: 8 }, { width: 4 }], init: 'idnn' },
      optimizer: { name: 'adam', lr: 0.01 },
      epochs: 110,
      estimator: { discretization: 'fixed', bins: 30, lo: -1, hi: 1 },
      log: { schedule: 'every' },
    },
    link: 'v=1',
    layers: [layer(0, 8), layer(1, 4), { index: 2, name: 'output', width: 2, activation: null }],
    epochs,
    metrics: {
      train_loss: acc.map((a) => a.map((x) => 1 - x)),
      test_loss: acc.map((a) => a.map((x) => 1 - x)),
      train_acc: acc,
      test_acc: acc,
      flip_ratio: acc.map((a) => a.map(() => [null, null])),
    },
    info: {
      settings: { discretization: 'fixed', bins: 30, lo: -1, hi: 1, millerMadow: false, kde: false },
      set: 'full',
      n: 256,
      layers: [0, 1],
      ceilings: { ixt: 8, ity: 1 },
      ixt,
      ity: ixt.map((r) => r.map((e) => e.map(() => 0.5))),
      near_ceiling: ixt.map((r) => r.map((e) => e.map((x) => x > 7.9))),
      occupied: ixt.map((r) => r.map((e) => e.map(() => 1))),
    },
  };
}

const write = (path: string, value: unknown) => {
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

// BNN: fitting ends at index 8, after all of its compression (S = 1); DNN: at index 3, before it (S = 0).
const records = join(dir, 'records');
mkdirSync(records);
write(join(records, 'bnn-a.json'), record({ kind: 'BNN', seed: 1, replicas: 3, fitIndex: 8 }));
write(join(records, 'bnn-b.json'), record({ kind: 'BNN', seed: 2, replicas: 3, fitIndex: 8 }));
write(join(records, 'dnn.json'), record({ kind: 'DNN', seed: 3, replicas: 6, fitIndex: 3 }));
write(join(records, 'run.json'), { quick: false, parts: [] });

describe('bitplane study', () => {
  it('pools records of one configuration, compares BNN with DNN and says the verdict', async () => {
    const r = await study([records]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'toy, BNN ste_sign 8-4 vs DNN tanh 8-4: supports the claim: S_BNN − S_DNN = +1.00, 95 % CI [+1.00, +1.00], permutation p = 0.0022 (exact), 6 vs 6 replicas.',
    );
    expect(r.stdout).toContain(
      '| toy | DNN tanh 8-4 | 6/6 | 0.00 [0.00, 0.00] (n = 6) | 0.00 [0.00, 0.00] n=6 | n=0 | 6 / 0 |',
    );
    expect(r.stdout).toContain('## Robustness table');
    expect(r.stdout).not.toContain('run.json');
  });

  it('writes JSON to --out, lists records that stopped early and leaves them out unless asked', async () => {
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    write(join(mixed, 'bnn.json'), record({ kind: 'BNN', seed: 1, replicas: 6, fitIndex: 8 }));
    write(join(mixed, 'dnn.json'), record({ kind: 'DNN', seed: 3, replicas: 6, fitIndex: 3 }));
    write(
      join(mixed, 'dnn-cut.json'),
      record({ kind: 'DNN', seed: 4, replicas: 2, fitIndex: 3, status: 'interrupted' }),
    );
    const out = join(dir, 'study.json');
    const r = await study([mixed, '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as StudyReport;
    expect(report.schema).toBe('bitplane.study/1');
    expect(report.incomplete).toEqual([
      `${join(mixed, 'dnn-cut.json')}: interrupted (stopped after epoch 110 of 200), excluded`,
    ]);
    const dnn = report.primary.experiments.find((x) => x.kind === 'DNN')!;
    expect(dnn.replicas).toHaveLength(6);
    expect(report.primary.comparisons[0]).toMatchObject({
      verdict: 'supports the claim',
      diff: 1,
      nBnn: 6,
      nDnn: 6,
    });
    expect(report.flips[0].flipsUnder).toEqual(
      expect.arrayContaining(['fitting by I(T;Y) (90 % of the layer’s maximum)']),
    );
    const all = await study([mixed, '--json', '--include-incomplete']);
    const pooled = (JSON.parse(all.stdout) as StudyReport).primary.experiments.find((x) => x.kind === 'DNN')!;
    expect(pooled.replicas).toHaveLength(8);
  });

  it('cuts a replica whose numbers stop (a diverged replica) at its last finite epoch', async () => {
    const rec = record({ kind: 'BNN', seed: 5, replicas: 2, fitIndex: 8 }) as {
      metrics: { train_acc: (number | null)[][] };
    };
    rec.metrics.train_acc[1][9] = null;
    const path = write(join(dir, 'diverged.json'), rec);
    const r = await study([path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as StudyReport;
    expect(report.cut).toEqual([`${path}: replica 1 has numbers only up to epoch 80`]);
    expect(report.primary.experiments[0].replicas.map((x) => x.lastEpoch)).toEqual([110, 80]);
  });

  it('reads several named estimates (info.estimates, info.kde) and sweeps them; binary layers keep their exact codes', async () => {
    const est = join(dir, 'estimators');
    mkdirSync(est);
    const bnn = record({ kind: 'BNN', seed: 1, replicas: 6, fitIndex: 8 }) as {
      info: Record<string, unknown>;
    };
    const nulls = (bnn.info.ixt as number[][][]).map((r) => r.map((e) => e.map(() => null)));
    bnn.info.kde = { n: 256, variance: 0.1, ixt: nulls, ity: nulls };
    const dnn = record({ kind: 'DNN', seed: 3, replicas: 6, fitIndex: 3 }) as {
      info: Record<string, unknown>;
    };
    // Under this estimator the DNN's layer 1 compresses in its first steps, before e_fit: S_DNN = 1.
    const early = [8, 7, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5];
    const ixt = (dnn.info.ixt as number[][][]).map((r) => r.map((e, i) => [early[i], e[1]]));
    dnn.info.estimates = { 'adaptive 30': { ixt, ity: dnn.info.ity } };
    write(join(est, 'bnn.json'), bnn);
    write(join(est, 'dnn.json'), dnn);
    const r = await study([est, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as StudyReport;
    const row = (name: string) => report.robustness.find((x) => x.name === name)!.comparisons[0];
    expect(row('estimator adaptive 30')).toMatchObject({ diff: 0, verdict: 'undecided' });
    expect(row('estimator kde σ²=0.1')).toMatchObject({ verdict: 'undecidable', notRecorded: true });
    expect(report.flips[0]).toMatchObject({
      primary: 'supports the claim',
      notRecordedUnder: ['estimator kde σ²=0.1'],
    });
    expect(report.flips[0].flipsUnder).toContain('estimator adaptive 30');
  });

  it('calls a side with fewer than 5 fitted replicas undecidable', async () => {
    const r = await study([join(records, 'bnn-a.json'), join(records, 'dnn.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('undecidable (BNN ste_sign 8-4 has 3 fitted replicas (fewer than 5))');
  });

  it('exits 2 naming the file and the field for unreadable records, before writing anything', async () => {
    const bad = write(join(dir, 'bad.json'), '{"schema": "bitplane.run/1", ');
    const noIxt = record({ kind: 'BNN', seed: 1, replicas: 2, fitIndex: 8 }) as {
      info: Record<string, unknown>;
    };
    delete noIxt.info.ixt;
    const missing = write(join(dir, 'missing.json'), noIxt);
    const cases: [string[], string][] = [
      [[bad], `${bad} is not valid JSON`],
      [[missing], `${missing}: missing field info.ixt`],
      [[join(dir, 'nothing-here.json')], 'no such file or directory'],
      [[join(records, 'run.json')], 'schema must be "bitplane.run/1"'],
      [[records, '--out', join(dir, 'no-such-dir', 'report.txt')], 'the directory does not exist'],
      [[], 'name at least one record or directory'],
      [[records, '--seed', 'x'], '--seed must be a whole number'],
    ];
    for (const [args, message] of cases) {
      const r = await study(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });

  it('runs as `bitplane study` on the committed digits records', () => {
    const r = spawnSync(
      process.execPath,
      [
        'bin/bitplane.mjs',
        'study',
        'docs/reproduction/digits-bnn.json',
        'docs/reproduction/digits-dnn-tanh.json',
      ],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /digits, BNN ste_sign 12-10-8-6 vs DNN tanh 12-10-8-6: supports the claim: S_BNN − S_DNN = \+0\.68, 95 % CI \[\+0\.5\d, \+0\.7\d\]/,
    );
  }, 300_000);
});
