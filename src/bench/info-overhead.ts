/**
 * What the information plane costs (issue: estimation adds ≤ 10 % to training time on the 12-bit
 * protocol with every epoch logged; one estimate of a 1024-wide float layer over 10,000 samples in
 * < 50 ms on a desktop GPU):
 *
 *   overhead — the 12-bit protocol (12-10-7-5-4-3-2, batch 256), every epoch trained and evaluated, with
 *              and without the estimate, alternating epochs of two trainers built from the same start;
 *              median wall time per epoch (submit to read-back) and the ratio
 *   wide     — one estimate (codes + counting + read-back) of one f32 layer [1, 10000, 1024] of seeded
 *              activations, 30 fixed bins (hashed codes), median of repeated estimates
 * Wall times include the read-back: that is what a user waits for.
 */

import { parseConfig } from '../config/run-config.ts';
import type { Gpu } from '../gpu/device.ts';
import { runOps } from '../gpu/run.ts';
import { createTensor } from '../gpu/tensor.ts';
import { DEFAULT_ESTIMATOR_SETTINGS, layerCoding } from '../info/settings.ts';
import { createLayerEstimator } from '../nn/estimator.ts';
import { GpuTrainer } from '../nn/gpu-trainer.ts';
import { parseLink } from '../run/link.ts';
import { prepareRun } from '../run/prepare.ts';
import { Rng } from '../util/rng.ts';
import { type Summary, summarize } from '../util/stats.ts';

export interface OverheadResult {
  network: string;
  replicas: number;
  epochs: number;
  without_ms: Summary;
  with_ms: Summary;
  /** with / without − 1 */
  overhead: number;
}

export interface WideResult {
  n: number;
  width: number;
  estimate_ms: Summary;
}

const NETWORKS = {
  'BNN ste_sign + BN': 'v=1',
  'DNN tanh': 'v=1&net=10-float-tanh,7-float-tanh,5-float-tanh,4-float-tanh,3-float-tanh',
} as const;

export async function measureOverhead(
  gpu: Gpu,
  replicas: number,
  epochs: number,
  onLine?: (s: string) => void,
): Promise<OverheadResult[]> {
  const out: OverheadResult[] = [];
  for (const [name, link] of Object.entries(NETWORKS)) {
    const config = parseConfig({ ...parseLink(link).config, replicas });
    const p = await prepareRun(config);
    const plain = await GpuTrainer.create(gpu, p.plan, config, p.data, p.params);
    const estimating = await GpuTrainer.create(gpu, p.plan, config, p.data, p.params);
    await estimating.enableEstimation(config.estimator, config.estimator.set);
    const without: number[] = [];
    const withEst: number[] = [];
    try {
      for (let e = 1; e <= epochs + 2; e++) {
        let t = performance.now();
        await plain.trainEpoch(e);
        const a = performance.now() - t;
        t = performance.now();
        await estimating.trainEpoch(e);
        const b = performance.now() - t;
        if (e > 2) {
          without.push(a); // the first two epochs warm up pipelines and caches
          withEst.push(b);
        }
      }
    } finally {
      plain.destroy();
      estimating.destroy();
    }
    const r: OverheadResult = {
      network: name,
      replicas,
      epochs,
      without_ms: summarize(without),
      with_ms: summarize(withEst),
      overhead: summarize(withEst).median / summarize(without).median - 1,
    };
    onLine?.(
      `${name}: ${r.without_ms.median.toFixed(1)} ms/epoch without, ${r.with_ms.median.toFixed(1)} with (${r.overhead >= 0 ? '+' : ''}${(100 * r.overhead).toFixed(1)} %)`,
    );
    out.push(r);
  }
  return out;
}

export async function measureWideEstimate(
  gpu: Gpu,
  n: number,
  width: number,
  repeats: number,
): Promise<WideResult> {
  const rng = new Rng(7);
  const acts = createTensor(gpu, 'f32', [1, n, width], 'wide layer', rng.floats(n * width, -1.2, 1.2));
  const labels = Uint32Array.from({ length: n }, () => rng.int(0, 9));
  const estimator = await createLayerEstimator(gpu, {
    R: 1,
    n,
    classes: 10,
    labels,
    layers: [{ width, coding: layerCoding({ ...DEFAULT_ESTIMATOR_SETTINGS }, false) }],
  });
  try {
    const { codes } = await estimator.prepareChunk(0, acts, 0);
    const times: number[] = [];
    for (let i = 0; i < repeats + 1; i++) {
      const t = performance.now();
      await runOps(gpu, 'wide estimate', [codes, ...estimator.countOps]);
      await estimator.read();
      if (i > 0) times.push(performance.now() - t);
    }
    return { n, width, estimate_ms: summarize(times) };
  } finally {
    estimator.destroy();
    acts.buffer.destroy();
  }
}
