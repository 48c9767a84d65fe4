/** The `bitplane` command: dispatches to its subcommands. */
import { GpuUnavailableError, KernelError, LimitError } from '../gpu/errors.ts';
import { RUN_USAGE, runCommand } from './run-command.ts';

const USAGE = `usage: bitplane <command> [options]

commands:
  run       train a configuration headless and write its result record

${RUN_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
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
