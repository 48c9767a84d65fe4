/** The `bitplane` command: dispatches to its subcommands. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GpuUnavailableError, KernelError, LimitError } from '../gpu/errors.ts';
import { BudgetError } from '../run/budget.ts';
import { BENCH_USAGE, benchCommand } from './bench-command.ts';
import { BENCH_INFO_USAGE, benchInfoCommand } from './bench-info-command.ts';
import { BENCH_TRAIN_USAGE, benchTrainCommand } from './bench-train-command.ts';
import { OutputError } from './output.ts';
import { REPRODUCE_USAGE, reproduceCommand } from './reproduce-command.ts';
import { RUN_USAGE, runCommand } from './run-command.ts';
import { STUDY_USAGE, studyCommand } from './study-command.ts';
import { SWEEP_USAGE, sweepCommand } from './sweep-command.ts';

const USAGE = `usage: bitplane <command> [options]

commands:
  run       train a configuration headless and write its result record
  bench     time the GPU kernels against their peers (TensorFlow.js, the CPU references)
  bench-info  what the information-plane estimate costs in training time
  bench-train training speed: fused vs layered trainer vs a PyTorch-CPU peer (replica-epochs/s)
  reproduce the paper's experiments (DNNs vs BNNs): records, figures, REPRODUCTION.md
  sweep     expand a sweep spec into a manifest of links; report a directory of records as one table
  study     the pre-registered study statistic over any set of records: CIs, p-values, verdicts

${RUN_USAGE}

${BENCH_USAGE}

${BENCH_INFO_USAGE}

${BENCH_TRAIN_USAGE}

${REPRODUCE_USAGE}

${SWEEP_USAGE}

${STUDY_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'bench':
        return await benchCommand(rest);
      case 'reproduce':
        return await reproduceCommand(rest);
      case 'sweep':
        return await sweepCommand(rest);
      case 'study':
        return await studyCommand(rest);
      case 'bench-info':
        return await benchInfoCommand(rest);
      case 'bench-train':
        return await benchTrainCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`bitplane: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof GpuUnavailableError || e instanceof KernelError || e instanceof LimitError) {
      console.error(`bitplane: ${e.message}`);
      return 1;
    }
    if (e instanceof OutputError || e instanceof BudgetError) {
      console.error(`bitplane: ${e.message}`);
      return 2;
    }
    return reportInternalError(e, argv);
  }
}

/**
 * An error nobody expected: one line for the user, the stack trace in a log file (never on the terminal).
 * Exit code 1.
 */
export function reportInternalError(e: unknown, argv: readonly string[]): number {
  const err = e instanceof Error ? e : new Error(String(e));
  const firstLine = (err.message.split('\n')[0] ?? '').slice(0, 300);
  const details = [
    `bitplane ${argv.join(' ')}`,
    new Date().toISOString(),
    `node ${process.version} ${process.platform} ${process.arch}`,
    '',
    err.stack ?? String(err),
    '',
  ].join('\n');
  const path = join(
    tmpdir(),
    `bitplane-error-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`,
  );
  let where: string;
  try {
    writeFileSync(path, details, { flag: 'wx' });
    where = `details in ${path}`;
  } catch {
    where = 'the details could not be saved';
  }
  console.error(`bitplane: internal error: ${err.name}: ${firstLine} (${where})`);
  return 1;
}
