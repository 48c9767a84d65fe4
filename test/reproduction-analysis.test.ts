/**
 * The reproduction report's logic (src/info/phases.ts compressionTiming, src/study/reproduction-analysis.ts, report.ts):
 * when a layer compresses relative to fitting, the per-dataset verdicts (holding, partly, against the
 * claim, and without reliable layers), and the Markdown's honesty: unreliable layers, runs that stopped
 * early and experiments that did not run are named.
 */
import { describe, expect, it } from 'vitest';
import { compressionTiming, strictMajority } from '../src/info/phases.ts';
import { EXPERIMENTS, type Experiment, experimentById } from '../src/run/experiments.ts';
import type { RunRecord } from '../src/run/record.ts';
import { analyzeRecord, datasetVerdict } from '../src/study/reproduction-analysis.ts';
import { reproductionMarkdown } from '../src/study/reproduction-report.ts';
import { binaryHidden, floatHidden, syntheticRecord } from './figure-records.ts';

describe('compressionTiming', () => {
  it('BNN-like: I(X;T) falls while I(T;Y) is still rising', () => {
    const m = compressionTiming([6, 5, 4, 3.5, 3.4], [0.1, 0.4, 0.7, 0.95, 1]);
    expect(m.timing).toBe('while-fitting');
    expect(m.compression).toBeCloseTo(2.6, 12);
    expect(m.compressionWhileFitting).toBeCloseTo(2.5, 12); // up to the 90 % epoch (index 3)
  });

  it('DNN-like: expands while fitting, compresses afterwards', () => {
    const m = compressionTiming([2, 4, 6, 6.1, 5, 4, 3], [0.1, 0.5, 0.92, 0.95, 0.97, 0.99, 1]);
    expect(m.timing).toBe('after-fitting');
    expect(m.compression).toBeCloseTo(3.1, 12);
    expect(m.compressionWhileFitting).toBe(0); // the peak (index 3) is after the 90 % epoch (index 2)
  });

  it('no compression below max(0.05 bit, 5 % of the peak)', () => {
    expect(compressionTiming([2, 4, 6, 5.8], [0, 0.5, 1, 1]).timing).toBe('none'); // 0.2 < 0.3
    expect(compressionTiming([2, 4, 6, 5.6], [0, 0.5, 1, 1]).timing).toBe('after-fitting');
    expect(compressionTiming([0.1, 0.5, 0.46], [0, 1, 1]).timing).toBe('none'); // 0.04 < 0.05 bit
  });

  it('rejects mismatched trajectories', () => {
    expect(() => compressionTiming([1, 2], [1])).toThrow(/2 I\(X;T\) and 1 I\(T;Y\)/);
    expect(() => compressionTiming([], [])).toThrow();
  });

  it('strictMajority needs more than half', () => {
    expect(strictMajority(['a', 'b', 'a'])).toBe('a');
    expect(strictMajority(['a', 'b'])).toBeNull();
    expect(strictMajority([])).toBeNull();
  });
});

/** Sets every replica's trajectory of one layer (index into info.layers) and its ceiling flags. */
function setLayer(r: RunRecord, j: number, ixt: number[], ity: number[], near = false): RunRecord {
  for (let rep = 0; rep < r.info.ixt.length; rep++)
    for (let e = 0; e < r.epochs.length; e++) {
      r.info.ixt[rep][e][j] = ixt[e] + 0.01 * rep;
      r.info.ity[rep][e][j] = ity[e];
      r.info.near_ceiling[rep][e][j] = near;
    }
  return r;
}

const EPOCHS = [0, 1, 2, 4, 8, 16, 32];
const FIT = [0.05, 0.3, 0.6, 0.92, 0.97, 0.99, 1];
const WHILE = [6, 5, 4, 3.2, 3.1, 3.05, 3];
const AFTER = [2, 4, 6, 6.2, 5, 4, 3];
const FLAT = [5, 5, 5, 5, 5, 5, 5];

function record(kind: 'bnn' | 'dnn', paths: number[][], near: boolean[] = []): RunRecord {
  const hidden = kind === 'bnn' ? binaryHidden(paths.map(() => 4)) : floatHidden(paths.map(() => 4));
  const r = syntheticRecord({ replicas: 3, epochs: EPOCHS, hidden });
  paths.forEach((p, j) => {
    setLayer(r, j, p, FIT, near[j] ?? false);
  });
  return r;
}

const exp = (id: string): Experiment => experimentById(id) as Experiment;

