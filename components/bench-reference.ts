import type { CpuReference } from '../src/bench/types.ts';

/**
 * The benchmark's CPU references in a Web Worker (components/bench-worker.ts, same origin: the page's
 * Content-Security-Policy allows `worker-src 'self'`). One worker per benchmark run; `close` ends it.
 */
export function workerReference(): { reference: CpuReference; close(): void } {
  const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module' });
  const pending = new Map<
    number,
    { resolve: (v: { output: ArrayLike<number>; times: number[] }) => void; reject: (e: Error) => void }
  >();
  let next = 0;
  worker.onmessage = (
    e: MessageEvent<{ id: number; output?: ArrayLike<number>; times?: number[]; error?: string }>,
  ) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.error !== undefined) p.reject(new Error(`CPU reference: ${e.data.error}`));
    else p.resolve({ output: e.data.output!, times: e.data.times! });
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(`CPU reference worker failed: ${e.message}`));
    pending.clear();
  };
  return {
    reference: (kernel, inputs, repeat) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, kernel, inputs, repeat });
      }),
    close: () => worker.terminate(),
  };
}
