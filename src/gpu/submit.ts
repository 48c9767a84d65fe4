/**
 * Every piece of GPU work goes through `submit`: it encodes inside validation and out-of-memory error
 * scopes and throws a KernelError naming the work when either catches something. WebGPU reports such
 * errors asynchronously and otherwise only to the console, after which the dispatch silently writes
 * nothing (docs/gpu-testing.md, "Traps seen").
 */
import type { Gpu } from './device.ts';
import { KernelError } from './errors.ts';

/** Runs `fn` (synchronous GPU calls) inside error scopes; throws a KernelError labelled `label`. */
async function scoped(gpu: Gpu, label: string, fn: () => void): Promise<void> {
  const { device } = gpu;
  device.pushErrorScope('internal');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  const internal = await device.popErrorScope();
  if (thrown) throw thrown;
  if (validation) throw new KernelError(label, 'validation', validation.message);
  if (oom) throw new KernelError(label, 'out-of-memory', oom.message);
  if (internal) throw new KernelError(label, 'internal', internal.message);
}

export function submit(gpu: Gpu, label: string, encode: (encoder: GPUCommandEncoder) => void): Promise<void> {
  return scoped(gpu, label, () => {
    const encoder = gpu.device.createCommandEncoder({ label });
    encode(encoder);
    gpu.device.queue.submit([encoder.finish()]);
  });
}

/** Longest stretch of encoding between yields to the event loop, in submitSliced. */
export const ENCODE_SLICE_MS = 25;

/**
 * `submit` for long encodings: `encode` may await `pause()` between pieces, which yields to the event
 * loop once ENCODE_SLICE_MS have passed since the last yield, so a page stays responsive while an epoch of
 * hundreds of dispatches is recorded. Still one command buffer and one submit. Recording errors surface at
 * finish(), inside the scopes (which are not held open across the yields, so other work in between is not
 * blamed on this one).
 */
export async function submitSliced(
  gpu: Gpu,
  label: string,
  encode: (encoder: GPUCommandEncoder, pause: () => Promise<void>) => Promise<void>,
): Promise<void> {
  let last = performance.now();
  const pause = async () => {
    if (performance.now() - last < ENCODE_SLICE_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
  const encoder = gpu.device.createCommandEncoder({ label });
  await encode(encoder, pause);
  await scoped(gpu, label, () => gpu.device.queue.submit([encoder.finish()]));
}
