/**
 * The app's pure view functions (src/view/, src/run/presets.ts): information-plane and curve data shaped
 * from records, CSV/JSON exports, routes, presets and dataset previews. Synthetic records, no GPU.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../src/config/run-config.ts';
import { bits12Dataset } from '../src/data/bits12.ts';
import { toyDataset } from '../src/data/toys.ts';
import { serializeLink } from '../src/run/link.ts';
import { applyPreset, comparisonConfigs, presetOf } from '../src/run/presets.ts';
import type { RunRecord } from '../src/run/record.ts';
import { Rng } from '../src/util/rng.ts';
import { viridis, viridisRgb, withAlpha } from '../src/view/colors.ts';
import { alignedColumns, curveData, lastValue, logFit } from '../src/view/curves.ts';
import {
  exportableRecord,
  exportName,
  lastEpoch,
  recordCsv,
  recordJson,
  stampedName,
} from '../src/view/export.ts';
import { formatDuration, formatMetric } from '../src/view/format.ts';
import { epochFraction, niceTop, planeData, sharedRanges } from '../src/view/plane.ts';
import { previewImage } from '../src/view/preview.ts';
import { parseRoute, routeFragment } from '../src/view/route.ts';

/** A record with R replicas, the given logged epochs and L layers, values from f(r, i, l). */
function synthetic(
  R: number,
  epochs: number[],
  L: number,
  f: (r: number, i: number, l: number) => number,
): RunRecord {
  const config = parseConfig({ replicas: R, epochs: epochs[epochs.length - 1] ?? 0 });
  const per = <T>(g: (r: number, i: number) => T) =>
    Array.from({ length: R }, (_, r) => epochs.map((_, i) => g(r, i)));
  return {
    schema: 'bitplane.run/1',
    status: 'complete',
    config,
    link: serializeLink(config),
    adapter: {
      name: 'test',
      vendor: '',
      architecture: '',
      device: '',
      description: '',
      software: true,
      runtime: 'node',
      features: [],
    },
    dataset: {
      name: 'bits12',
      source: '',
      inputs: 12,
      classes: 2,
      train: 3277,
      test: 819,
      biased_split: false,
    },
    layers: Array.from({ length: L }, (_, l) => ({
      index: l,
      name: l === L - 1 ? 'output' : `hidden ${l + 1}`,
      width: 10 - l,
      binary: l < L - 1,
      binary_output: l < L - 1,
      batch_norm: true,
      activation: 'ste_sign',
      xnor: false,
    })),
    epochs,
    metrics: {
      train_loss: per((r, i) => 1 / (i + 1) + r * 0.01),
      test_loss: per((r, i) => 1.1 / (i + 1) + r * 0.01),
      train_acc: per((_, i) => 0.5 + i * 0.01),
      test_acc: per((_, i) => 0.5 + i * 0.009),
      flip_ratio: per((_, i) => Array.from({ length: L }, (_, l) => (i === 0 || l === L - 1 ? null : 0.1))),
    },
    info: {
      settings: {},
      set: 'full',
      n: 4096,
      layers: Array.from({ length: L }, (_, l) => l),
      ceilings: { ixt: 12, ity: 0.99916 },
      ixt: per((r, i) => Array.from({ length: L }, (_, l) => f(r, i, l))),
      ity: per((r, i) => Array.from({ length: L }, (_, l) => f(r, i, l) / 12)),
      near_ceiling: per((r, i) => Array.from({ length: L }, (_, l) => f(r, i, l) > 11.5)),
      occupied: per(() => Array.from({ length: L }, (_, l) => 100 + l)),
    },
    timing: { started: '2026-01-01T00:00:00Z', total_s: 1, epoch_ms_median: 1 },
  };
}

