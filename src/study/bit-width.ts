/**
 * The bit width of a recorded network, for the capacity study (docs/METHOD.md §6.8): the dial runs from
 * binary (k = 1) through k-bit uniform quantizers (k = 2, 4, 8) to float (k = 32).
 *
 * A hidden layer has two widths, its weights' and its activations':
 *
 *   weights      binary → 1, q2/q4/q8 → 2/4/8, float → 32, ternary → none (log2 3 bits is not on the dial)
 *   activations  a sign quantizer (binary_output) → 1, q2/q4/q8 → 2/4/8, anything else (tanh, hardtanh,
 *                relu, …) → 32
 *
 * A network has bit width k when every hidden layer's weights and activations are k bits. Any other
 * network (binary weights with float activations, ternary weights, one q4 layer among q8 ones, …) is
 * **mixed**: it has no k, and the capacity study lists it apart instead of guessing a place on the dial.
 * The output layer (a softmax read-out, float in every network of the capacity sweep) does not count: the
 * information plane estimates hidden layers only.
 */
import { KBIT_ACTIVATIONS, type WeightKind } from '../config/run-config.ts';

/** The points of the dial; 32 stands for float. */
export const DIAL = [1, 2, 4, 8, 32] as const;
export type BitWidth = (typeof DIAL)[number];
export const FLOAT_BITS: BitWidth = 32;

export interface NetworkBits {
  /** The network's k, or null when its layers disagree (mixed). */
  bits: BitWidth | null;
  /** E.g. "k = 4", "float", or "mixed (weights 1, activations 32)". */
  description: string;
}

type Json = Record<string, unknown>;

const KBIT = new Map<string, BitWidth>([
  ['q2', 2],
  ['q4', 4],
  ['q8', 8],
]);

/** The bit width of a layer's weights; null for ternary (or a kind this study does not know). */
export function weightBits(kind: WeightKind | string | undefined, binaryFlag: boolean): BitWidth | null {
  if (kind === undefined) return binaryFlag ? 1 : FLOAT_BITS;
  if (kind === 'binary') return 1;
  if (kind === 'float') return FLOAT_BITS;
  return KBIT.get(kind) ?? null;
}

/** The bit width of a layer's activations, from its record entry. */
export function activationBits(layer: Json): BitWidth {
  if (layer.binary_output === true) return 1;
  const codes = layer.kbit_codes as Json | undefined;
  const fromCodes = codes && typeof codes.bits === 'number' ? KBIT.get(`q${codes.bits}`) : undefined;
  if (fromCodes) return fromCodes;
  const act = layer.activation;
  if (typeof act === 'string' && (KBIT_ACTIVATIONS as readonly string[]).includes(act))
    return KBIT.get(act) as BitWidth;
  return FLOAT_BITS;
}

export const describeBits = (k: BitWidth): string => (k === FLOAT_BITS ? 'float' : `k = ${k}`);

/**
 * The network's bit width from its estimated hidden layers' record entries and the configuration's hidden
 * layers (`config.network.hidden[index].weights`; older records without it: the `binary` flag).
 */
export function networkBits(
  hidden: readonly Json[],
  configHidden: readonly unknown[] | undefined,
): NetworkBits {
  const w = hidden.map((l) => {
    const cfg = typeof l.index === 'number' ? (configHidden?.[l.index] as Json | undefined) : undefined;
    return weightBits(cfg?.weights as string | undefined, l.binary === true);
  });
  const a = hidden.map(activationBits);
  const all = [...w, ...a];
  if (all.length > 0 && all.every((k) => k !== null && k === all[0]))
    return { bits: all[0], description: describeBits(all[0] as BitWidth) };
  const list = (xs: (BitWidth | null)[]) =>
    [...new Set(xs.map((k) => (k === null ? 'ternary' : String(k))))].join('/');
  return { bits: null, description: `mixed (weights ${list(w)}, activations ${list(a)})` };
}

/** Where a network sits on the trend's axis: log2 k (float at log2 32 = 5). */
export const dialPosition = (k: BitWidth): number => Math.log2(k);
