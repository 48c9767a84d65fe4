/**
 * The CPU reference trainer's gradients agree with central finite differences of its own loss (float64),
 * for tiny float networks with each float activation, with and without batch normalization.
 */
import { describe, expect, it } from 'vitest';
import { type LayerActivation, parseConfig } from '../src/config/run-config.ts';
import { CpuTrainer } from '../src/nn/cpu-trainer.ts';
import { initParams } from '../src/nn/init.ts';
import { planNetwork } from '../src/nn/plan.ts';
import { Rng } from '../src/util/rng.ts';

function tinyTrainer(activation: LayerActivation, batchNorm: boolean, R = 2) {
  const config = parseConfig({
    replicas: R,
    network: {
      hidden: [
        { width: 4, weights: 'float', batchNorm, activation },
        { width: 3, weights: 'float', batchNorm: false, activation },
      ],
      init: 'glorot',
    },
  });
  const plan = planNetwork(config, 3, 3, false);
  const params = initParams(plan, R, config.network.init, 7);
  return new CpuTrainer(plan, R, params, config.optimizer);
}

describe('CPU reference gradients vs finite differences', () => {
  for (const activation of ['tanh', 'sigmoid', 'linear'] as const) {
    for (const batchNorm of [false, true]) {
      it(`${activation}${batchNorm ? ' + batch norm' : ''}`, () => {
        const R = 2;
        const B = 5;
        const t = tinyTrainer(activation, batchNorm, R);
        const rng = new Rng(3);
        const x = rng.floats(R * B * 3, -2, 2);
        const y = Uint32Array.from({ length: R * B }, () => rng.int(0, 2));
        const total = () => t.gradients(x, y, B).loss.reduce((a, b) => a + b, 0);
        const { grads } = t.gradients(x, y, B);
        const h = 1e-6;
        let checked = 0;
        t.layers.forEach((L, i) => {
          const pairs: [Float64Array, Float64Array | undefined][] = [
            [L.w, grads.layers[i].w],
            [L.b ?? new Float64Array(0), grads.layers[i].b],
            [L.gamma ?? new Float64Array(0), grads.layers[i].gamma],
            [L.beta ?? new Float64Array(0), grads.layers[i].beta],
          ];
          for (const [p, g] of pairs) {
            for (let j = 0; j < p.length; j++) {
              const keep = p[j];
              p[j] = keep + h;
              const up = total();
              p[j] = keep - h;
              const down = total();
              p[j] = keep;
              const fd = (up - down) / (2 * h);
              expect(g, `layer ${i} gradient missing`).toBeDefined();
              expect(Math.abs(g![j] - fd), `layer ${i} param ${j}: analytic ${g![j]} fd ${fd}`).toBeLessThan(
                1e-6 + 1e-5 * Math.abs(fd),
              );
              checked++;
            }
          }
        });
        expect(checked).toBeGreaterThan(30);
      });
    }
  }
});