describe('information plane data', () => {
  it('averages replicas per layer and epoch, with their standard deviation', () => {
    const rec = synthetic(2, [0, 1, 2], 3, (r, i, l) => 2 + l + i + r);
    const p = planeData(rec);
    expect(p.layers.length).toBe(3);
    expect(p.count).toBe(3);
    expect(p.maxEpoch).toBe(2);
    const h2 = p.layers[1];
    expect(h2.name).toBe('hidden 2');
    expect(h2.points.map((q) => q.epoch)).toEqual([0, 1, 2]);
    expect(h2.points[1].x).toBeCloseTo(2 + 1 + 1 + 0.5, 12);
    expect(h2.points[1].sx).toBeCloseTo(Math.SQRT1_2, 12); // sample s.d. of {a, a+1}
    expect(h2.points[1].y).toBeCloseTo(4.5 / 12, 12);
    expect(h2.replicas[1].map((q) => q.x)).toEqual([4, 5, 6]);
    expect(p.ceilings).toEqual({ ixt: 12, ity: 0.99916 });
    expect(p.xRange[0]).toBe(0);
    expect(p.xRange[1]).toBeGreaterThanOrEqual(12);
    expect(p.yRange[1]).toBeGreaterThanOrEqual(0.99916);
  });

  it('marks points near the ceiling as unreliable', () => {
    const rec = synthetic(1, [0, 1], 2, (_, i, l) => (l === 0 && i === 1 ? 11.9 : 3));
    const p = planeData(rec);
    expect(p.layers[0].points.map((q) => q.unreliable)).toEqual([false, true]);
    expect(p.layers[0].unreliableNow).toBe(true);
    expect(p.layers[0].unreliableShare).toBe(0.5);
    expect(p.layers[1].unreliableNow).toBe(false);
  });

  it('is empty before the estimator has run, and skips non-finite estimates', () => {
    const rec = synthetic(2, [0, 1], 2, () => 1);
    rec.info.ixt = [[], []];
    rec.info.ity = [[], []];
    rec.info.ceilings = { ixt: 0, ity: 0 };
    const empty = planeData(rec);
    expect(empty.layers).toEqual([]);
    expect(empty.ceilings).toBeNull();
    expect(empty.xRange).toEqual([0, niceTop(1.04)]);
    const nan = synthetic(2, [0, 1], 1, (r, i) => (r === 0 && i === 1 ? Number.NaN : 2));
    const q = planeData(nan).layers[0].points[1];
    expect(q.x).toBe(2);
    expect(q.sx).toBe(0);
  });

  it('uses only the epochs every replica has estimated so far', () => {
    const rec = synthetic(2, [0, 1, 2], 1, () => 1);
    rec.info.ixt[1].pop();
    expect(planeData(rec).count).toBe(2);
  });

  it('shares ranges between planes, rounds axis tops, places epochs on the colour bar', () => {
    const a = planeData(synthetic(1, [0, 1], 1, () => 3));
    const b = planeData(synthetic(1, [0, 1], 1, () => 14));
    const s = sharedRanges([a, b]);
    expect(s.xRange[1]).toBe(b.xRange[1]);
    expect(s.yRange[1]).toBe(Math.max(a.yRange[1], b.yRange[1]));
    expect(niceTop(12.48)).toBe(12.5);
    expect(niceTop(1.059)).toBe(1.2);
    expect(niceTop(1)).toBe(1);
    expect(niceTop(0.0123)).toBe(0.0125);
    expect(epochFraction(50, 200)).toBe(0.25);
    expect(epochFraction(5, 0)).toBe(0);
  });
});

