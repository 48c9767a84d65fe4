/**
 * The capacity report's comparison with Lorenzen, Igel & Nielsen (ICLR 2022, "Information Bottleneck:
 * Exact Analysis of (Quantized) Neural Networks"): what they did, what the capacity sweep does, where the
 * setups differ, and, written from our numbers by the rule of docs/METHOD.md §6.8, whether our 8- and
 * 4-bit results on the 12-bit task agree with theirs. Pure.
 */
import type { CapacityCell, FamilyResult } from './capacity.ts';
import { interval, num } from './format.ts';
import type { Interval } from './statistic.ts';

export type Agreement = 'agrees' | 'goes against' | 'undecided' | 'no data';

/** Most hidden layers compress (≥ the floor) when the CI of the per-replica share lies above one half. */
export function compressionAgreement(c: CapacityCell | undefined): Agreement {
  const ci = c?.compressing.ci ?? null;
  if (ci === null) return 'no data';
  if (ci.lo > 0.5) return 'agrees';
  if (ci.hi < 0.5) return 'goes against';
  return 'undecided';
}

/** Their two-phase order (fitting, then compression) holds when the CI of S̄ lies below one half. */
export function phaseAgreement(c: CapacityCell | undefined): Agreement {
  const ci: Interval | null = c?.share.ci ?? null;
  if (ci === null) return 'no data';
  if (ci.hi < 0.5) return 'agrees';
  if (ci.lo > 0.5) return 'goes against';
  return 'undecided';
}

const WORD: Record<Agreement, string> = {
  agrees: '**agrees with Lorenzen et al.**',
  'goes against': '**goes against Lorenzen et al.**',
  undecided: '**undecided** (the interval straddles one half)',
  'no data': '**no data** (no fitted replica with an informative layer)',
};

function cellSentences(k: 4 | 8, c: CapacityCell | undefined): string[] {
  if (!c) return [`- k = ${k}: no records at this bit width yet.`];
  const part = c.complete ? '' : ` (incomplete: ${c.replicas} replicas)`;
  return [
    `- k = ${k}${part}: a share ${num(c.compressing.mean)} ${interval(c.compressing.ci)} of the informative hidden layers compress (smoothed I(X;T) falls by at least 0.1 bit). Against their finding that the hidden layers of bounded (tanh) networks compress, this ${WORD[compressionAgreement(c)]}.`,
    `- k = ${k}: S̄ = ${num(c.share.mean)} ${interval(c.share.ci)} of that compression happens before fitting ends. Against their order of phases (fitting first, compression after), this ${WORD[phaseAgreement(c)]}.`,
  ];
}

type Json = Record<string, unknown>;

/** The training setup of a family, from the configuration its key holds (src/study/records.ts). */
export function setupOf(f: FamilyResult): string {
  let config: Json = {};
  try {
    const key = JSON.parse(f.family) as unknown[];
    config = (key[2] ?? {}) as Json;
  } catch {
    return 'configuration not readable';
  }
  const opt = (config.optimizer ?? {}) as Json;
  const lo = Math.min(...f.cells.map((c) => c.replicas));
  const hi = Math.max(...f.cells.map((c) => c.replicas));
  const parts = [
    `${String(opt.name ?? '?')}${opt.lr !== undefined ? `, learning rate ${opt.lr}` : ''}`,
    `batch ${String(config.batchSize ?? '?')}`,
    `${String(config.epochs ?? '?')} epochs`,
    `bit widths ${f.cells.map((c) => (c.bits === 32 ? 'float' : c.bits)).join(', ')}`,
    `${lo === hi ? lo : `${lo}–${hi}`} replicas a cell`,
  ];
  return `${parts.join('; ')}.`;
}

