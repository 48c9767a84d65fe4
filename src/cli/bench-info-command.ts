/**
 * `bitplane bench-info [--json] [--quick] [--replicas R] [--epochs N]`: what the information plane costs
 * (src/bench/info-overhead.ts): the 12-bit protocol's epoch time with and without the estimate, and one
 * estimate of a 1024-wide float layer over 10,000 samples. A benchmark, not a test: numbers, with the
 * adapter that gave them.
 */
import { parseArgs } from 'node:util';
import { measureOverhead, measureWideEstimate } from '../bench/info-overhead.ts';
import { acquireGpu, describeAdapter } from '../gpu/device.ts';

export const BENCH_INFO_USAGE = `usage: bitplane bench-info [--json] [--quick] [--replicas R] [--epochs N]

  the 12-bit protocol (BNN and tanh DNN, batch 256, every epoch evaluated) timed with and without the
  information-plane estimate, and one estimate of a 1024-wide float layer over 10,000 samples
  --quick   fewer epochs and a smaller wide layer (a smoke run)`;

export async function benchInfoCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        quick: { type: 'boolean' },
        replicas: { type: 'string' },
        epochs: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${BENCH_INFO_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(BENCH_INFO_USAGE);
    return 0;
  }
  const quick = values.quick === true;
  const replicas = Number(values.replicas ?? (quick ? 1 : 4));
  const epochs = Number(values.epochs ?? (quick ? 2 : 20));
  if (!Number.isInteger(replicas) || replicas < 1 || !Number.isInteger(epochs) || epochs < 1) {
    console.error(
      `bitplane bench-info: --replicas and --epochs must be whole numbers ≥ 1\n\n${BENCH_INFO_USAGE}`,
    );
    return 2;
  }
  const gpu = await acquireGpu();
  const adapter = describeAdapter(gpu.adapter);
  console.error(`adapter: ${adapter}${gpu.note ? `\nnote: ${gpu.note}` : ''}`);
  try {
    const overhead = await measureOverhead(gpu, replicas, epochs, (line) => console.error(line));
    const wide = await measureWideEstimate(gpu, quick ? 1000 : 10_000, quick ? 64 : 1024, quick ? 2 : 7);
    console.error(
      `one estimate of a ${wide.width}-wide layer over ${wide.n} samples: ${wide.estimate_ms.median.toFixed(1)} ms (IQR ${wide.estimate_ms.iqr.toFixed(1)})`,
    );
    if (values.json) {
      console.log(
        JSON.stringify({ schema: 'bitplane.bench-info/1', adapter: gpu.adapter, overhead, wide }, null, 1),
      );
    } else {
      console.log(`adapter: ${adapter}\n`);
      console.log(
        '| 12-bit protocol | replicas | ms/epoch without estimate (median, IQR) | with | overhead |',
      );
      console.log('|---|---|---|---|---|');
      for (const o of overhead) {
        console.log(
          `| ${o.network} | ${o.replicas} | ${o.without_ms.median.toFixed(1)} (${o.without_ms.iqr.toFixed(1)}) | ${o.with_ms.median.toFixed(1)} (${o.with_ms.iqr.toFixed(1)}) | ${o.overhead >= 0 ? '+' : ''}${(100 * o.overhead).toFixed(1)} % |`,
        );
      }
      console.log(
        `\none estimate, ${wide.width}-wide float layer, ${wide.n} samples, 30 bins: ${wide.estimate_ms.median.toFixed(1)} ms median (IQR ${wide.estimate_ms.iqr.toFixed(1)}, ${wide.estimate_ms.n} runs)`,
      );
    }
  } finally {
    gpu.destroy();
  }
  return 0;
}
