/**
 * The 2-D toy datasets of TensorFlow Playground (src/dataset.ts, Apache-2.0): circle, xor, spiral and
 * two Gaussians, with its constants and its meaning of `noise` (the slider's 0–50 % as 0–0.5), in its
 * coordinates (points within about ±6). Label 1 is Playground's +1, label 0 its −1; class 1 rows come
 * first (ceil(N/2) of them) except for xor, whose labels follow the points.
 *
 *   circle  class 1 at radius < 2.5, class 0 at radius 3.5–5; the label is taken at the point moved by
 *           uniform noise ±5·noise (the stored point is not moved), so noise flips labels near r = 2.5.
 *   xor     x, y uniform in ±5 pushed 0.3 away from the axes; label sign(x·y) of the point moved by
 *           uniform noise ±5·noise.
 *   spiral  two arms, r = 5i/n, t = 1.75 · 2π · i/n (+π for class 0), plus uniform noise ±noise.
 *   gauss   centres (2, 2) and (−2, −2), variance 0.5 + 7·noise (0.5 at noise 0, 4 at noise 0.5).
 *
 * Every number comes from the given Rng through + − × ÷ and sqrt, and sin/cos/log from trig.ts, so a seed
 * gives the same bits in Chrome, Firefox, Safari and Node. Gaussian samples use Marsaglia's polar method
 * (as Playground does) with trig.ts's log.
 */
import type { Rng } from '../util/rng.ts';
import { cos, log, sin } from './trig.ts';
import type { Dataset } from './types.ts';

export type ToyName = 'circle' | 'xor' | 'spiral' | 'gauss';
export const TOY_NAMES: readonly ToyName[] = ['circle', 'xor', 'spiral', 'gauss'];
export const TOY_NOISE_MAX = 0.5;

export const TOY_SOURCE: Record<ToyName, string> = {
  circle: "Seeded 2-D 'circle' generated as in TensorFlow Playground (Apache-2.0)",
  xor: "Seeded 2-D 'xor' generated as in TensorFlow Playground (Apache-2.0)",
  spiral: "Seeded 2-D 'spiral' generated as in TensorFlow Playground (Apache-2.0)",
  gauss: "Seeded 2-D 'two Gaussians' generated as in TensorFlow Playground (Apache-2.0)",
};

const TWO_PI = 2 * Math.PI; // Math.PI is the same double everywhere

/** A standard normal sample by Marsaglia's polar method (one of the pair, as Playground). */
export function polarNormal(rng: Rng): number {
  let v1: number;
  let s: number;
  do {
    v1 = 2 * rng.uniform() - 1;
    const v2 = 2 * rng.uniform() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s > 1 || s === 0);
  return Math.sqrt((-2 * log(s)) / s) * v1;
}

type Push = (x: number, y: number, label: number) => void;

function circle(n1: number, n0: number, noise: number, rng: Rng, push: Push): void {
  const radius = 5;
  const gen = (count: number, rLo: number, rHi: number) => {
    for (let i = 0; i < count; i++) {
      const r = rng.range(rLo, rHi);
      const angle = rng.range(0, TWO_PI);
      const x = r * sin(angle);
      const y = r * cos(angle);
      const nx = rng.range(-radius, radius) * noise;
      const ny = rng.range(-radius, radius) * noise;
      const px = x + nx;
      const py = y + ny;
      push(x, y, Math.sqrt(px * px + py * py) < radius * 0.5 ? 1 : 0);
    }
  };
  gen(n1, 0, radius * 0.5);
  gen(n0, radius * 0.7, radius);
}

function xor(N: number, noise: number, rng: Rng, push: Push): void {
  const padding = 0.3;
  for (let i = 0; i < N; i++) {
    let x = rng.range(-5, 5);
    x += x > 0 ? padding : -padding;
    let y = rng.range(-5, 5);
    y += y > 0 ? padding : -padding;
    const nx = rng.range(-5, 5) * noise;
    const ny = rng.range(-5, 5) * noise;
    push(x, y, (x + nx) * (y + ny) >= 0 ? 1 : 0);
  }
}

function spiral(n1: number, n0: number, noise: number, rng: Rng, push: Push): void {
  const n = (n1 + n0) / 2; // Playground's numSamples / 2, for both arms
  const arm = (count: number, deltaT: number, label: number) => {
    for (let i = 0; i < count; i++) {
      const r = (i / n) * 5;
      const t = ((1.75 * i) / n) * TWO_PI + deltaT;
      const x = r * sin(t) + rng.range(-1, 1) * noise;
      const y = r * cos(t) + rng.range(-1, 1) * noise;
      push(x, y, label);
    }
  };
  arm(n1, 0, 1);
  arm(n0, Math.PI, 0);
}

function gauss(n1: number, n0: number, noise: number, rng: Rng, push: Push): void {
  const variance = 0.5 + (noise / TOY_NOISE_MAX) * 3.5; // Playground: linear [0, 0.5] → [0.5, 4]
  const sd = Math.sqrt(variance);
  const gen = (count: number, c: number, label: number) => {
    for (let i = 0; i < count; i++) {
      const x = c + sd * polarNormal(rng);
      const y = c + sd * polarNormal(rng);
      push(x, y, label);
    }
  };
  gen(n1, 2, 1);
  gen(n0, -2, 0);
}

/** N points of the toy `name` with the given noise (0–0.5), drawn from `rng`. */
export function toyDataset(name: ToyName, N: number, noise: number, rng: Rng): Dataset {
  if (!Number.isInteger(N) || N < 2) throw new Error(`toy ${name}: samples must be an integer ≥ 2, got ${N}`);
  if (!(noise >= 0 && noise <= TOY_NOISE_MAX))
    throw new Error(`toy ${name}: noise must be in [0, ${TOY_NOISE_MAX}], got ${noise}`);
  const inputs = new Float32Array(N * 2);
  const labels = new Uint32Array(N);
  let row = 0;
  const push: Push = (x, y, label) => {
    inputs[2 * row] = x;
    inputs[2 * row + 1] = y;
    labels[row++] = label;
  };
  const n1 = Math.ceil(N / 2);
  const n0 = N - n1;
  if (name === 'circle') circle(n1, n0, noise, rng, push);
  else if (name === 'xor') xor(N, noise, rng, push);
  else if (name === 'spiral') spiral(n1, n0, noise, rng, push);
  else gauss(n1, n0, noise, rng, push);
  if (row !== N) throw new Error(`toy ${name}: made ${row} rows, expected ${N}`); // a bug, not a user error
  return { name, inputs, labels, N, D: 2, classes: 2, shape: [2], source: TOY_SOURCE[name] };
}
