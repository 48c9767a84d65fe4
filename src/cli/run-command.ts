/**
 * `bitplane run <config.json | link | fragment> [--out run.json] [--epochs N] [--replicas R] [--seed S]`
 *
 * Trains headless through Dawn and writes the result record (to --out, else to stdout). Progress goes to
 * stderr. Ctrl-C finishes the epoch in flight and writes what was computed ('interrupted'). An invalid
 * configuration exits with code 2 before anything is computed or written.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { acquireGpu, describeAdapter } from '../gpu/device.ts';
import { loggedEpochs } from '../info/schedule.ts';
import { ConfigError, type ConfigInput, parseConfig, type RunConfig } from '../run/config.ts';
import { parseLink } from '../run/link.ts';
import { npy } from '../run/npy.ts';
import { replicaMean, runTraining } from '../run/runner.ts';

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
  --quiet         no progress lines
exit codes: 0 done, 1 failed (GPU error, diverged), 2 invalid configuration, 130 interrupted`;

export class UsageError extends Error {}

/** The configuration named by the command line, or a ConfigError / UsageError. */
export async function configFromArgs(
  source: string | undefined,
  overrides: Partial<Record<'epochs' | 'replicas' | 'seed', string>>,
): Promise<RunConfig> {
  let input: ConfigInput = {};
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
    // A result record carries its configuration: accept it too.
    if (input && typeof input === 'object' && 'schema' in input && 'config' in input)
      input = (input as { config: ConfigInput }).config;
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

export async function runCommand(argv: string[]): Promise<number> {
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
  try {
    config = await configFromArgs(positionals[0], {
      epochs: values.epochs as string | undefined,
      replicas: values.replicas as string | undefined,
      seed: values.seed as string | undefined,
    });
    if (values.trainer !== undefined) config = parseConfig({ ...config, trainer: values.trainer });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) {
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

  let labelsWritten = false; // written with the first dump, whichever epoch that is
  const gpu = await acquireGpu();
  const quiet = values.quiet === true;
  if (!quiet) {
    console.error(`adapter: ${describeAdapter(gpu.adapter)}${gpu.note ? `\nnote: ${gpu.note}` : ''}`);
  }
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: stop now
    console.error(
      '\ninterrupt: finishing this epoch, then writing what was computed (Ctrl-C again to quit at once)',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let record: Awaited<ReturnType<typeof runTraining>>;
  // One progress line per second at most (and always the last epoch), the latest metrics repeated.
  let lastLine = -Infinity;
  let latest = '';
  const progress = (epoch: number, epochs: number, elapsed_s: number, eta_s: number) => {
    const now = performance.now();
    if (quiet || (now - lastLine < 1000 && epoch < epochs)) return;
    lastLine = now;
    const rate = epoch / Math.max(elapsed_s, 1e-9);
    console.error(`epoch ${epoch}/${epochs}  ${latest}  ${rate.toFixed(1)} epochs/s  ETA ${fmtTime(eta_s)}`);
  };
  try {
    record = await runTraining(gpu, config, {
      signal: controller.signal,
      onEpoch: ({ epoch, epochs, metrics, elapsed_s, eta_s }) => {
        latest =
          `loss ${replicaMean(metrics.trainLoss).toFixed(4)} / ${replicaMean(metrics.testLoss).toFixed(4)}` +
          `  acc ${replicaMean(metrics.trainAcc).toFixed(3)} / ${replicaMean(metrics.testAcc).toFixed(3)}` +
          ` (train / test at epoch ${epoch}, mean of ${config.replicas})`;
        progress(epoch, epochs, elapsed_s, eta_s);
      },
      onProgress: ({ epoch, epochs, elapsed_s, eta_s }) => progress(epoch, epochs, elapsed_s, eta_s),
      dump:
        dumpEpochs && dumpDir
          ? {
              epochs: dumpEpochs,
              async write(epoch, { layers, labels, n }) {
                await mkdir(dumpDir, { recursive: true });
                if (!labelsWritten) await writeFile(join(dumpDir, 'labels.npy'), npy(labels, [n]));
                labelsWritten = true;
                for (const [l, acts] of layers.entries()) {
                  const W = acts.length / (config.replicas * n);
                  for (let r = 0; r < config.replicas; r++) {
                    const part = acts.subarray(r * n * W, (r + 1) * n * W);
                    await writeFile(join(dumpDir, `e${epoch}_r${r}_l${l}.npy`), npy(part, [n, W]));
                  }
                }
              },
            }
          : undefined,
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`bitplane run: ${e.message}`); // e.g. trainer=fused on a network it does not take
    return 2;
  } finally {
    process.off('SIGINT', onSigint);
    gpu.destroy();
  }
  const json = `${JSON.stringify(record, null, 1)}\n`;
  if (typeof values.out === 'string') {
    const tmp = `${values.out}.partial`;
    await writeFile(tmp, json);
    await rename(tmp, values.out); // never leaves a half-written record under the final name
    if (!quiet)
      console.error(`wrote ${values.out} (${record.status}, ${record.epochs.length} logged epochs)`);
  } else {
    process.stdout.write(json);
  }
  if (record.message) console.error(record.message);
  return record.status === 'complete' ? 0 : record.status === 'interrupted' ? 130 : 1;
}
