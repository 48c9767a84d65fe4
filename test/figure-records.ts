/**
 * Synthetic result records for the figure tests (test/figure-view.test.ts, test/e2e/figures.test.ts):
 * shaped like real runs, with no training. Each hidden layer first fits (I(T;Y) rises with I(X;T)), then
 * compresses (I(X;T) falls); replicas differ by a small deterministic offset; losses fall and
 * accuracies rise. All values are smooth functions of the epoch: no randomness.
 */
import { type ConfigInput, type LayerConfig, parseConfig } from '../src/config/run-config.ts';
import { serializeLink } from '../src/run/link.ts';
import type { RunRecord } from '../src/run/record.ts';

export interface SyntheticOptions {
  replicas: number;
  /** The logged epochs; the last is the run's length. */
  epochs: number[];
  hidden: LayerConfig[];
  schedule?: 'every' | 'idnn';
  /** How far the layers compress after fitting (0: not at all). */
  compression?: number;
  status?: RunRecord['status'];
  message?: string;
}

export const binaryHidden = (widths: number[]): LayerConfig[] =>
  widths.map((width) => ({ width, weights: 'binary', batchNorm: true, activation: 'ste_sign' }));

export const floatHidden = (widths: number[]): LayerConfig[] =>
  widths.map((width) => ({ width, weights: 'float', batchNorm: false, activation: 'tanh' }));

export function syntheticRecord(o: SyntheticOptions): RunRecord {
  const last = o.epochs.length ? o.epochs[o.epochs.length - 1] : 1;
  const input: ConfigInput = {
    seed: 1,
    replicas: o.replicas,
    data: { name: 'bits12', trainFraction: 0.8 },
    network: { hidden: o.hidden, outputWeights: 'float', init: 'idnn' },
    optimizer: { name: 'adam', lr: 4e-4 },
    batchSize: 512,
    epochs: last,
    estimator: { set: 'full', discretization: 'fixed', bins: 30, lo: -1, hi: 1 },
    log: { schedule: o.schedule ?? 'every', points: Math.max(2, o.epochs.length) },
  };
  const config = parseConfig(input);
  const L = o.hidden.length;
  const layers: RunRecord['layers'] = [
    ...o.hidden.map((h, l) => ({
      index: l,
      name: `hidden ${l + 1}`,
      width: h.width,
      binary: h.weights === 'binary',
      binary_output: h.activation === 'ste_sign',
      batch_norm: h.batchNorm,
      activation: h.activation,
      xnor: h.weights === 'binary' && l > 0,
    })),
    {
      index: L,
      name: 'output',
      width: 2,
      binary: false,
      binary_output: false,
      batch_norm: false,
      activation: null,
      xnor: false,
    },
  ];
  const fitted = (t: number) => 1 - Math.exp(-t / (0.04 * last + 1));
  const squeeze = (t: number) => (o.compression ?? 1) * (1 - Math.exp(-t / (0.3 * last + 1)));
  const per = <T>(g: (r: number, t: number) => T): T[][] =>
    Array.from({ length: o.replicas }, (_, r) => o.epochs.map((t) => g(r, t)));
  const wobble = (r: number, l: number, t: number) => 0.18 * Math.sin(1.7 * r + 0.9 * l + 0.01 * t) * (r + 1);
  const ixt = (r: number, t: number, l: number) =>
    Math.max(0.2, 10.5 - 2.4 * l + 1.2 * fitted(t) - 3.2 * squeeze(t) * (1 + 0.3 * l) + wobble(r, l, t));
  const ity = (r: number, t: number, l: number) =>
    Math.min(0.999, 0.15 + 0.8 * fitted(t) - 0.07 * l * squeeze(t) + 0.03 * wobble(r, l + 2, t));
  const loss = (r: number, t: number, gap: number) =>
    0.69 * (1 - fitted(t)) + 0.04 + gap * fitted(t) + 0.01 * r;
  const acc = (r: number, t: number, gap: number) => 0.5 + 0.48 * fitted(t) - gap * fitted(t) - 0.004 * r;
  return {
    schema: 'bitplane.run/1',
    status: o.status ?? 'complete',
    ...(o.message ? { message: o.message } : {}),
    config,
    link: serializeLink(config),
    adapter: {
      name: 'Google / swiftshader / SwiftShader Device (Subzero)',
      vendor: 'Google',
      architecture: 'swiftshader',
      device: '',
      description: 'SwiftShader Device (Subzero)',
      software: true,
      runtime: 'node',
      features: [],
    },
    dataset: {
      name: 'bits12',
      source: 'synthetic test record',
      inputs: 12,
      classes: 2,
      train: 3277,
      test: 819,
      biased_split: false,
    },
    layers,
    epochs: [...o.epochs],
    metrics: {
      train_loss: per((r, t) => loss(r, t, 0)),
      test_loss: per((r, t) => loss(r, t, 0.06)),
      train_acc: per((r, t) => acc(r, t, 0)),
      test_acc: per((r, t) => acc(r, t, 0.05)),
      flip_ratio: per((_, t) => layers.map((l) => (t === 0 || !l.binary ? null : 0.1))),
    },
    info: {
      settings: { ...config.estimator },
      set: 'full',
      n: 4096,
      layers: o.hidden.map((_, l) => l),
      ceilings: { ixt: 12, ity: 0.99916 },
      ixt: per((r, t) => o.hidden.map((_, l) => ixt(r, t, l))),
      ity: per((r, t) => o.hidden.map((_, l) => ity(r, t, l))),
      near_ceiling: per((r, t) => o.hidden.map((_, l) => ixt(r, t, l) > 11.5)),
      occupied: per((r, t) => o.hidden.map((_, l) => Math.round(2 ** Math.min(12, ixt(r, t, l))))),
    },
    timing: { started: '2026-01-01T00:00:00.000Z', total_s: 83, epoch_ms_median: 270 },
  };
}