describe('verdicts', () => {
  it('holds when BNN layers compress while fitting and tanh DNN layers after', () => {
    const a = [
      {
        experiment: exp('bits12-bnn-ste-sign'),
        analysis: analyzeRecord(record('bnn', [WHILE, WHILE, AFTER])),
      },
      { experiment: exp('bits12-dnn-tanh'), analysis: analyzeRecord(record('dnn', [AFTER, AFTER, WHILE])) },
    ];
    expect(a[0].analysis.layers.map((l) => l.timing)).toEqual([
      'while-fitting',
      'while-fitting',
      'after-fitting',
    ]);
    const v = datasetVerdict('bits12', a);
    expect(v.verdict).toBe('holds');
    expect(v.bnn).toMatchObject({ whileFitting: 2, counted: 3, layers: 3 });
    expect(v.dnn).toMatchObject({ afterFitting: 2, counted: 3, layers: 3 });
  });

  it('says so when the results go against the claim', () => {
    const bnnAgainst = [
      { experiment: exp('digits-bnn'), analysis: analyzeRecord(record('bnn', [AFTER, FLAT])) },
      { experiment: exp('digits-dnn-tanh'), analysis: analyzeRecord(record('dnn', [AFTER, AFTER])) },
    ];
    const v = datasetVerdict('digits', bnnAgainst);
    expect(v.verdict).toBe('partly');
    expect(v.text).toMatch(/BNN side disagrees/);
    const both = [
      { experiment: exp('digits-bnn'), analysis: analyzeRecord(record('bnn', [FLAT])) },
      { experiment: exp('digits-dnn-tanh'), analysis: analyzeRecord(record('dnn', [WHILE])) },
    ];
    expect(datasetVerdict('digits', both).verdict).toBe('does not hold');
  });

  it('leaves unreliable layers out, and cannot tell without reliable ones', () => {
    const a = [
      { experiment: exp('mnist-bnn'), analysis: analyzeRecord(record('bnn', [WHILE])) },
      {
        experiment: exp('mnist-dnn-tanh'),
        analysis: analyzeRecord(record('dnn', [AFTER, AFTER], [true, true])),
      },
    ];
    expect(a[1].analysis.layers.every((l) => l.excluded === 'near log2 N in 100 % of points')).toBe(true);
    const v = datasetVerdict('mnist', a);
    expect(v.verdict).toBe('cannot tell');
    expect(v.text).toMatch(/tanh DNN: no layer counted/);
  });

  it('leaves out layers that fit at epoch 0, and runs whose fitting the logged points miss', () => {
    const startFit = record('bnn', [WHILE]);
    for (const rep of startFit.info.ity) for (const e of rep) e[0] = 1; // I(T;Y) at its maximum from epoch 0
    const l = analyzeRecord(startFit).layers[0];
    expect(l.fitAtStartShare).toBe(1);
    expect(l.excluded).toMatch(/at epoch 0 in 3\/3 replicas: no fitting to locate/);

    const fast = record('dnn', [AFTER]);
    for (const rep of fast.metrics.train_acc)
      for (let e = 0; e < rep.length; e++) rep[e] = e ? 0.9 + 0.01 * e : 0.1;
    const a = analyzeRecord(fast);
    expect(a.unresolved?.epoch).toBe(1);
    expect(a.layers[0].excluded).toBe('fitting not resolved by the logged epochs');
  });

  it('compares the share measure and says when it points against the claim', () => {
    const bnnSlow = record('bnn', [[6, 6, 6, 6, 6, 5, 3]]); // compresses late: few joint steps
    const dnnJoint = record('dnn', [[2, 4, 6, 6.2, 5, 4, 3]]);
    const v = datasetVerdict('bits12', [
      { experiment: exp('bits12-bnn-ste-sign'), analysis: analyzeRecord(bnnSlow) },
      { experiment: exp('bits12-dnn-tanh'), analysis: analyzeRecord(dnnJoint) },
    ]);
    expect(v.shareText).toMatch(/BNNs \d+ %, tanh DNN \d+ %\. \*\*This measure points against the claim\*\*/);
  });

  it('the ReLU DNN is not part of the DNN side', () => {
    const a = [
      { experiment: exp('bits12-bnn-ste-sign'), analysis: analyzeRecord(record('bnn', [WHILE])) },
      { experiment: exp('bits12-dnn-relu'), analysis: analyzeRecord(record('dnn', [FLAT])) },
    ];
    expect(datasetVerdict('bits12', a).dnn.layers).toBe(0);
  });
});

