/**
 * CPU reference of shaders/softmax_xent.wgsl: softmax cross-entropy, its gradient and the argmax hit,
 * per (replica, sample) row. Plain loops in float64; the executable spec.
 */

export interface SoftmaxXentRef {
  /** [R·B] per-sample −log softmax(z)_label; NaN for a label ≥ C. */
  loss: Float64Array;
  /** [R·B·C] scale·(softmax(z) − onehot(label)); the whole row NaN for a label ≥ C. */
  dlogits: Float64Array;
  /** [R·B] 1 if argmax (lowest index on ties) == label else 0; 0 for a label ≥ C. */
  correct: Float64Array;
}

/**
 * logits [R,B,C], labels [R,B] (each replica its own). `scale` multiplies the gradient: 1/B makes it the
 * gradient of the mean loss over the minibatch.
 */
export function softmaxXentRef(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  R: number,
  B: number,
  C: number,
  scale: number,
): SoftmaxXentRef {
  const loss = new Float64Array(R * B);
  const dlogits = new Float64Array(R * B * C);
  const correct = new Float64Array(R * B);
  for (let row = 0; row < R * B; row++) {
    const base = row * C;
    const y = labels[row];
    if (!(y >= 0 && y < C)) {
      loss[row] = Number.NaN;
      dlogits.fill(Number.NaN, base, base + C);
      continue; // correct stays 0
    }
    let mx = logits[base];
    let arg = 0;
    for (let c = 1; c < C; c++) {
      if (logits[base + c] > mx) {
        mx = logits[base + c];
        arg = c;
      }
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[base + c] - mx);
    loss[row] = Math.log(s) - (logits[base + y] - mx);
    for (let c = 0; c < C; c++) {
      dlogits[base + c] = scale * (Math.exp(logits[base + c] - mx) / s - (c === y ? 1 : 0));
    }
    correct[row] = arg === y ? 1 : 0;
  }
  return { loss, dlogits, correct };
}
