/**
 * Where a study report's numbers come from, the same for `bitplane study` and `--capacity`: every record
 * file, the records that stopped early and the replicas cut short, and their Markdown lines. Pure.
 */
import type { Experiment } from './records.ts';

/** Where a report's numbers come from: every record file, those that stopped early, replicas cut short. */
export interface RecordInputs {
  files: string[];
  /** Records that stopped early, and whether they were included. */
  incomplete: string[];
  /** Replicas whose numbers end early (diverged). */
  cut: string[];
}

/** The inputs of a report over these experiments (the study's and the capacity study's alike). */
export function recordInputs(experiments: readonly Experiment[]): RecordInputs {
  return {
    files: experiments.flatMap((x) => x.files),
    incomplete: experiments.flatMap((x) => x.incomplete),
    cut: experiments.flatMap((x) => x.replicas.filter((s) => s.cut).map((s) => `${s.file}: ${s.cut}`)),
  };
}

/** The Markdown lines that list the records that stopped early and the replicas cut short (none: []). */
export function inputNotes(r: RecordInputs): string[] {
  const out: string[] = [];
  if (r.incomplete.length) out.push('', 'Stopped early:', '', ...r.incomplete.map((f) => `- ${f}`));
  if (r.cut.length) out.push('', 'Replicas whose numbers end early:', '', ...r.cut.map((f) => `- ${f}`));
  return out;
}
