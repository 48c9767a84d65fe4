/**
 * The reproduction run behind `bitplane reproduce` (src/cli/reproduce-command.ts parses its options):
 * trains the chosen experiments, each as its own `bitplane run` child process (`jobs` at once), keeps
 * their records and the manifest of how they were made in OUT/reproduction/, draws the figures
 * (src/cli/figures.ts) and writes OUT/REPRODUCTION.md (src/study/reproduction-report.ts). Node only (child
 * processes, files); callable without an argv.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/run-config.ts';
import { EXPERIMENTS, type Experiment, experimentConfig } from '../run/experiments.ts';
import { serializeLink } from '../run/link.ts';
import type { RunRecord } from '../run/record.ts';
import { type ReproductionEntry, reproductionMarkdown } from '../study/reproduction-report.ts';
import { manifestText, sweepId } from '../sweep/spec.ts';
import { checkOutputDir, checkOutputFile, OutputError, saveRecoveryCopy, writeFileAtomic } from './output.ts';

export interface ReproduceOptions {
  /** The smoke-test protocols (few epochs and replicas). */
  quick: boolean;
  /** Where the report goes; the records and figures go to OUT/reproduction/. */
  out: string;
  /** The experiments to train (known ids, table order); undefined: all. Trained ones add to DIR's run. */
  only?: readonly Experiment[];
  /** Experiments run at once. */
  jobs: number;
  /** No training: redraw the figures and rewrite the report from OUT's records. */
  reportOnly: boolean;
  /** Draw the figures (headless Chromium). */
  figures: boolean;
  /** The command line, as the manifest records it. */
  command: string;
}

/** How DIR's records were made: one part per `reproduce` invocation that trained into DIR. */
export interface Manifest {
  quick: boolean;
  parts: { command: string; wall_s: number; started: string; experiments: string[] }[];
  /** Free text for the report's header: where the records were made, anything unusual. */
  notes?: string[];
}

/** The experiments with records in DIR, in table order. */
const manifestExperiments = (m: Manifest) =>
  EXPERIMENTS.filter((e) => m.parts.some((p) => p.experiments.includes(e.id)));

const recordsDir = (out: string) => join(out, 'reproduction');

/** The bitplane entry point to start children with: this process's own script (bin/bitplane.mjs). */
function cliEntry(): string {
  return process.env.BITPLANE_CLI ?? process.argv[1];
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

/**
 * Runs line `index` of the experiments' manifest as `bitplane run --from MANIFEST --index I --out-dir DIR`
 * (src/cli/sweep-run.ts, the command a Slurm array or GNU parallel runs), its progress lines prefixed by
 * the experiment's id.
 */
function runChild(
  e: Experiment,
  manifestPath: string,
  index: number,
  outDir: string,
  children: Set<ChildProcess>,
): Promise<ChildResult> {
  const args = [cliEntry(), 'run', '--from', manifestPath, '--index', String(index), '--out-dir', outDir];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches the parent only, which forwards it once (two
    // SIGINTs would make the child quit without writing its record).
    detached: true,
  });
  children.add(child);
  let buffered = '';
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    buffered += chunk;
    tail = (tail + chunk).slice(-2000);
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) console.error(`[${e.id}] ${line}`);
  });
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      if (buffered.trim()) console.error(`[${e.id}] ${buffered}`);
      resolve({ code, signal, stderrTail: tail.trim().split('\n').slice(-3).join(' / ') });
    }),
  );
}

