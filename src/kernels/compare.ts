/**
 * The checker (llm.c's validate_result): compares a GPU result with its CPU reference, exactly for
 * integer kernels, within |gpu − ref| ≤ atol + rtol·|ref| for float ones. Reports the tensor, the number
 * of mismatches, the largest error and the first few bad indices with both values.
 */

export interface Tolerance {
  atol: number;
  rtol: number;
}

export const EXACT: Tolerance = { atol: 0, rtol: 0 };

export interface Comparison {
  ok: boolean;
  name: string;
  count: number;
  mismatches: number;
  maxAbsError: number;
  /** Printable summary: "out: 0 of 561 differ (max |err| 0)" or the first bad indices. */
  summary: string;
}

export function compareArrays(
  name: string,
  gpu: ArrayLike<number>,
  ref: ArrayLike<number>,
  tol: Tolerance = EXACT,
  show = 5,
): Comparison {
  if (gpu.length !== ref.length) {
    return {
      ok: false,
      name,
      count: ref.length,
      mismatches: ref.length,
      maxAbsError: Number.POSITIVE_INFINITY,
      summary: `${name}: length ${gpu.length} on the GPU, ${ref.length} in the reference`,
    };
  }
  let mismatches = 0;
  let maxAbsError = 0;
  const bad: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const g = gpu[i];
    const r = ref[i];
    const err = Math.abs(g - r);
    const sameNonFinite = !Number.isFinite(r) && Object.is(g, r);
    const ok = sameNonFinite || (Number.isFinite(g) && err <= tol.atol + tol.rtol * Math.abs(r));
    if (Number.isFinite(err)) maxAbsError = Math.max(maxAbsError, err);
    else if (!sameNonFinite) maxAbsError = Number.POSITIVE_INFINITY;
    if (!ok) {
      mismatches++;
      if (bad.length < show) bad.push(`[${i}] gpu ${g} ref ${r}`);
    }
  }
  const head = `${name}: ${mismatches} of ${ref.length} differ (max |err| ${maxAbsError.toExponential(2)}, tol ${tol.atol} + ${tol.rtol}·|ref|)`;
  return {
    ok: mismatches === 0,
    name,
    count: ref.length,
    mismatches,
    maxAbsError,
    summary: bad.length ? `${head}; first: ${bad.join('; ')}` : head,
  };
}
