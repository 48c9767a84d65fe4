/**
 * The capacity view's pure logic (src/run/presets.ts `capacityConfigs`, src/view/capacity.ts): which five
 * networks it trains, the axis ranges their planes share, and each network's latest train and test
 * accuracy; what each live view trains (src/view/live.ts). Synthetic records (test/figure-records.ts), no GPU.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../src/config/run-config.ts';
import { serializeLink } from '../src/run/link.ts';
import { CAPACITY_KINDS, capacityConfigs, presetOf } from '../src/run/presets.ts';
import { accuracyText, capacityPanels, latestAccuracy } from '../src/view/capacity.ts';
import { CONTROLS_NOTE, idleTransport, liveConfigs } from '../src/view/live.ts';
import { planeData } from '../src/view/plane.ts';
import { isLiveView, LIVE_VIEWS, VIEWS } from '../src/view/route.ts';
import { binaryHidden, syntheticRecord } from './figure-records.ts';

describe('capacityConfigs', () => {
  it('trains the default 12-10-7-5-4-3-2 at k = 1, 2, 4, 8 and float, fewest bits first', () => {
    const runs = capacityConfigs(defaultConfig());
    expect(runs.map((r) => r.kind)).toEqual([...CAPACITY_KINDS]);
    expect(runs.map((r) => r.label)).toEqual(['k = 1 (BNN)', 'k = 2', 'k = 4', 'k = 8', 'float']);
    for (const { config } of runs) {
      expect(config.data.name).toBe('bits12');
      expect(config.network.hidden.map((l) => l.width)).toEqual([10, 7, 5, 4, 3]);
      expect(config.network.outputWeights).toBe('float');
    }
    const nets = runs.map(({ config }) => new URLSearchParams(serializeLink(config)).get('net'));
    expect(nets).toEqual([
      null, // the default network: the link leaves it out
      '10-q2-bn-q2,7-q2-bn-q2,5-q2-bn-q2,4-q2-bn-q2,3-q2-bn-q2',
      '10-q4-bn-q4,7-q4-bn-q4,5-q4-bn-q4,4-q4-bn-q4,3-q4-bn-q4',
      '10-q8-bn-q8,7-q8-bn-q8,5-q8-bn-q8,4-q8-bn-q8,3-q8-bn-q8',
      '10-float-bn-hardtanh,7-float-bn-hardtanh,5-float-bn-hardtanh,4-float-bn-hardtanh,3-float-bn-hardtanh',
    ]);
    expect(runs.slice(0, 4).map(({ config }) => presetOf(config))).toEqual(['bnn', 'q2', 'q4', 'q8']);
    expect(presetOf(runs[4].config)).toBeNull();
  });

  it('keeps everything but the layer kinds: data, seed, optimizer, schedule, widths', () => {
    const c = parseConfig({
      seed: 9,
      epochs: 40,
      replicas: 3,
      optimizer: { name: 'sgd', lr: 0.05 },
      network: {
        hidden: [
          { width: 6, weights: 'float', batchNorm: false, activation: 'relu' },
          { width: 4, weights: 'q4', batchNorm: true, activation: 'q2' },
        ],
      },
    });
    for (const { config } of capacityConfigs(c)) {
      expect({ ...config, network: null }).toEqual({ ...c, network: null });
      expect(config.network.hidden.map((l) => l.width)).toEqual([6, 4]);
      expect(config.network.hidden.every((l) => l.batchNorm)).toBe(true);
    }
    // The float network: hardtanh after batch normalization, the limit of q_k as k grows.
    const float = capacityConfigs(c)[4].config.network.hidden;
    expect(float.every((l) => l.weights === 'float' && l.activation === 'hardtanh')).toBe(true);
    // Without hidden layers the view starts from the study's 10-7-5-4-3, as the presets do.
    const none = { ...c, network: { ...c.network, hidden: [] } };
    expect(capacityConfigs(none)[2].config.network.hidden.map((l) => l.width)).toEqual([10, 7, 5, 4, 3]);
  });
});

describe('capacityPanels', () => {
  const runs = capacityConfigs(parseConfig({ epochs: 20 }));
  const rec = (compression: number) =>
    syntheticRecord({
      replicas: 2,
      epochs: [0, 5, 10, 20],
      hidden: binaryHidden([10, 7, 5, 4, 3]),
      compression,
    });

  it('puts all five planes on the union of their ranges', () => {
    const records = [rec(0), rec(0.5), rec(1), rec(2), rec(3)];
    // A plane whose I(X;T) reaches far: the shared x axis follows it.
    for (const r of records[4].info.ixt) for (const e of r) e[0] = 17.3;
    const { panels, xRange, yRange } = capacityPanels(runs, records);
    expect(panels).toHaveLength(5);
    const own = records.map((r) => planeData(r));
    expect(xRange).toEqual([0, Math.max(...own.map((p) => p.xRange[1]))]);
    expect(xRange[1]).toBeGreaterThanOrEqual(17.3);
    expect(xRange[1]).toBeGreaterThan(own[0].xRange[1]);
    expect(yRange).toEqual([0, Math.max(...own.map((p) => p.yRange[1]))]);
    expect(panels.map((p) => p.kind)).toEqual([...CAPACITY_KINDS]);
    expect(panels.every((p, k) => p.record === records[k] && p.plane.layers.length === 5)).toBe(true);
  });

  it('shows empty planes with the planned epochs before the runs have records', () => {
    const { panels, xRange, yRange } = capacityPanels(runs, []);
    expect(panels.every((p) => p.plane.layers.length === 0 && p.plane.epochs === 20)).toBe(true);
    expect(panels.every((p) => p.accuracy.epoch === null)).toBe(true);
    expect(accuracyText(panels[0].accuracy)).toBe('not trained yet');
    expect(xRange[1]).toBeGreaterThan(0);
    expect(yRange[1]).toBeGreaterThan(0);
  });

  it('reads the latest finite accuracy, the mean over replicas', () => {
    const r = rec(1);
    r.metrics.train_acc = [
      [0.5, 0.6, 0.7, Number.NaN],
      [0.5, 0.8, 0.9, Number.NaN],
    ];
    r.metrics.test_acc = [
      [0.5, 0.55, 0.65, Number.NaN],
      [0.5, 0.75, 0.85, Number.NaN],
    ];
    const a = latestAccuracy(r);
    expect(a.epoch).toBe(10);
    expect(a.train).toBeCloseTo(0.8, 12);
    expect(a.test).toBeCloseTo(0.75, 12);
    expect(accuracyText(a)).toBe('train 0.8 · test 0.75 (epoch 10)');
    // One replica diverged at the last epoch: the other one's value is the mean.
    r.metrics.test_acc[1][3] = 0.9;
    expect(latestAccuracy(r)).toEqual({ epoch: 20, train: null, test: 0.9 });
    expect(accuracyText(latestAccuracy(r))).toBe('train – · test 0.9 (epoch 20)');
  });
});

describe('live views', () => {
  it('each trains its own configurations of the one link', () => {
    const c = parseConfig({ seed: 4, epochs: 7 });
    expect(liveConfigs('playground', c)).toEqual([c]);
    const compare = liveConfigs('compare', c, 'dnn-relu');
    expect(compare.map((x) => presetOf(x))).toEqual(['dnn-relu', 'bnn']);
    const capacity = liveConfigs('capacity', c);
    expect(capacity).toEqual(capacityConfigs(c).map((r) => r.config));
    expect(capacity.every((x) => x.seed === 4 && x.epochs === 7)).toBe(true);
    expect(VIEWS.filter(isLiveView)).toEqual([...LIVE_VIEWS]);
    expect(isLiveView('bench')).toBe(false);
    expect(CONTROLS_NOTE.capacity).toMatch(/five times/);
    expect(idleTransport(7)).toMatchObject({ state: 'idle', epoch: 0, epochs: 7, records: [] });
  });
});
