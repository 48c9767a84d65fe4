/**
 * `bitplane run --from sweep.jsonl --index I [--chunk K] --out-dir DIR`: runs manifest lines I·K … I·K+K−1
 * in this one process (one Dawn device for the whole chunk) and writes DIR/<id>.json for each.
 *
 * Idempotent, so a job array can simply be resubmitted: a run whose record says `complete` (for the same
 * link) is skipped; an `interrupted` or `diverged` one is rerun; a record that cannot be read, or that is
 * for another link, is named, kept beside it as `<id>.json.corrupt-<time>`, and rerun. Records are
 * written atomically (src/cli/output.ts), so a killed job never leaves half a record under its final name.
 * Everything is checked (manifest, index, every link of the chunk, the output directory) before any run.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunConfig } from '../config/run-config.ts';
import { acquireGpu, describeAdapter } from '../gpu/device.ts';
import { parseLink } from '../run/link.ts';
import { RECORD_SCHEMA, type RunRecord } from '../run/record.ts';
import { replicaMean, runTraining } from '../run/runner.ts';
import { chunkLines, ManifestError, parseManifest } from '../sweep/manifest.ts';
import { canonicalLink, type ManifestEntry } from '../sweep/spec.ts';
import { checkOutputDir, OutputError, writeFileAtomic } from './output.ts';
import { handleStopSignals } from './signals.ts';

export const SWEEP_RUN_USAGE = `usage: bitplane run --from sweep.jsonl [--index I] [--chunk K] --out-dir DIR [--quiet]

  runs lines I·K … I·K+K−1 (0-based) of a manifest written by \`bitplane sweep expand\`, one after another
  in one process, and writes DIR/<id>.json for each
  --index I       the chunk; default $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX
  --chunk K       lines per index (default 1)
  --out-dir DIR   where the records go (created if missing)
  a record of the same link that says "complete" is skipped; interrupted or diverged runs are rerun;
  a corrupt record is kept as <id>.json.corrupt-<time> and rerun
exit codes: 0 every run of the chunk is complete, 1 a run diverged or failed (the others still ran),
  2 bad input (manifest, index, link or output directory: nothing ran), or a corrupt record was found
  (kept aside and rerun), 130/143/129 interrupted (SIGINT/SIGTERM/SIGHUP: the run in flight is written
  as "interrupted" and the rest of the chunk is left for the next call; a second signal stops at once)`;

/** What DIR/<id>.json holds now. */
export type ExistingRecord =
  | { kind: 'none' }
  | { kind: 'complete' }
  | { kind: 'rerun'; status: string }
  | { kind: 'corrupt'; reason: string };

/** Reads an existing record for `entry`, saying whether its run must be (re)done. */
export async function existingRecord(path: string, entry: ManifestEntry): Promise<ExistingRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'corrupt', reason: (e as Error).message };
  }
  let r: Partial<RunRecord>;
  try {
    r = JSON.parse(text);
  } catch (e) {
    return { kind: 'corrupt', reason: `not JSON (${(e as Error).message})` };
  }
  if (!r || typeof r !== 'object' || r.schema !== RECORD_SCHEMA)
    return { kind: 'corrupt', reason: `not a ${RECORD_SCHEMA} record` };
  if (typeof r.link !== 'string' || canonicalLink(r.link).link !== canonicalLink(entry.link).link)
    return { kind: 'corrupt', reason: `its link ${JSON.stringify(r.link)} is not the manifest's` };
  if (r.status === 'complete') return { kind: 'complete' };
  return { kind: 'rerun', status: String(r.status) };
}

class UsageError extends Error {}

/** At most one progress line per run this often (ms). */
const PROGRESS_MS = 10_000;

function wholeNumber(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new UsageError(`${name} must be a whole number ≥ ${min}, got "${text}"`);
  return Number(text);
}