/** A JSON file (a record, the manifest), or null when there is none. */
async function readJson<T>(path: string): Promise<T | null> {
  if (!existsSync(path)) return null;
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

async function train(
  experiments: readonly Experiment[],
  quick: boolean,
  out: string,
  jobs: number,
): Promise<{ errors: Map<string, string>; interrupted: boolean; wall_s: number }> {
  const dir = recordsDir(out);
  // This run's results replace the old ones: a stale record must never stand in for a failed experiment.
  for (const e of experiments) {
    await rm(join(dir, `${e.id}.json`), { force: true });
    await rm(join(dir, `${e.id}.png`), { force: true });
  }
  const tmp = await mkdtemp(join(tmpdir(), 'bitplane-reproduce-'));
  const children = new Set<ChildProcess>();
  const errors = new Map<string, string>();
  let interrupted = false;
  const stop = () => {
    if (interrupted) {
      // A second Ctrl-C: the children quit at once (a second SIGINT makes `bitplane run` exit 130).
      console.error('\nreproduce: stopping now, without writing the epochs in flight');
      for (const c of children) c.kill('SIGINT');
      return;
    }
    interrupted = true;
    console.error(
      '\nreproduce: stopping every experiment after its epoch in flight; writing what was computed ' +
        '(Ctrl-C again to stop at once)',
    );
    for (const c of children) c.kill('SIGINT');
  };
  // The children sit in their own process group (runChild): a closed terminal reaches only us.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const sig of signals) process.on(sig, stop);
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  process.on('exit', killAll);
  const t0 = performance.now();
  // The experiments as a sweep manifest: line i is experiment i's canonical link.
  const entries = experiments.map((e) => {
    const link = serializeLink(parseConfig(experimentConfig(e, quick)));
    return { id: sweepId(link), link };
  });
  const manifestPath = join(tmp, 'experiments.jsonl');
  await writeFile(manifestPath, manifestText(entries));
  const queue = [...experiments];
  let finished = 0;
  const runOne = async (e: Experiment) => {
    const index = experiments.indexOf(e);
    const recPath = join(tmp, `${entries[index]!.id}.json`);
    if (interrupted) {
      errors.set(e.id, 'not started: interrupted');
      return;
    }
    console.error(`reproduce: ${e.id} started (${e.title})`);
    const started = performance.now();
    const { code, signal, stderrTail } = await runChild(e, manifestPath, index, tmp, children);
    const record = await readJson<RunRecord>(recPath);
    finished++;
    const secs = ((performance.now() - started) / 1000).toFixed(0);
    if (record) {
      // Compact JSON: the records are committed with the full report. Written atomically; a failed
      // write keeps the record where it can be recovered.
      const text = `${JSON.stringify(record)}\n`;
      try {
        await writeFileAtomic(join(dir, `${e.id}.json`), text);
      } catch (err) {
        const saved = await saveRecoveryCopy(join(dir, `${e.id}.json`), text);
        throw new Error(
          `${(err as Error).message}; ${saved ? `the record was saved to ${saved}` : 'the record is lost'}`,
        );
      }
      const acc = record.metrics.test_acc.map((r) => r[r.length - 1]);
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      console.error(
        `reproduce: ${e.id} ${record.status} in ${secs} s, test accuracy ${mean.toFixed(3)} ` +
          `[${finished}/${experiments.length}]`,
      );
    } else {
      const why = interrupted
        ? 'interrupted before its first epoch was written'
        : `${signal ? `killed by ${signal}` : `exit code ${code}`}${stderrTail ? `: ${stderrTail}` : ''}`;
      errors.set(e.id, why);
      console.error(`reproduce: ${e.id} failed (${why}) [${finished}/${experiments.length}]`);
    }
  };
  const worker = async () => {
    while (!interrupted) {
      const e = queue.shift();
      if (!e) break;
      try {
        await runOne(e);
      } catch (err) {
        // One experiment's trouble (a corrupt record, a full disk) must not orphan the others.
        errors.set(e.id, (err as Error).message);
        console.error(`reproduce: ${e.id} failed: ${(err as Error).message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, experiments.length) }, worker));
    for (const e of queue) errors.set(e.id, 'not started: interrupted');
  } finally {
    for (const sig of signals) process.off(sig, stop);
    if (children.size === 0) process.off('exit', killAll);
    await rm(tmp, { recursive: true, force: true });
  }
  return { errors, interrupted, wall_s: (performance.now() - t0) / 1000 };
}

/**
 * Trains (unless `reportOnly`), draws and reports; returns the exit code: 0 every experiment ran its whole
 * protocol, 1 one failed, did not run or stopped early, 2 a missing manifest or a bad combination, 130
 * interrupted. Messages go to stderr.
 */
export async function reproduce(o: ReproduceOptions): Promise<number> {
  const { quick, out, jobs } = o;
  let experiments: readonly Experiment[] = o.only ?? EXPERIMENTS;
  const dir = recordsDir(out);
  const manifestPath = join(dir, 'run.json');
  // Every output is checked before anything is trained: DIR, DIR/reproduction, the report.
  try {
    await checkOutputDir(out);
    await checkOutputDir(dir, 1 << 20);
    await checkOutputFile(join(out, 'REPRODUCTION.md'));
  } catch (e) {
    if (e instanceof OutputError) {
      console.error(`bitplane reproduce: ${e.message}`);
      return 2;
    }
    throw e;
  }
  let manifest: Manifest;
  let errors = new Map<string, string>();
  let interrupted = false;
  const previous = await readJson<Manifest>(manifestPath).catch(() => null);
  if (o.reportOnly) {
    if (o.only) {
      console.error(
        'bitplane reproduce: --report-only rewrites the whole report from every record in DIR; leave out --only',
      );
      return 2;
    }
    if (!previous?.parts) {
      console.error(`bitplane reproduce: --report-only needs ${manifestPath} (from an earlier reproduce)`);
      return 2;
    }
    manifest = previous;
    experiments = manifestExperiments(manifest);
  } else {
    const { command } = o;
    const started = new Date().toISOString();
    const result = await train(experiments, quick, out, jobs);
    ({ errors, interrupted } = result);
    const part = { command, wall_s: result.wall_s, started, experiments: experiments.map((e) => e.id) };
    // `--only` adds to (or redoes part of) the run already in DIR; a whole run starts afresh.
    const extend = o.only !== undefined && previous?.parts && previous.quick === quick;
    manifest = extend ? { ...previous, parts: [...previous.parts, part] } : { quick, parts: [part] };
    experiments = manifestExperiments(manifest);
    await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }

  const entries: ReproductionEntry[] = [];
  for (const e of experiments) {
    const record = await readJson<RunRecord>(join(dir, `${e.id}.json`)).catch(() => null);
    entries.push({
      experiment: e,
      record,
      recordPath: record ? `reproduction/${e.id}.json` : undefined,
      error: record ? undefined : (errors.get(e.id) ?? `no record in ${dir}`),
    });
  }
  let figuresNote: string | undefined;
  const drawn = entries.filter((e) => e.record);
  if (!o.figures) figuresNote = 'not drawn (--no-figures)';
  else if (drawn.length) {
    try {
      const { renderFigures } = await import('./figures.ts');
      console.error(`reproduce: drawing ${drawn.length} figures in headless Chromium`);
      await renderFigures(
        drawn.map((e) => ({
          record: e.record as RunRecord,
          title: e.experiment.title,
          path: join(dir, `${e.experiment.id}.png`),
        })),
      );
    } catch (err) {
      figuresNote = `not drawn: ${(err as Error).message}`;
      console.error(`reproduce: figures ${figuresNote}`);
    }
  }
  // Link every figure on disk: this run's, or (figures skipped or failed) those drawn before from the
  // same records — a trained experiment's old figure was deleted with its old record.
  for (const e of drawn) {
    if (existsSync(join(dir, `${e.experiment.id}.png`))) e.figure = `reproduction/${e.experiment.id}.png`;
  }
  if (!o.figures && drawn.some((e) => e.figure))
    figuresNote = 'not redrawn (--no-figures); the figures already in the folder are linked';
  const markdown = reproductionMarkdown({
    quick: manifest.quick,
    entries,
    parts: manifest.parts,
    notes: manifest.notes,
    figuresNote,
  });
  const reportPath = join(out, 'REPRODUCTION.md');
  await writeFileAtomic(reportPath, markdown);
  console.error(`reproduce: wrote ${reportPath}`);
  if (interrupted) return 130;
  return entries.every((e) => e.record?.status === 'complete') ? 0 : 1;
}
