/**
 * Exact codes of k-bit layers (docs/METHOD.md §2 and §3): a layer whose activation is the k-bit uniform
 * quantizer (q2, q4, q8) outputs one of 2^k values per unit, (2j − s)/s with s = 2^k − 1, so its level
 * indices j ARE its code, k bits per unit, with nothing binned away.
 *
 * The information estimator's fixed-bin coding (src/kernels/layer_codes/) gives exactly those indices
 * when its s edges are the midpoints between neighbouring levels, −1 + (2j + 1)/s for j = 0 … s − 1:
 * the index of a value is the number of edges at or below it, which is j for level j (each level lies
 * 1/s away from the nearest edge, far beyond f32 rounding), packed in ⌈log2(s + 1)⌉ = k bits per unit.
 * The codes are the packed indices themselves while W·k fits the 64-bit code (per = ⌊32/k⌋ units a word,
 * two words), and hashed past that, as for every other coding.
 */
import { kbitActivation, type LayerActivation } from '../config/run-config.ts';
import type { LayerCoding } from '../info/settings.ts';
import { codePlan } from '../kernels/layer_codes/ref.ts';

/** The coding whose indices are a k-bit layer's level indices. */
export function kbitCoding(bits: number): LayerCoding {
  const s = 2 ** bits - 1;
  return { mode: 'fixed', bins: s, lo: -1 + 1 / s, hi: 1 - 1 / s };
}

/** The coding of a layer with this activation if it is k-bit (q2, q4, q8), else undefined. */
export function kbitLayerCoding(activation: LayerActivation | null): LayerCoding | undefined {
  const bits = activation ? kbitActivation(activation) : undefined;
  return bits ? kbitCoding(bits) : undefined;
}

/** Whether a k-bit layer of `width` units is counted exactly (its packed codes fit 64 bits) or hashed. */
export function kbitCodesExact(bits: number, width: number): boolean {
  return codePlan(kbitCoding(bits), width).exact;
}
