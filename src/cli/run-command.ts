/**
 * `bitplane run <config.json | link | fragment> [--out run.json] [--epochs N] [--replicas R] [--seed S]`
 *
 * Trains headless through Dawn and writes the result record (to --out, else to stdout). Progress goes to
 * stderr. Ctrl-C finishes the epoch in flight and writes what was computed ('interrupted'). An invalid
 * configuration exits with code 2 before anything is computed or written.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, type ConfigInput, parseConfig, type RunConfig } from '../config/run-config.ts';
import { adapterLimitProblem } from '../data/custom.ts';
import type { DataFiles } from '../data/types.ts';
import { acquireGpu, describeAdapter, type Gpu } from '../gpu/device.ts';
import { loggedEpochs } from '../info/schedule.ts';
import { BudgetError, checkRunBudget, type MemoryBudget } from '../run/budget.ts';
import { parseLink } from '../run/link.ts';
import { npy } from '../run/npy.ts';
import type { RunRecord } from '../run/record.ts';
import { RunFailedError, type RunOptions, replicaMean, runTraining } from '../run/runner.ts';
import { applyDataOption, DataOptionError } from './data-option.ts';
import { checkOutputDir, checkOutputFile, OutputError, saveRecoveryCopy, writeFileAtomic } from './output.ts';
import { handleStopSignals } from './signals.ts';
import { SWEEP_RUN_USAGE, sweepRunCommand } from './sweep-run.ts';

export const RUN_USAGE = `usage: bitplane run <config.json | link | fragment> [options]

  <config.json>   a JSON run configuration (missing fields take their defaults)
  <link>          an app link (https://…#v=1&…) or just its fragment ("v=1&data=bits12&…");
                  an empty fragment ("") means the defaults: the 12-bit task, 12-10-7-5-4-3-2,
                  a BNN with batch normalization and ste_sign
options:
  --out FILE      write the result record there (default: standard output)
  --epochs N      override the number of epochs
  --replicas R    override the number of replicas (seeds trained at once)
  --seed S        override the seed
  --trainer fused|layered|auto
                  which GPU trainer (default auto: the fused one when the network fits it; the record's
                  "trainer" says which ran and why); fused on a network that does not fit exits 2
  --dump-activations EPOCHS
                  write every layer's activations over the estimation set at these epochs
                  (comma-separated, e.g. 0,10,100; "logged" for every logged epoch) as NumPy .npy
                  float32 [samples, width]: DIR/e<epoch>_r<replica>_l<layer>.npy, plus DIR/labels.npy,
                  in the sample order the estimator used (layer indices as in the record's "layers")
  --dump-dir DIR  where to write them (required with --dump-activations)
  --data FILE.csv | FEATURES.npy,LABELS.npy
                  train on your own data (docs/own-data.md): validated first (a bad file exits 2
                  naming the row and column); a link that names a data file needs it, with its hash
  --quiet         no progress lines
--out and --dump-dir are checked before anything is computed; the record is written atomically (a
temporary file beside it, fsync, rename). SIGINT, SIGTERM and SIGHUP finish the epoch in flight and
write the record ('interrupted'); a second signal stops at once.
exit codes: 0 done, 1 failed (GPU error, diverged, record could not be written), 2 invalid
            configuration, output path or a run too large, 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP

${SWEEP_RUN_USAGE}`;

export class UsageError extends Error {}

/** A command-line word that names a file rather than a link: has a slash or a file extension, no '='. */
function looksLikePath(source: string): boolean {
  if (source.includes('=') || source.includes('#')) return false;
  return /[\\/]/.test(source) || /\.[a-z0-9]+$/i.test(source);
}

function jsonKind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/** The host memory a run may take: three quarters of what is free now, at most half of all memory. */
function hostBudgetBytes(): number {
  return Math.min(freemem() * 0.75, totalmem() * 0.5);
}

/** The adapter's limits and the host budget, for checkRunBudget. */
export function cliMemoryBudget(gpu: Gpu): MemoryBudget {
  const { maxBufferSize, maxStorageBufferBindingSize } = gpu.device.limits;
  return {
    maxBufferSize,
    maxStorageBufferBindingSize,
    hostBytes: hostBudgetBytes(),
    sharedMemory: gpu.adapter.software,
  };
}

/**
 * Writes a finished record to `out` atomically; when that fails, saves it where it can be recovered and
 * says where. Returns false when the record could not be written to `out`.
 */
export async function writeRecord(out: string, record: RunRecord, quiet: boolean): Promise<boolean> {
  const json = `${JSON.stringify(record, null, 1)}\n`;
  try {
    await writeFileAtomic(out, json);
    if (!quiet) console.error(`wrote ${out} (${record.status}, ${record.epochs.length} logged epochs)`);
    return true;
  } catch (e) {
    const saved = await saveRecoveryCopy(out, json);
    const where = saved
      ? `the record (${record.status}, ${record.epochs.length} logged epochs) was saved to ${saved}`
      : 'no other place took the record either: it follows on standard output';
    console.error(`bitplane run: ${(e as Error).message}; ${where}`);
    if (!saved) process.stdout.write(json);
    return false;
  }
}

