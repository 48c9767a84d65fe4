/**
 * CPU references of the counting stage (shaders/code_counts.wgsl + count_of_counts.wgsl): exact
 * histograms of the codes per replica and per (code, label), their count of counts, and the plug-in
 * entropies computed from them. Plain loops, the executable spec; counts are exact integers.
 */
import { type CodeHistogram, type CountOfCount, countOfCounts } from '../../info/entropy.ts';

/**
 * Exact counting with Maps (code_counts + count_of_counts): per replica, the count of counts of the
 * codes and, per label, of the (code, label) pairs. codes u32[R, n, 2], labels u32[n] in 0..C−1.
 */
export function codeHistogramsRef(
  codes: Uint32Array,
  labels: ArrayLike<number>,
  R: number,
  n: number,
  C: number,
): CodeHistogram[] {
  const out: CodeHistogram[] = [];
  for (let r = 0; r < R; r++) {
    const all = new Map<string, number>();
    const pairs: Map<string, number>[] = Array.from({ length: C }, () => new Map());
    for (let i = 0; i < n; i++) {
      const key = `${codes[(r * n + i) * 2]}:${codes[(r * n + i) * 2 + 1]}`;
      all.set(key, (all.get(key) ?? 0) + 1);
      const m = pairs[labels[i]];
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    out.push({ n, all: countOfCounts(all.values()), perLabel: pairs.map((m) => countOfCounts(m.values())) });
  }
  return out;
}

/** Count-of-counts lists flattened as sorted [label', k, m] triples (label' = C for all samples). */
export function flattenHistogram(h: CodeHistogram): number[] {
  const C = h.perLabel.length;
  const rows: [number, number, number][] = [];
  const add = (label: number, list: readonly CountOfCount[]) => {
    for (const { k, m } of list) rows.push([label, k, m]);
  };
  h.perLabel.forEach((l, y) => {
    add(y, l);
  });
  add(C, h.all);
  rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return rows.flat();
}

/**
 * Plug-in H(T) and H(T|Y) straight from the code distribution p(t) = c/N (−Σ p log2 p), with no count
 * of counts: an independent route to check the count-of-counts formula against.
 */
export function plugInEntropiesRef(
  codes: Uint32Array,
  labels: ArrayLike<number>,
  r: number,
  n: number,
  C: number,
): { hT: number; hTgivenY: number } {
  const all = new Map<string, number>();
  const byLabel: Map<string, number>[] = Array.from({ length: C }, () => new Map());
  const ny = new Array<number>(C).fill(0);
  for (let i = 0; i < n; i++) {
    const key = `${codes[(r * n + i) * 2]}:${codes[(r * n + i) * 2 + 1]}`;
    all.set(key, (all.get(key) ?? 0) + 1);
    byLabel[labels[i]].set(key, (byLabel[labels[i]].get(key) ?? 0) + 1);
    ny[labels[i]]++;
  }
  const h = (m: Map<string, number>, N: number) => {
    let s = 0;
    for (const c of m.values()) s -= (c / N) * Math.log2(c / N);
    return s;
  };
  let hTgivenY = 0;
  for (let y = 0; y < C; y++) if (ny[y] > 0) hTgivenY += (ny[y] / n) * h(byLabel[y], ny[y]);
  return { hT: h(all, n), hTgivenY };
}