export function lorenzenSection(families: readonly FamilyResult[]): string[] {
  const out = [
    '## Comparison with Lorenzen, Igel & Nielsen (ICLR 2022)',
    '',
    '**What they did.** "Information Bottleneck: Exact Analysis of (Quantized) Neural Networks" trains quantized',
    'networks so that every layer takes finitely many values and I(X;T), I(T;Y) are computed exactly, without a binning',
    'estimator. The networks are trained with the quantization in the loop (quantization-aware training with fake',
    'quantization in the forward pass and straight-through gradients, TensorFlow Model Optimization after Jacob et al.',
    '2018), not quantized after training. Their main setting is the 12-bit task of Shwartz-Ziv & Tishby with the',
    '12-10-7-5-4-3-2 network, tanh or ReLU, no batch normalization, at 8 bits; 4 bits and unquantized (32-bit) networks',
    'are repeated in an appendix; MNIST networks (ReLU) complete it. As we read their published code: Adam, learning rate',
    '1e-4, full-batch training, 8000 epochs on the 12-bit task, 50 repetitions, an 80/20 split, the MI over the whole data',
    'set. In the versions of their code we read, the quantization range of a tanh layer is set per layer (fixed to',
    "[−1, 1] in one version, the minimum and maximum of the activations in another), and whether a tanh layer's weights",
    'are quantized differs between versions. They report a fitting phase in every layer and a compression phase in the',
    'output layer in every experiment, while compression in the hidden layers depends on the activation function: as',
    'we read their results, it is seen in the tanh networks and not (or much less) in the ReLU ones. They read',
    'compression off the information-plane curves averaged over repetitions; they do not measure when it happens',
    "relative to fitting. (The reported findings are their abstract's own summary; the setup details before them are",
    'our reading of the paper and its code, not checked line by line here.)',
    '',
    '**What we did.** The capacity sweep (`sweeps/capacity.json`) trains 12-10-7-5-4-3-2 on the 12-bit task (2000 epochs,',
    'batch 512) and 64-16-12-8-10 on the UCI digits (300 epochs, batch 128) with weights and activations quantized',
    'together at k = 1, 2, 4, 8 (sign, or the uniform quantizer q_k on the fixed window [−1, 1], docs/METHOD.md §2.1) and',
    'float (hardtanh), batch normalization in every hidden layer, STE training with Adam (learning rate 4e-4), 20',
    'replicas each (each network from its own seed). k-bit layers are counted exactly while width·k ≤ 64 bits (their codes are hashed beyond), float layers by 30',
    'bins. Compression is measured per replica by the statistic S of docs/METHOD.md §6 and the share of layers whose',
    'smoothed I(X;T) falls by at least 0.1 bit.',
    '',
    '**Where the setups differ.** Batch normalization (ours: every hidden layer; theirs: none); the quantizer (ours:',
    'symmetric, fixed window, the same for weights and activations; theirs: affine fake quantization with per-layer or',
    'data-derived ranges); the activation (ours: the clip of q_k, bounded like tanh but piecewise linear; theirs: tanh',
    'or ReLU); optimizer settings (learning rate 4e-4 with minibatches of 512 against 1e-4 full batch); length (2000',
    'against 8000 epochs); replicas (20 against 50); the output layer (we estimate hidden layers only, so their',
    'output-layer result has no counterpart here); the second dataset (UCI digits with a dense network against MNIST',
    'with convolutions, so only the 12-bit task is compared). Their bounded networks are the closer match to ours, so',
    'the sentences below compare with their tanh results.',
    '',
  ];
  out.push('**What these records hold** (read from their configurations):', '');
  for (const f of families) out.push(`- ${f.label}: ${setupOf(f)}`);
  if (families.length === 0) out.push('- nothing on the dial.');
  out.push(
    '',
    '**Our 8- and 4-bit results against theirs** (12-bit task; written by the report generator from the',
    'numbers, rule in docs/METHOD.md §6.8):',
    '',
  );
  const bits12 = families.filter((f) => f.dataset === 'bits12');
  if (bits12.length === 0) out.push('- No 12-bit task records: nothing to compare yet.');
  for (const f of bits12) {
    if (bits12.length > 1) out.push(`${f.label}:`, '');
    for (const k of [8, 4] as const)
      out.push(
        ...cellSentences(
          k,
          f.cells.find((c) => c.bits === k),
        ),
      );
  }
  return out;
}