describe('loss and accuracy curves', () => {
  it('gives the replica mean with min–max bands, train and test', () => {
    const rec = synthetic(2, [0, 1, 2], 1, () => 1);
    const d = curveData([{ label: '', record: rec }], 'loss');
    expect(d.x).toEqual([0, 1, 2]);
    expect(d.series.map((s) => s.label)).toEqual(['train', 'test']);
    expect(d.series[0].mean[1]).toBeCloseTo(0.505, 12);
    expect(d.series[0].lo[1]).toBeCloseTo(0.5, 12);
    expect(d.series[0].hi[1]).toBeCloseTo(0.51, 12);
    expect(alignedColumns(d).length).toBe(1 + 2 * 3);
    expect(lastValue(d.series[1])).toBeCloseTo(1.1 / 3 + 0.005, 12);
  });

  it('log axes drop epoch 0 and non-positive values; NaN is a gap', () => {
    const rec = synthetic(1, [0, 1, 2], 1, () => 1);
    rec.metrics.train_loss[0] = [0, Number.NaN, -1];
    const d = curveData([{ label: '', record: rec }], 'loss', { logX: true, logY: true });
    expect(d.x).toEqual([1, 2]);
    expect(d.series[0].mean).toEqual([null, null]);
    const lin = curveData([{ label: '', record: rec }], 'loss');
    expect(lin.series[0].mean).toEqual([0, null, -1]);
  });

  it('aligns two runs on the union of their epochs', () => {
    const a = synthetic(1, [0, 1, 2], 1, () => 1);
    const b = synthetic(1, [0, 1], 1, () => 1);
    const d = curveData(
      [
        { label: 'DNN', record: a },
        { label: 'BNN', record: b },
      ],
      'acc',
    );
    expect(d.x).toEqual([0, 1, 2]);
    expect(d.series.map((s) => s.label)).toEqual(['DNN train', 'DNN test', 'BNN train', 'BNN test']);
    expect(d.series[2].mean[2]).toBeNull();
    expect(d.series[2].run).toBe(1);
  });
});

describe('exports', () => {
  it('CSV: one row per logged epoch and replica, a column group per layer with the columns it can fill', () => {
    const rec = synthetic(2, [0, 5], 2, (r, i, l) => r + i + l);
    const csv = recordCsv(rec).trim().split('\n');
    expect(csv[0]).toBe(
      'epoch,replica,train_loss,test_loss,train_acc,test_acc,hidden_1_ixt,hidden_1_ity,hidden_1_near_ceiling,hidden_1_codes,hidden_1_flip_ratio,output_ixt,output_ity,output_near_ceiling,output_codes',
    );
    expect(csv.length).toBe(1 + 2 * 2);
    const row = csv[4].split(',');
    expect(row.slice(0, 2)).toEqual(['5', '1']);
    expect(Number(row[6])).toBe(1 + 1 + 0);
    expect(row[8]).toBe('0');
    expect(row[9]).toBe('100');
    expect(row[10]).toBe('0.1');
    expect(row.length).toBe(15); // output layer: float weights, no flip-ratio column
  });

  it('CSV and the plane follow info.layers (the estimated layers) for the information columns', () => {
    const rec = synthetic(1, [0], 3, (_, __, k) => 10 + k);
    // Only the two hidden layers are estimated: info arrays have 2 entries, for layers 0 and 1.
    rec.info.layers = [0, 1];
    rec.info.ixt = [[[10, 11]]];
    rec.info.ity = [[[0.5, 0.6]]];
    rec.info.near_ceiling = [[[false, true]]];
    rec.info.occupied = [[[7, 8]]];
    const row = recordCsv(rec).split('\n')[1].split(',');
    expect(row.slice(6, 10)).toEqual(['10', '0.5', '0', '7']);
    expect(row.slice(11, 15)).toEqual(['11', '0.6', '1', '8']);
    // The output layer is neither estimated nor binary: no columns (they would always be empty).
    expect(row.length).toBe(16);
    expect(recordCsv(rec).split('\n')[0]).not.toMatch(/output_/);
    const p = planeData(rec);
    expect(p.layers.map((l) => l.name)).toEqual(['hidden 1', 'hidden 2']);
  });

  it('CSV leaves non-finite values empty', () => {
    const rec = synthetic(1, [0], 1, () => 1);
    rec.metrics.train_loss[0][0] = Number.NaN;
    expect(recordCsv(rec).split('\n')[1].split(',')[2]).toBe('');
  });

  it('JSON is the record; an unfinished run is exported as interrupted', () => {
    const done = synthetic(1, [0, 1, 2], 1, () => 1);
    expect(exportableRecord(done)).toBe(done);
    expect(JSON.parse(recordJson(done))).toEqual(JSON.parse(JSON.stringify(done)));
    const paused = synthetic(1, [0, 1, 2], 1, () => 1);
    paused.config = { ...paused.config, epochs: 10 };
    const out = exportableRecord(paused);
    expect(out.status).toBe('interrupted');
    expect(out.message).toMatch(/after epoch 2 of 10/);
    expect(paused.status).toBe('complete');
    expect(exportName(done, 'json')).toBe('bitplane-bits12-bnn-seed1.json');
    expect(exportName({ config: applyPreset(defaultConfig(), 'dnn-tanh') }, 'png', 'plane')).toBe(
      'bitplane-bits12-dnn-seed1-plane.png',
    );
  });

  it("names say the epoch reached and the joint charts' networks, and a save time keeps them apart", () => {
    const done = synthetic(1, [0, 1, 2], 1, () => 1);
    expect(exportName(done, 'csv', '', { epoch: lastEpoch(done) })).toBe('bitplane-bits12-bnn-seed1-ep2.csv');
    expect(exportName(done, 'png', 'loss', { net: 'dnn-tanh-vs-bnn' })).toBe(
      'bitplane-bits12-dnn-tanh-vs-bnn-seed1-loss.png',
    );
    const at = new Date(Date.UTC(2026, 10, 30, 3, 1, 45, 123));
    expect(stampedName('bitplane-x-loss.png', at)).toBe('bitplane-x-loss-20261130-030145.png');
    expect(stampedName('noext', at)).toBe('noext-20261130-030145');
    const later = new Date(at.getTime() + 1000);
    expect(stampedName('a.png', later)).not.toBe(stampedName('a.png', at));
  });

  it('a log loss axis fits the data instead of whole decades', () => {
    const [lo, hi] = logFit(0.55, 0.8);
    expect(lo).toBeLessThan(0.55);
    expect(hi).toBeGreaterThan(0.8);
    expect(hi / lo).toBeLessThan(2); // 0.1–10 would be 100
    const [a, b] = logFit(1, 1);
    expect(b / a).toBeCloseTo(1.5, 6); // a flat loss still gets a readable span
    const [c, d] = logFit(0.01, 2);
    expect(c).toBeLessThan(0.01);
    expect(d).toBeGreaterThan(2);
  });
});

