/**
 * CPU reference of shaders/gather_rows.wgsl (exact: it moves bits).
 */
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
