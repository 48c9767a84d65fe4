/**
 * The Benchmarks view's Web Worker: runs a kernel's JavaScript CPU reference (src/kernels/<family>/ref.ts)
 * off the page's main thread, so the page stays responsive while a large reference runs for seconds.
 *
 *   in:  { id, kernel, inputs, repeat }     (inputs: the kernel's seeded inputs, structured-cloned)
 *   out: { id, output, times } | { id, error }
 */
import { repeatReference } from '../src/bench/types.ts';
import { BENCH_KERNELS } from '../src/kernels/index.ts';

interface Job {
  id: number;
  kernel: string;
  inputs: unknown;
  repeat: { timeIt: boolean; spans: number; spanMs: number };
}

self.onmessage = (e: MessageEvent<Job>) => {
  const { id, kernel, inputs, repeat } = e.data;
  try {
    const k = BENCH_KERNELS.find((x) => x.name === kernel);
    if (!k) throw new Error(`no benchmark kernel named ${kernel}`);
    const { output, times } = repeatReference(() => k.reference(inputs as never), repeat);
    self.postMessage({ id, output, times });
  } catch (err) {
    self.postMessage({ id, error: (err as Error).message });
  }
};