/** --index, else SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX. */
export function chunkIndex(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  const sources: [string, string | undefined][] = [
    ['--index', flag],
    ['SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID],
    ['JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX],
  ];
  const found = sources.find(([, v]) => v !== undefined && v !== '');
  if (!found)
    throw new UsageError('no --index, and neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set');
  return wholeNumber(found[0], found[1], 0) as number;
}

export async function sweepRunCommand(argv: string[], env = process.env): Promise<number> {
  let from: string;
  let outDir: string;
  let lines: number[];
  let entries: ManifestEntry[];
  let quiet: boolean;
  const configs = new Map<number, RunConfig>();
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        index: { type: 'string' },
        chunk: { type: 'string' },
        'out-dir': { type: 'string' },
        quiet: { type: 'boolean' },
      },
    });
    if (positionals.length) throw new UsageError(`--from takes no configuration, got "${positionals[0]}"`);
    if (!values.from) throw new UsageError('--from needs a manifest file');
    if (!values['out-dir']) throw new UsageError('--from needs --out-dir DIR');
    from = values.from;
    outDir = values['out-dir'];
    quiet = values.quiet === true;
    const chunk = wholeNumber('--chunk', values.chunk, 1) ?? 1;
    const index = chunkIndex(values.index, env);
    let text: string;
    try {
      text = await readFile(from, 'utf8');
    } catch (e) {
      throw new ManifestError(`cannot read ${from}: ${(e as Error).message}`);
    }
    entries = parseManifest(text, from);
    lines = chunkLines(entries.length, index, chunk, from);
    for (const line of lines) {
      const { config, issues } = parseLink(entries[line].link);
      if (issues.length)
        throw new ManifestError(
          `${from} line ${line + 1}: ${issues.map((i) => `${i.key}: ${i.message}`).join('; ')}`,
        );
      configs.set(line, config);
    }
    await checkOutputDir(outDir);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ManifestError || e instanceof OutputError) {
      console.error(`bitplane run: ${e.message}${e instanceof UsageError ? `\n\n${SWEEP_RUN_USAGE}` : ''}`);
      return 2;
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`bitplane run: ${(e as Error).message}\n\n${SWEEP_RUN_USAGE}`);
      return 2;
    }
    throw e;
  }

  // Which runs are left to do; a corrupt record is moved aside (never lost) before its run.
  const todo: number[] = [];
  let corrupt = 0;
  for (const line of lines) {
    const entry = entries[line];
    const path = join(outDir, `${entry.id}.json`);
    const existing = await existingRecord(path, entry);
    if (existing.kind === 'complete') {
      if (!quiet) console.error(`line ${line + 1} ${entry.id}: complete already, skipped`);
      continue;
    }
    if (existing.kind === 'corrupt') {
      const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        await rename(path, aside);
      } catch (e) {
        console.error(`bitplane run: corrupt record ${path} cannot be moved aside: ${(e as Error).message}`);
        return 2;
      }
      console.error(`bitplane run: corrupt record ${path}: ${existing.reason}; kept as ${aside}, rerunning`);
      corrupt++;
    } else if (existing.kind === 'rerun' && !quiet)
      console.error(`line ${line + 1} ${entry.id}: record says "${existing.status}", rerunning`);
    todo.push(line);
  }
  if (todo.length === 0) return corrupt ? 2 : 0;

  const gpu = await acquireGpu();
  if (!quiet)
    console.error(`adapter: ${describeAdapter(gpu.adapter)}${gpu.note ? `\nnote: ${gpu.note}` : ''}`);
  // SIGINT, SIGTERM and SIGHUP alike (src/cli/signals.ts): the first finishes the epoch in flight and
  // writes that run as 'interrupted', leaving the rest of the chunk; a second stops at once.
  const stop = handleStopSignals({
    name: 'bitplane run',
    firstMessage: 'finishing this epoch, writing what was computed, leaving the rest of the chunk',
  });
  let failed = 0;
  let unwritable: string | undefined;
  try {
    for (const [k, line] of todo.entries()) {
      if (stop.signal.aborted) break;
      const entry = entries[line];
      const path = join(outDir, `${entry.id}.json`);
      let record: RunRecord;
      try {
        // A progress line at the first epoch, then every PROGRESS_MS at most (job logs stay short), and at
        // the last; it starts with "epoch N/M" like `bitplane run`'s (reproduce forwards these lines).
        let last = Number.NEGATIVE_INFINITY; // the first epoch is shown at once: the run has started
        const progress = ({ epoch, epochs, eta_s }: { epoch: number; epochs: number; eta_s: number }) => {
          if (quiet || (performance.now() - last < PROGRESS_MS && epoch < epochs)) return;
          last = performance.now();
          console.error(
            `epoch ${epoch}/${epochs} of line ${line + 1} ${entry.id}, about ${Number.isFinite(eta_s) ? Math.ceil(eta_s) : '?'} s left`,
          );
        };
        record = await runTraining(gpu, configs.get(line) as RunConfig, {
          signal: stop.signal,
          onEpoch: progress,
          onProgress: progress,
        });
      } catch (e) {
        // One run's failure (e.g. a kernel error) does not cost the rest of the chunk.
        console.error(`bitplane run: line ${line + 1} ${entry.id} failed: ${(e as Error).message}`);
        failed++;
        continue;
      }
      try {
        await writeFileAtomic(path, `${JSON.stringify(record, null, 1)}\n`);
      } catch (e) {
        if (!(e instanceof OutputError)) throw e;
        unwritable = e.message; // e.g. the disk filled up: the next runs could not be written either
        break;
      }
      if (record.status !== 'complete' && record.status !== 'interrupted') failed++;
      if (!quiet || record.status !== 'complete') {
        const acc = record.metrics.test_acc.map((rep) => rep[rep.length - 1] ?? Number.NaN);
        console.error(
          `[${k + 1}/${todo.length}] line ${line + 1} ${entry.id}: ${record.status} in ` +
            `${record.timing.total_s.toFixed(1)} s, test acc ${replicaMean(acc).toFixed(3)} → ${path}` +
            (record.message ? ` (${record.message})` : ''),
        );
      }
    }
  } finally {
    stop.release();
    gpu.destroy();
  }
  if (unwritable) {
    console.error(`bitplane run: ${unwritable}`);
    return 2;
  }
  if (stop.signal.aborted) return stop.exitCode;
  return failed ? 1 : corrupt ? 2 : 0;
}