describe('routes', () => {
  it('splits the view from the link and back', () => {
    expect(parseRoute('')).toEqual({ view: 'playground', rest: '' });
    expect(parseRoute('#v=1&lr=0.01')).toEqual({ view: 'playground', rest: 'v=1&lr=0.01' });
    expect(parseRoute('https://x.org/#compare&v=1&lr=0.01')).toEqual({
      view: 'compare',
      rest: 'v=1&lr=0.01',
    });
    expect(parseRoute('#bench&sizes=128')).toEqual({ view: 'bench', rest: 'sizes=128' });
    expect(parseRoute('#checks')).toEqual({ view: 'checks', rest: '' });
    expect(parseRoute('#capacity&v=1&epochs=3')).toEqual({ view: 'capacity', rest: 'v=1&epochs=3' });
    expect(parseRoute('#capacityx')).toEqual({ view: 'playground', rest: 'capacityx' });
    expect(parseRoute('#comparex=1')).toEqual({ view: 'playground', rest: 'comparex=1' });
    expect(routeFragment('compare', 'v=1&lr=0.01')).toBe('compare&v=1&lr=0.01');
    expect(routeFragment('checks')).toBe('checks');
    expect(routeFragment('playground', 'v=1')).toBe('v=1');
    for (const f of [
      'v=1&seed=3',
      'compare&v=1',
      'capacity&v=1&epochs=3',
      'capacity',
      'bench&sizes=1',
      'checks',
    ])
      expect(routeFragment(parseRoute(f).view, parseRoute(f).rest)).toBe(f);
  });
});

