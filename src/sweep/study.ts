/**
 * Across the runs of a sweep (pure): runs that differ only by seed form a group, and each group gets its
 * counts (complete, failed, missing), the spread of its final accuracies and generalization gap, and per
 * estimated layer the mean near-ceiling share (how far the plug-in estimate can be trusted at this N and
 * width) and how many runs compress while fitting, after fitting, or not at all (docs/METHOD.md §1, §3).
 *
 * The pre-registered study statistic itself (docs/METHOD.md §6) needs the records' trajectories, not the
 * rows: `bitplane sweep report` computes it with src/study/ (as `bitplane study` does) beside this summary.
 */
import type { Cell, SweepRow } from './report.ts';

export interface Spread {
  mean: number;
  min: number;
  max: number;
}

export interface GroupSummary {
  /** The group's link without its seed. */
  link: string;
  runs: number;
  complete: number;
  /** diverged or interrupted */
  failed: number;
  /** no record, or an unreadable one */
  missing: number;
  seeds: number[];
  test_acc: Spread | null;
  generalization_gap: Spread | null;
  /** Per estimated layer h1, h2, …: over the group's complete runs. */
  layers: {
    near_ceiling_share: number;
    while_fitting: number;
    after_fitting: number;
    none: number;
    mixed: number;
  }[];
}

export interface StudyReport {
  runs: number;
  complete: number;
  groups: GroupSummary[];
}

function spreadOf(xs: number[]): Spread | null {
  const ok = xs.filter(Number.isFinite);
  if (!ok.length) return null;
  return { mean: ok.reduce((a, b) => a + b, 0) / ok.length, min: Math.min(...ok), max: Math.max(...ok) };
}

/** A link without its `seed=` field: the key runs that differ only by seed share. */
export function withoutSeed(link: string): string {
  return link
    .split('&')
    .filter((p) => !p.startsWith('seed='))
    .join('&');
}

const num = (c: Cell | undefined) => (typeof c === 'number' ? c : Number.NaN);

export function studyReport(rows: readonly SweepRow[]): StudyReport {
  const groups = new Map<string, SweepRow[]>();
  for (const row of rows) {
    const key = typeof row.link === 'string' ? withoutSeed(row.link) : `(no link) ${row.id}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const summaries: GroupSummary[] = [];
  for (const [link, members] of groups) {
    const complete = members.filter((r) => r.status === 'complete');
    const layers: GroupSummary['layers'] = [];
    for (let j = 1; complete.some((r) => `h${j}_timing` in r); j++) {
      const have = complete.filter((r) => `h${j}_timing` in r);
      const count = (t: string) => have.filter((r) => r[`h${j}_timing`] === t).length;
      layers.push({
        near_ceiling_share: have.reduce((a, r) => a + num(r[`h${j}_near_ceiling_share`]), 0) / have.length,
        while_fitting: count('while-fitting'),
        after_fitting: count('after-fitting'),
        none: count('none'),
        mixed: count('mixed'),
      });
    }
    summaries.push({
      link,
      runs: members.length,
      complete: complete.length,
      failed: members.filter((r) => r.status === 'diverged' || r.status === 'interrupted').length,
      missing: members.filter((r) => r.status === 'missing' || r.status === 'unreadable').length,
      seeds: members.map((r) => num(r.seed)).filter(Number.isFinite),
      test_acc: spreadOf(complete.map((r) => num(r.test_acc))),
      generalization_gap: spreadOf(complete.map((r) => num(r.generalization_gap))),
      layers,
    });
  }
  return {
    runs: rows.length,
    complete: rows.filter((r) => r.status === 'complete').length,
    groups: summaries,
  };
}
