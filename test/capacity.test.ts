/**
 * Capacity as a dial (docs/METHOD.md §2, "k-bit and ternary layers" and "Bop"): known answers of the
 * k-bit, ternary and Bop references; the configuration and link carry a bit width per layer and Bop's
 * hyper-parameters, reject bad ones by name, and keep older links parsing to the same configuration; and
 * the GPU trainer agrees with the CPU reference trainer on a network with k-bit and ternary layers
 * trained by Bop.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigInput, parseConfig } from '../src/config/run-config.ts';
import type { Gpu } from '../src/gpu/device.ts';
import { bopFlips, bopUpdateRef } from '../src/kernels/bop_update/ref.ts';
import { codePlan, sampleCode } from '../src/kernels/layer_codes/ref.ts';
import { sign } from '../src/kernels/pack_signs/ref.ts';
import {
  QUANT_BITS,
  quantizeTernaryRef,
  quantizeUniformRef,
  uniformLevel,
  uniformValue,
} from '../src/kernels/quantize/ref.ts';
import { epochBatches, epochOrder } from '../src/nn/batches.ts';
import { CpuTrainer } from '../src/nn/cpu-trainer.ts';
import { codingOf } from '../src/nn/estimation.ts';
import { GpuTrainer, type TrainData } from '../src/nn/gpu-trainer.ts';
import { initParams } from '../src/nn/init.ts';
import { kbitCodesExact, kbitCoding } from '../src/nn/kbit-codes.ts';
import { planNetwork } from '../src/nn/plan.ts';
import { parseLink, serializeLink } from '../src/run/link.ts';
import { applyPreset, presetOf } from '../src/run/presets.ts';
import { emptyRecord } from '../src/run/record.ts';
import { expandSpec } from '../src/sweep/spec.ts';
import { Rng } from '../src/util/rng.ts';
import { figureCaption } from '../src/view/figure.ts';
import { floatHidden, syntheticRecord } from './figure-records.ts';
import { testGpu } from './gpu.ts';

describe('k-bit uniform quantizer (reference)', () => {
  it('k = 2 has the four levels −1, −1/3, 1/3, 1 and rounds half up', () => {
    const { y, level } = quantizeUniformRef([-5, -1, -0.5, -0.2, 0, 0.2, 0.5, 1, 7], 2);
    expect(Array.from(level)).toEqual([0, 0, 1, 1, 2, 2, 2, 3, 3]);
    const third = Math.fround(1 / 3);
    expect(Array.from(y)).toEqual([-1, -1, -third, -third, third, third, third, 1, 1]);
  });

  it('has 2^k distinct, increasing, symmetric levels for every k, from −1 to +1', () => {
    for (const k of QUANT_BITS) {
      const n = 2 ** k;
      const values = Array.from({ length: n }, (_, j) => uniformValue(j, k));
      expect(values[0]).toBe(-1);
      expect(values[n - 1]).toBe(1);
      for (let j = 1; j < n; j++) expect(values[j]).toBeGreaterThan(values[j - 1]);
      for (let j = 0; j < n; j++) expect(values[j]).toBe(-values[n - 1 - j]);
      // Every level is reached by its own value, and clipping sends everything outside to the ends.
      for (let j = 0; j < n; j++) expect(uniformLevel(values[j], k)).toBe(j);
      expect(uniformLevel(-3, k)).toBe(0);
      expect(uniformLevel(3, k)).toBe(n - 1);
    }
  });

  it('k = 1 is sign() away from the half-ULP band around 0 (sign(0) = +1 included)', () => {
    const xs = [-2, -1, -0.5, -1e-7, 0, -0, 1e-7, 0.5, 1, 2];
    expect(Array.from(quantizeUniformRef(xs, 1).y)).toEqual(xs.map(sign));
  });

  it('rejects bit widths outside 1, 2, 4, 8', () => {
    expect(() => quantizeUniformRef([0], 3)).toThrow(/bits must be one of 1, 2, 4, 8/);
  });
});

describe('ternary quantizer (reference)', () => {
  it("keeps the weights above TWN's threshold 0.7·mean|w| per replica, as ±1, and zeroes the rest", () => {
    // Replica 0: mean |w| = 0.5, Δ = 0.35. Replica 1: mean |w| = 0.1, Δ = 0.07.
    const w = [0.9, -0.3, 0.36, -0.44, 0.1, -0.05, 0.08, -0.17];
    const { y, delta } = quantizeTernaryRef(w, 2, 4, 64);
    expect(delta[0]).toBeCloseTo(0.35, 6);
    expect(delta[1]).toBeCloseTo(0.07, 6);
    expect(Array.from(y)).toEqual([1, 0, 1, -1, 1, 0, 1, -1]);
  });
});

describe('Bop (reference)', () => {
  it('flips a weight when its gradient average exceeds τ with the same sign, never otherwise', () => {
    expect(bopFlips(1, 0.2, 0.1)).toBe(true);
    expect(bopFlips(-1, -0.2, 0.1)).toBe(true);
    expect(bopFlips(1, -0.2, 0.1)).toBe(false); // the gradient already pushes w up
    expect(bopFlips(1, 0.05, 0.1)).toBe(false); // not past the threshold
    expect(bopFlips(1, 0.1, 0.1)).toBe(false); // strictly greater
  });

  it('updates m as the exponential moving average and flips w in place', () => {
    const w = Float64Array.from([1, -1, 1]);
    const m = Float64Array.from([0, 0, 0.5]);
    bopUpdateRef(w, m, [1, 1, -1], 0.5, 0.3);
    expect(Array.from(m)).toEqual([0.5, 0.5, -0.25]);
    expect(Array.from(w)).toEqual([-1, -1, 1]);
  });
});

describe('the dial in the configuration and the link', () => {
  it('carries per-layer weight and activation bit widths and Bop, round trip', () => {
    const link =
      'v=1&net=10-q4-bn-q4,7-tern-bn-q2,5-bin-bn-ste_sign,4-q8-bn-q8,3-float-tanh&opt=bop&tau=1e-6&gamma=0.001';
    const { config, issues } = parseLink(link);
    expect(issues).toEqual([]);
    expect(config.network.hidden.map((l) => [l.weights, l.activation])).toEqual([
      ['q4', 'q4'],
      ['ternary', 'q2'],
      ['binary', 'ste_sign'],
      ['q8', 'q8'],
      ['float', 'tanh'],
    ]);
    expect(config.optimizer).toMatchObject({ name: 'bop', tau: 1e-6, gamma: 0.001 });
    expect(parseLink(serializeLink(config)).config).toEqual(config);
  });

  it('keeps older links parsing to the same configuration, with no Bop fields', () => {
    const { config } = parseLink('v=1&net=10-bin-bn-ste_sign,7-float-tanh&opt=sgd&lr=0.01');
    expect(config.optimizer).not.toHaveProperty('tau');
    expect(config.optimizer).not.toHaveProperty('gamma');
    expect(serializeLink(config)).toBe('v=1&net=10-bin-bn-ste_sign,7-float-tanh&opt=sgd&lr=0.01');
  });

  it('names the field of a bit width outside the set, a threshold ≤ 0, and Bop without binary weights', () => {
    const bad = parseLink('v=1&net=10-q3-bn-q4').issues;
    expect(bad.map((i) => i.key)).toEqual(['net']);
    expect(bad[0].message).toMatch(/bin\|float\|tern\|q2\|q4\|q8/);
    const act = parseLink('v=1&net=10-q4-bn-q16').issues;
    expect(act.map((i) => i.field)).toEqual(['network.hidden.0.activation']);
    const tau = parseLink('v=1&opt=bop&tau=0').issues;
    expect(tau.map((i) => [i.key, i.field])).toEqual([['tau', 'optimizer.tau']]);
    expect(tau[0].message).toMatch(/threshold tau must be > 0/);
    expect(() => parseConfig({ network: { hidden: [] }, optimizer: { name: 'bop' } })).toThrow(
      /optimizer.name: Bop updates binary weights/,
    );
  });
});

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

/** ±1 inputs with labels from a fixed random linear rule. */
function synthetic(seed: number, n: number, D: number): { x: Float32Array; y: Uint32Array } {
  const rng = new Rng(seed);
  const w = rng.floats(D);
  const x = new Float32Array(n * D);
  const y = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) {
      x[i * D + d] = rng.uniform() < 0.5 ? -1 : 1;
      s += w[d] * x[i * D + d];
    }
    y[i] = s >= 0 ? 1 : 0;
  }
  return { x, y };
}

