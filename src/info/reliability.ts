/**
 * The reliability rule for a plug-in estimate (docs/METHOD.md §3): when nearly every sample of the
 * estimation set has its own code, I(X;T) sits at its log2 N ceiling and says little about compression.
 * A layer is unreliable when that holds for more than UNRELIABLE_SHARE of its (replica, logged epoch)
 * points. The report's verdicts and the figures' marks both apply this one rule.
 */

/** A layer is unreliable when its estimate is near the ceiling for more than half the logged points. */
export const UNRELIABLE_SHARE = 0.5;

/** The part of a record's information plane the rule reads (run/record.ts InfoRecord). */
export interface NearCeilingFlags {
  /** The estimated layers. */
  layers: readonly number[];
  /** [replica][logged epoch][estimated layer]: the plug-in estimate sits near log2 n. */
  near_ceiling: readonly (readonly (readonly boolean[])[])[];
}

/**
 * Per estimated layer (info.layers' order), the share of its (replica, logged epoch) points whose I(X;T)
 * estimate is near the log2 N ceiling (0 without points). A layer is unreliable above UNRELIABLE_SHARE.
 */
export function nearCeilingShares(info: NearCeilingFlags): number[] {
  return info.layers.map((_, j) => {
    let near = 0;
    let count = 0;
    for (const rep of info.near_ceiling)
      for (const e of rep) {
        count++;
        if (e[j]) near++;
      }
    return count ? near / count : 0;
  });
}