describe('reproductionMarkdown', () => {
  it('shows figures, measures, verdicts, unreliable layers and what did not finish', () => {
    const tanh = record('dnn', [AFTER, AFTER], [true, false]);
    const bnn = record('bnn', [WHILE, WHILE]);
    bnn.status = 'interrupted';
    const md = reproductionMarkdown({
      quick: false,
      parts: [{ command: 'npx bitplane reproduce', wall_s: 90, experiments: ['bits12-dnn-tanh'] }],
      entries: [
        { experiment: exp('bits12-dnn-tanh'), record: tanh, figure: 'reproduction/bits12-dnn-tanh.png' },
        { experiment: exp('bits12-bnn-ste-sign'), record: bnn },
        { experiment: exp('digits-bnn'), record: null, error: 'exit code 1: no adapter' },
      ],
    });
    expect(md).toMatch(/^# Reproduction\n/);
    expect(md).toContain('![12-bit task, DNN, tanh](reproduction/bits12-dnn-tanh.png)');
    expect(md).toMatch(/\| The 12-bit task \(IDNNs\) \| \*\*holds\*\* \|/); // the DNN by its one reliable layer
    expect(md).toContain(
      'Unreliable estimates (near log2 N for most of the run; not counted): bits12-dnn-tanh hidden 1.',
    );
    expect(md).toContain('bits12-bnn-ste-sign stopped early (interrupted)');
    expect(md).toContain('digits-bnn did not run (exit code 1: no adapter)');
    expect(md).toContain('**Not run**: exit code 1: no adapter.');
    expect(md).toMatch(
      /\| hidden 2 \| 4 \| float, tanh \| 4 \| 4 \| .* \| after fitting \(3\/3\) \| counted \|/,
    );
    expect(md).toContain('- Wall time: 90 s; 2 of 3 experiments ran, 1 of them to the end of their protocol');
    expect(md).not.toMatch(/NaN|undefined/);
  });

  it('opens with the pre-registered statistic and its robustness table, and flags records of an older protocol', () => {
    const six = (kind: 'bnn' | 'dnn', path: number[]) => {
      const hidden = kind === 'bnn' ? binaryHidden([4, 4]) : floatHidden([4, 4]);
      const r = syntheticRecord({ replicas: 6, epochs: EPOCHS, hidden });
      setLayer(r, 0, path, FIT);
      return setLayer(r, 1, path, FIT);
    };
    const md = reproductionMarkdown({
      quick: false,
      parts: [{ command: 'npx bitplane reproduce', wall_s: 60, experiments: ['bits12-dnn-tanh'] }],
      entries: [
        {
          experiment: exp('bits12-dnn-tanh'),
          record: six('dnn', AFTER),
          recordPath: 'reproduction/dnn.json',
        },
        {
          experiment: exp('bits12-bnn-ste-sign'),
          record: six('bnn', WHILE),
          recordPath: 'reproduction/bnn.json',
        },
      ],
    });
    const at = (s: string) => md.indexOf(s);
    expect(at('## The pre-registered statistic')).toBeGreaterThan(0);
    expect(at('## The pre-registered statistic')).toBeLessThan(at('### Verdicts'));
    expect(at('### Verdicts')).toBeLessThan(at('### Robustness table'));
    expect(at('### Robustness table')).toBeLessThan(at('## How to read it'));
    expect(at('## How to read it')).toBeLessThan(at('### 12-bit task, DNN, tanh'));
    expect(md).toMatch(
      /- bits12, BNN ste_sign 4-4 vs DNN tanh 4-4: supports the claim: S_BNN − S_DNN = \+0\.\d\d, 95 % CI \[\+0\.\d\d, \+\d\.\d\d\], permutation p = [\d.e-]+ \(exact\), 6 vs 6 replicas\./,
    );
    expect(md).toMatch(/\| primary \(θ 0\.9, .*\| \+0\.\d\d \[.*\] supports the claim \|/);
    expect(md).toContain('> **Older records.** 2 of 2 records');
    expect(md).toContain(
      'bits12-bnn-ste-sign (6 replicas, not 20, no extra estimators, no batch-norm calibration)',
    );
    expect(md).not.toMatch(/NaN|undefined/);
  });

  it('marks a quick run as no evidence', () => {
    const md = reproductionMarkdown({
      quick: true,
      parts: [{ command: 'npx bitplane reproduce --quick', wall_s: 5, experiments: [] }],
      entries: [{ experiment: EXPERIMENTS[0], record: null }],
    });
    expect(md).toMatch(/^# Reproduction \(quick smoke run\)/);
    expect(md).toContain('**not evidence**');
  });
});
