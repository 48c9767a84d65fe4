/**
 * `bitplane bench [--json] [--sizes 128,256] [--rows 4096] [--kernels gemm,xnor_gemm] [--quick] …`
 *
 * Runs the kernel benchmark headless through Dawn and prints a table (Markdown), or with --json the
 * record (schema bitplane.bench/1). Progress goes to stderr. Exit codes: 0 done, 1 an output did not
 * match its CPU reference (or a GPU error), 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { BenchUsageError, runBench, selectKernels } from '../bench/harness.ts';
import { benchMarkdown } from '../bench/report.ts';
import { parseBenchParams } from '../bench/settings.ts';
import { loadTfjsPeer } from '../bench/tfjs-peer.ts';
import { acquireGpu, describeAdapter } from '../gpu/device.ts';
import { BENCH_KERNELS } from '../kernels/index.ts';

export const BENCH_USAGE = `usage: bitplane bench [options]

options:
  --json            print the record (JSON) instead of the table
  --quick           tiny sizes, few short spans (a smoke run)
  --kernels LIST    kernels to time (default: all): ${BENCH_KERNELS.map((k) => k.name).join(', ')}
  --sizes LIST      GEMM sizes M = N = K (default 128,256,512,1024,2048)
  --rows LIST       rows N of the other kernels, 256 wide (default 4096,16384,70000)
  --spans N         timed spans per measurement (default 7)
  --span-ms MS      minimum length of one span (default 20)
  --budget S        skip a measurement estimated to take longer (default 30)
  --peers LIST      tfjs,cpu (default both) or none
The same settings as the app's benchmark link: #bench&sizes=…&kernels=…`;

export async function benchCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        quick: { type: 'boolean' },
        kernels: { type: 'string' },
        sizes: { type: 'string' },
        rows: { type: 'string' },
        spans: { type: 'string' },
        'span-ms': { type: 'string' },
        budget: { type: 'string' },
        peers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(BENCH_USAGE);
    return 0;
  }
  const params: [string, string][] = [];
  if (values.quick) params.push(['quick', '']);
  for (const [flag, key] of [
    ['kernels', 'kernels'],
    ['sizes', 'sizes'],
    ['rows', 'rows'],
    ['spans', 'spans'],
    ['span-ms', 'span_ms'],
    ['budget', 'budget'],
    ['peers', 'peers'],
  ] as const) {
    const v = values[flag];
    if (typeof v === 'string') params.push([key, v]);
  }
  const { settings, issues } = parseBenchParams(params);
  try {
    if (issues.length)
      throw new BenchUsageError(issues.map((i) => `--${i.key.replace('_', '-')}: ${i.message}`).join('\n'));
    selectKernels(settings.kernels);
  } catch (e) {
    if (e instanceof BenchUsageError) {
      console.error(`bitplane bench: ${e.message}\n\n${BENCH_USAGE}`);
      return 2;
    }
    throw e;
  }

  const gpu = await acquireGpu();
  console.error(`adapter: ${describeAdapter(gpu.adapter)}${gpu.note ? `\nnote: ${gpu.note}` : ''}`);
  let record: Awaited<ReturnType<typeof runBench>>;
  try {
    record = await runBench(gpu, settings, {
      loadTfjs: loadTfjsPeer,
      onProgress: (line) => console.error(line),
    });
  } finally {
    gpu.destroy();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(record, null, 1)}\n`);
  else process.stdout.write(benchMarkdown(record));
  return record.failures.length ? 1 : 0;
}