describe('GPU trainer vs CPU reference, k-bit and ternary layers, Bop', () => {
  it('20 steps agree: losses within 1e-3, the quantized layers’ outputs identical but for rare ties', async () => {
    const D = 12;
    const nTrain = 80;
    const nTest = 40;
    const input: ConfigInput = {
      replicas: 2,
      batchSize: 16,
      network: {
        hidden: [
          { width: 10, weights: 'q4', batchNorm: true, activation: 'q4' },
          { width: 7, weights: 'ternary', batchNorm: true, activation: 'q2' },
          { width: 5, weights: 'binary', batchNorm: true, activation: 'ste_sign' },
          { width: 4, weights: 'q8', batchNorm: true, activation: 'q8' },
        ],
      },
      optimizer: { name: 'bop', lr: 0.01, tau: 1e-4, gamma: 0.01 },
    };
    const config = parseConfig(input);
    const train = synthetic(11, nTrain, D);
    const test = synthetic(12, nTest, D);
    const data: TrainData = { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y };
    const plan = planNetwork(config, D, 2, true);
    expect(plan.layers.map((l) => l.xnor)).toEqual([false, false, false, false, false]);
    const params = initParams(plan, config.replicas, config.network.init, config.seed);
    const R = config.replicas;
    const gpuT = await GpuTrainer.create(gpu, plan, config, data, params);
    const cpuT = new CpuTrainer(plan, R, params, config.optimizer);
    const batches = epochBatches(nTrain, config.batchSize, true);
    for (let epoch = 1; epoch <= 4; epoch++) {
      const m = await gpuT.trainEpoch(epoch);
      const order = epochOrder(config.seed, R, epoch - 1, nTrain);
      for (const b of batches) {
        const x = new Float64Array(R * b.size * D);
        const y = new Float64Array(R * b.size);
        for (let r = 0; r < R; r++) {
          for (let j = 0; j < b.size; j++) {
            const i = order[r * nTrain + b.start + j];
            y[r * b.size + j] = data.yTrain[i];
            for (let d = 0; d < D; d++) x[(r * b.size + j) * D + d] = data.xTrain[i * D + d];
          }
        }
        cpuT.step(x, y, b.size);
      }
      const ref = cpuT.evaluate(data.xTest, data.yTest, nTest);
      for (let r = 0; r < R; r++) {
        expect(Math.abs(m.testLoss[r] - ref.loss[r]), `epoch ${epoch} replica ${r}`).toBeLessThan(1e-3);
      }
    }
    const outs = await gpuT.layerOutputs('test');
    const fwd = cpuT.forward(data.xTest, nTest, false, true);
    for (let l = 0; l < 4; l++) {
      const ref = fwd.traces[l].out;
      let same = 0;
      for (let j = 0; j < ref.length; j++) if (Math.fround(ref[j]) === outs[l][j]) same++;
      // f32 vs float64 batch norm may put a value on the other side of a level boundary, rarely.
      expect(same / ref.length, `hidden layer ${l + 1}`).toBeGreaterThan(0.99);
    }
    gpuT.destroy();
  });
});

