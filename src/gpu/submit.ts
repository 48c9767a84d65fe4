/**
 * Every piece of GPU work goes through `submit`: it encodes inside validation and out-of-memory error
 * scopes and throws a KernelError naming the work when either catches something. WebGPU reports such
 * errors asynchronously and otherwise only to the console, after which the dispatch silently writes
 * nothing (GPU-TESTING.md, "Traps seen").
 */
import type { Gpu } from './device.ts';
import { KernelError } from './errors.ts';

export async function submit(
  gpu: Gpu,
  label: string,
  encode: (encoder: GPUCommandEncoder) => void,
): Promise<void> {
  const { device } = gpu;
  device.pushErrorScope('internal');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let thrown: unknown;
  try {
    const encoder = device.createCommandEncoder({ label });
    encode(encoder);
    device.queue.submit([encoder.finish()]);
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
