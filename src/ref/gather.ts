/** CPU references of shaders/gather_rows.wgsl and shaders/flip_count.wgsl. */
import { popcount32 } from './binary.ts';

/** out[r,b,:] = src[idx[r·idxStride + offset + b], :]; an index ≥ nSource gives zero inputs and label 0xFFFFFFFF. */
export function gatherRowsRef(
  src: ArrayLike<number>,
  srcLabels: ArrayLike<number>,
  idx: ArrayLike<number>,
  { R, B, D, offset, idxStride }: { R: number; B: number; D: number; offset: number; idxStride: number },
): { out: Float32Array; labels: Uint32Array } {
  const nSource = srcLabels.length;
  const out = new Float32Array(R * B * D);
  const labels = new Uint32Array(R * B);
  for (let r = 0; r < R; r++) {
    for (let b = 0; b < B; b++) {
      const i = idx[r * idxStride + offset + b];
      labels[r * B + b] = i < nSource ? srcLabels[i] : 0xffffffff;
      for (let d = 0; d < D; d++) out[(r * B + b) * D + d] = i < nSource ? src[i * D + d] : 0;
    }
  }
  return { out, labels };
}

/** ratio[r] = popcount(cur XOR prev over replica r's W words) / total. */
export function flipRatioRef(
  cur: Uint32Array,
  prev: Uint32Array,
  R: number,
  W: number,
  total: number,
): Float32Array {
  const out = new Float32Array(R);
  for (let r = 0; r < R; r++) {
    let flips = 0;
    for (let w = 0; w < W; w++) flips += popcount32(cur[r * W + w] ^ prev[r * W + w]);
    out[r] = flips / Math.max(total, 1);
  }
  return out;
}