describe('exact codes of k-bit layers', () => {
  it('are the packed level indices for every k while width·k ≤ 64, and hashed past that', () => {
    const rng = new Rng(5);
    for (const k of QUANT_BITS.filter((b) => b > 1)) {
      const W = Math.floor(64 / k); // the widest exact layer: two words of ⌊32/k⌋ units
      const plan = codePlan(kbitCoding(k), W);
      expect(plan.exact, `k=${k} W=${W}`).toBe(true);
      expect(plan.bits).toBe(k);
      expect(kbitCodesExact(k, W)).toBe(true);
      expect(kbitCodesExact(k, W + 1)).toBe(Math.floor(32 / k) * 2 >= W + 1);
      for (let trial = 0; trial < 20; trial++) {
        const levels = Array.from({ length: W }, (_, u) =>
          trial === 0 ? u % 2 ** k : rng.int(0, 2 ** k - 1),
        );
        const t = Float32Array.from(levels, (j) => uniformValue(j, k));
        const per = Math.floor(32 / k);
        const words = [0, 0];
        levels.forEach((j, u) => {
          words[Math.floor(u / per)] = (words[Math.floor(u / per)] | (j << ((u % per) * k))) >>> 0;
        });
        expect(sampleCode(t, plan), `k=${k} levels ${levels.join(',')}`).toEqual(words);
      }
    }
    expect(kbitCodesExact(8, 10)).toBe(false); // 80 bits: hashed
    expect(kbitCodesExact(4, 16)).toBe(true);
    expect(kbitCodesExact(4, 17)).toBe(false);
    expect(kbitCodesExact(2, 32)).toBe(true);
  });

  it('a run records which k-bit layers are exact', async () => {
    const { config } = parseLink('v=1&net=10-q8-bn-q8,7-float-bn-q4,5-bin-bn-q2');
    const plan = planNetwork(config, 12, 2, false);
    const record = emptyRecord(config, plan, {} as never, {} as never);
    expect(record.layers.map((l) => l.kbit_codes)).toEqual([
      { bits: 8, exact: false },
      { bits: 4, exact: true },
      { bits: 2, exact: true },
      undefined,
    ]);
    expect(codingOf(config.estimator as never, plan.layers[1])).toEqual(kbitCoding(4));
  });
});