/** The configuration named by the command line, or a ConfigError / UsageError. */
export async function configFromArgs(
  source: string | undefined,
  overrides: Partial<Record<'epochs' | 'replicas' | 'seed', string>>,
): Promise<RunConfig> {
  let input: ConfigInput = {};
  if (source !== undefined && looksLikePath(source) && !existsSync(source)) {
    throw new UsageError(`${source}: no such file (a configuration is a .json file, a link or a fragment)`);
  }
  if (source !== undefined && looksLikePath(source) && !/\.json$/i.test(source)) {
    throw new UsageError(
      `${source} is not a .json file (a configuration is a .json file, a link or a fragment)`,
    );
  }
  if (source !== undefined && /\.json$/i.test(source)) {
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${source}: ${(e as Error).message}`);
    }
    try {
      input = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${source} is not valid JSON: ${(e as Error).message}`);
    }
    // Only an object is a configuration: spreading an array, null or a number would run the defaults.
    const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (!isObject(input)) throw new UsageError(`${source}: expected an object, got ${jsonKind(input)}`);
    // A result record carries its configuration: accept it too.
    if ('schema' in input && 'config' in input) {
      input = (input as { config: ConfigInput }).config;
      if (!isObject(input))
        throw new UsageError(`${source}: "config": expected an object, got ${jsonKind(input)}`);
    }
  } else if (source !== undefined) {
    const { config, issues } = parseLink(source);
    if (issues.length) throw new ConfigError(issues.map(({ key, message }) => ({ field: key, message })));
    input = config;
  }
  const merged: Record<string, unknown> = { ...(input as object) };
  for (const [key, text] of Object.entries(overrides)) {
    if (text === undefined) continue;
    const n = Number(text);
    if (!/^\d+$/.test(text))
      throw new ConfigError([{ field: key, message: `--${key} must be a whole number, got "${text}"` }]);
    if (!Number.isSafeInteger(n))
      throw new ConfigError([{ field: key, message: `--${key} ${text} is far too large` }]);
    merged[key] = n;
  }
  return parseConfig(merged);
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

/** Trains with progress lines on stderr (one a second at most, and always the last epoch). */
async function train(
  gpu: Gpu,
  config: RunConfig,
  signal: AbortSignal,
  quiet: boolean,
  dump: RunOptions['dump'],
  files?: DataFiles,
): Promise<RunRecord> {
  let lastLine = -Infinity;
  let latest = '';
  const progress = (epoch: number, epochs: number, elapsed_s: number, eta_s: number) => {
    const now = performance.now();
    if (quiet || (now - lastLine < 1000 && epoch < epochs)) return;
    lastLine = now;
    const rate = epoch / Math.max(elapsed_s, 1e-9);
    console.error(`epoch ${epoch}/${epochs}  ${latest}  ${rate.toFixed(1)} epochs/s  ETA ${fmtTime(eta_s)}`);
  };
  return runTraining(gpu, config, {
    signal,
    files,
    onEpoch: ({ epoch, epochs, metrics, elapsed_s, eta_s }) => {
      latest =
        `loss ${replicaMean(metrics.trainLoss).toFixed(4)} / ${replicaMean(metrics.testLoss).toFixed(4)}` +
        `  acc ${replicaMean(metrics.trainAcc).toFixed(3)} / ${replicaMean(metrics.testAcc).toFixed(3)}` +
        ` (train / test at epoch ${epoch}, mean of ${config.replicas})`;
      progress(epoch, epochs, elapsed_s, eta_s);
    },
    onProgress: ({ epoch, epochs, elapsed_s, eta_s }) => progress(epoch, epochs, elapsed_s, eta_s),
    dump,
  });
}