describe('presets', () => {
  it('keep the widths and set the kind of every hidden layer', () => {
    const c = defaultConfig();
    const dnn = applyPreset(c, 'dnn-tanh');
    expect(dnn.network.hidden.map((l) => l.width)).toEqual([10, 7, 5, 4, 3]);
    expect(
      dnn.network.hidden.every((l) => l.weights === 'float' && !l.batchNorm && l.activation === 'tanh'),
    ).toBe(true);
    expect(presetOf(dnn)).toBe('dnn-tanh');
    expect(presetOf(applyPreset(c, 'dnn-relu'))).toBe('dnn-relu');
    expect(presetOf(c)).toBe('bnn');
    const mixed = {
      ...c,
      network: { ...c.network, hidden: [...dnn.network.hidden.slice(0, 1), ...c.network.hidden.slice(1)] },
    };
    expect(presetOf(mixed)).toBeNull();
    expect(applyPreset({ ...c, network: { ...c.network, hidden: [] } }, 'bnn').network.hidden.length).toBe(5);
  });

  it('the comparison differs only in the network', () => {
    const c = parseConfig({
      seed: 7,
      epochs: 12,
      optimizer: { lr: 0.01 },
      network: { hidden: [{ width: 6, weights: 'binary', batchNorm: true, activation: 'approx_sign' }] },
    });
    const { dnn, bnn } = comparisonConfigs(c, 'dnn-relu');
    for (const x of [dnn, bnn]) {
      expect({ ...x, network: null }).toEqual({ ...c, network: null });
      expect(x.network.hidden.map((l) => l.width)).toEqual([6]);
    }
    expect(presetOf(dnn)).toBe('dnn-relu');
    expect(presetOf(bnn)).toBe('bnn');
  });
});

describe('previews, colours, formats', () => {
  it('bits12: a 64 × 64 label map', () => {
    const ds = bits12Dataset();
    const img = previewImage(ds);
    expect([img.width, img.height]).toEqual([64, 64]);
    const colours = new Set<string>();
    for (let i = 0; i < 64 * 64; i++) colours.add(img.data.slice(i * 4, i * 4 + 3).join());
    expect(colours.size).toBe(2);
  });

  it('toys: points in their class colours; images: a 3 × 3 grid', () => {
    const ds = toyDataset('circle', 200, 0, new Rng(1));
    const img = previewImage(ds, 48);
    expect(img.width).toBe(48);
    let coloured = 0;
    for (let i = 0; i < 48 * 48; i++) if (img.data[i * 4] !== 250) coloured++;
    expect(coloured).toBeGreaterThan(100);
    const digits = {
      ...ds,
      shape: [2, 2],
      D: 4,
      N: 3,
      classes: 3,
      inputs: new Float32Array([0, 1, 2, 4, 4, 4, 4, 4, 0, 0, 0, 0]),
      labels: new Uint32Array([0, 1, 0]),
    };
    const g = previewImage(digits);
    expect([g.width, g.height]).toEqual([6, 6]);
    expect(g.data[3 * 4]).toBe(255); // first image, pixel (1, 0)... its max value 4 → 255
    expect(g.data[(0 * 6 + 1) * 4]).toBe(64);
  });

  it('viridis runs from dark purple to yellow; alpha; durations; metrics', () => {
    expect(viridisRgb(0)).toEqual([68, 1, 84]);
    expect(viridisRgb(1)).toEqual([253, 231, 37]);
    expect(viridis(2)).toBe('rgb(253, 231, 37)');
    expect(withAlpha('#0072B2', 0.5)).toBe('rgba(0, 114, 178, 0.5)');
    expect(withAlpha('rgb(1, 2, 3)', 0.2)).toBe('rgba(1, 2, 3, 0.2)');
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(754)).toBe('12:34');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(Number.NaN)).toBe('–');
    expect(formatMetric(0.123456)).toBe('0.1235');
    expect(formatMetric(null)).toBe('–');
    expect(formatMetric(1.5e-5)).toBe('1.500e-5');
  });
});