describe('the capacity sweep', () => {
  it('sweeps/capacity.json expands and validates: k = 1, 2, 4, 8 and float, two datasets, ≥ 20 networks each', () => {
    const { entries } = expandSpec(JSON.parse(readFileSync('sweeps/capacity.json', 'utf8')));
    const configs = entries.map((e) => {
      const { config, issues } = parseLink(e.link);
      expect(issues, e.link).toEqual([]);
      return config;
    });
    expect(new Set(configs.map((c) => c.data.name))).toEqual(new Set(['bits12', 'digits']));
    const kinds = new Set(
      configs.map((c) => `${c.network.hidden[0].weights} ${c.network.hidden[0].activation}`),
    );
    expect(kinds).toEqual(new Set(['binary ste_sign', 'q2 q2', 'q4 q4', 'q8 q8', 'float hardtanh']));
    for (const kind of kinds) {
      for (const data of ['bits12', 'digits']) {
        const seeds = configs.filter(
          (c) =>
            c.data.name === data &&
            `${c.network.hidden[0].weights} ${c.network.hidden[0].activation}` === kind,
        );
        // Replicas are the study's unit (docs/METHOD.md §6): seeds × replicas networks of each kind.
        const networks = seeds.reduce((n, c) => n + c.replicas, 0);
        expect(networks, `${data} ${kind}`).toBeGreaterThanOrEqual(20);
      }
    }
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  });
});

describe('the k-bit network presets', () => {
  it('rewrite every hidden layer to k-bit weights and activations, widths kept, and are recognised', () => {
    const base = parseConfig({});
    for (const k of ['q2', 'q4', 'q8'] as const) {
      const c = applyPreset(base, k);
      expect(c.network.hidden.map((l) => l.width)).toEqual(base.network.hidden.map((l) => l.width));
      expect(c.network.hidden.every((l) => l.weights === k && l.activation === k && l.batchNorm)).toBe(true);
      expect(presetOf(c)).toBe(k);
    }
  });
});

describe('the figure caption of a k-bit run', () => {
  it('says the k-bit layers are counted exactly, and hashed where they are', () => {
    const rec = syntheticRecord({ replicas: 1, epochs: [0, 1], hidden: floatHidden([10, 7]) });
    rec.layers[0].kbit_codes = { bits: 4, exact: true };
    rec.layers[1].kbit_codes = { bits: 8, exact: false };
    const line = figureCaption(rec).lines[1];
    expect(line).toContain('k-bit level codes counted exactly (hashed past 64 bits)');
    expect(line).not.toContain('bins');
    rec.config.network.hidden[0].weights = 'q4';
    rec.config.network.hidden[1].weights = 'ternary';
    rec.config.optimizer = { ...rec.config.optimizer, name: 'bop', tau: 1e-6 };
    const first = figureCaption(rec).lines[0];
    expect(first).toContain('hidden: 10 4-bit weights, tanh; 7 ternary weights, tanh');
    expect(first).toContain('Bop τ 0.000001 γ 0.0001 + Adam lr');
  });
});
