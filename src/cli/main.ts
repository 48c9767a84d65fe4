/** The `bitplane` command: dispatches to its subcommands. */
import { GpuUnavailableError, KernelError, LimitError } from '../gpu/errors.ts';
import { BENCH_USAGE, benchCommand } from './bench-command.ts';
import { BENCH_INFO_USAGE, benchInfoCommand } from './bench-info-command.ts';
import { BENCH_TRAIN_USAGE, benchTrainCommand } from './bench-train-command.ts';
import { REPRODUCE_USAGE, reproduceCommand } from './reproduce-command.ts';
import { RUN_USAGE, runCommand } from './run-command.ts';

const USAGE = `usage: bitplane <command> [options]

commands:
  run       train a configuration headless and write its result record
  bench     time the GPU kernels against their peers (TensorFlow.js, the CPU references)
  bench-info  what the information-plane estimate costs in training time
  bench-train training speed: fused vs layered trainer vs a PyTorch-CPU peer (replica-epochs/s)
  reproduce the paper's experiments (DNNs vs BNNs): records, figures, REPRODUCTION.md

${RUN_USAGE}

${BENCH_USAGE}

${BENCH_INFO_USAGE}

${BENCH_TRAIN_USAGE}

${REPRODUCE_USAGE}`;

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
    throw e;
  }
}