export async function runCommand(argv: string[]): Promise<number> {
  // Runs named by a sweep manifest (src/cli/sweep-run.ts).
  if (argv.some((a) => a === '--from' || a.startsWith('--from='))) return sweepRunCommand(argv);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        epochs: { type: 'string' },
        replicas: { type: 'string' },
        seed: { type: 'string' },
        trainer: { type: 'string' },
        quiet: { type: 'boolean' },
        'dump-activations': { type: 'string' },
        'dump-dir': { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${RUN_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(RUN_USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    console.error(`bitplane run takes one configuration, got ${positionals.length}\n\n${RUN_USAGE}`);
    return 2;
  }
  let config: RunConfig;
  let own: Awaited<ReturnType<typeof applyDataOption>>;
  try {
    config = await configFromArgs(positionals[0], {
      epochs: values.epochs as string | undefined,
      replicas: values.replicas as string | undefined,
      seed: values.seed as string | undefined,
    });
    if (values.trainer !== undefined) config = parseConfig({ ...config, trainer: values.trainer });
    own = await applyDataOption(config, values.data as string | undefined);
    config = own.config;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof DataOptionError) {
      console.error(`bitplane run: ${e.message}`);
      return 2;
    }
    throw e;
  }

  let dumpEpochs: number[] | undefined;
  const dumpSpec = values['dump-activations'] as string | undefined;
  const dumpDir = values['dump-dir'] as string | undefined;
  if (dumpSpec !== undefined || dumpDir !== undefined) {
    if (dumpSpec === undefined || dumpDir === undefined) {
      console.error('bitplane run: --dump-activations and --dump-dir go together');
      return 2;
    }
    if (dumpSpec === 'logged') dumpEpochs = loggedEpochs(config.log, config.epochs);
    else {
      dumpEpochs = dumpSpec.split(',').map(Number);
      const bad = dumpSpec.split(',').find((e) => !/^\d+$/.test(e) || Number(e) > config.epochs);
      if (bad !== undefined) {
        console.error(
          `bitplane run: --dump-activations: "${bad}" is not an epoch from 0 to ${config.epochs}`,
        );
        return 2;
      }
    }
  }

  // Every output is checked before the GPU or the data are touched.
  const out = values.out as string | undefined;
  try {
    if (out !== undefined) await checkOutputFile(out, 1 << 20);
    if (dumpDir !== undefined) await checkOutputDir(dumpDir);
  } catch (e) {
    if (e instanceof OutputError) {
      console.error(`bitplane run: ${e.message}`);
      return 2;
    }
    throw e;
  }

  const quiet = values.quiet === true;
  const stop = handleStopSignals({
    name: 'bitplane run',
    firstMessage: 'finishing this epoch, then writing what was computed',
  });
  let labelsWritten = false; // written with the first dump, whichever epoch that is
  let dumpFailure: string | undefined;
  const stopForDump = new AbortController();
  let record: RunRecord;
  try {
    const gpu = await acquireGpu();
    try {
      // Limits before allocation: the run's memory against the adapter's limits and the host budget.
      checkRunBudget(config, cliMemoryBudget(gpu));
      const tooLarge = own.data && adapterLimitProblem(own.data.N, own.data.D, gpu.device.limits);
      if (tooLarge) throw new DataOptionError(`${values.data}: ${tooLarge}`);
      if (!quiet) {
        console.error(`adapter: ${describeAdapter(gpu.adapter)}${gpu.note ? `\nnote: ${gpu.note}` : ''}`);
      }
      record = await train(
        gpu,
        config,
        AbortSignal.any([stop.signal, stopForDump.signal]),
        quiet,
        dumpEpochs && dumpDir
          ? {
              epochs: dumpEpochs,
              async write(epoch, { layers, labels, n }) {
                if (dumpFailure) return;
                try {
                  if (!labelsWritten) await writeFileAtomic(join(dumpDir, 'labels.npy'), npy(labels, [n]));
                  labelsWritten = true;
                  for (const [l, acts] of layers.entries()) {
                    const W = acts.length / (config.replicas * n);
                    for (let r = 0; r < config.replicas; r++) {
                      const part = acts.subarray(r * n * W, (r + 1) * n * W);
                      await writeFileAtomic(join(dumpDir, `e${epoch}_r${r}_l${l}.npy`), npy(part, [n, W]));
                    }
                  }
                } catch (e) {
                  // A dump that cannot be written stops the run; the record of what was computed is kept.
                  dumpFailure = `activation dump at epoch ${epoch}: ${(e as Error).message}`;
                  console.error(`bitplane run: ${dumpFailure}; stopping after this epoch`);
                  stopForDump.abort();
                }
              },
            }
          : undefined,
        own.files,
      );
    } finally {
      gpu.destroy();
    }
  } catch (e) {
    if (e instanceof RunFailedError) {
      // The epochs computed before the failure are written like any record; the exit code says it failed.
      if (out !== undefined) await writeRecord(out, e.record, quiet);
      else process.stdout.write(`${JSON.stringify(e.record, null, 1)}\n`);
      stop.finished();
      console.error(`bitplane run: ${e.message}`);
      return 1;
    }
    stop.release();
    if (e instanceof BudgetError || e instanceof DataOptionError || e instanceof ConfigError) {
      console.error(`bitplane run: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (dumpFailure && record.status !== 'diverged') {
    record.status = 'interrupted';
    record.message = `stopped: ${dumpFailure}`;
  }
  // The handlers stay while the record is written: a first signal now changes nothing (the record is
  // complete), a second one removes the temporary file and exits.
  let written = true;
  if (out !== undefined) written = await writeRecord(out, record, quiet);
  else process.stdout.write(`${JSON.stringify(record, null, 1)}\n`);
  // Written: a signal during the shutdown that follows exits at once with its code.
  stop.finished();
  if (record.message) console.error(record.message);
  if (!written) return 1;
  if (record.status === 'interrupted') return dumpFailure && !stop.received ? 1 : stop.exitCode;
  return record.status === 'complete' ? 0 : 1;
}
