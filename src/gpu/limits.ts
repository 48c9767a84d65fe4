/**
 * Size checks against the adapter's limits, run before anything is allocated, so a layer that is too
 * large fails with a message that names the layer, the limit and both numbers instead of a device error.
 */
import type { Gpu } from './device.ts';
import { LimitError } from './errors.ts';

/** A storage buffer of `bytes` for `what` (e.g. "layer 2 weights"). */
export function checkStorageBytes(gpu: Gpu, what: string, bytes: number): void {
  const { maxStorageBufferBindingSize, maxBufferSize } = gpu.device.limits;
  if (bytes > maxStorageBufferBindingSize) {
    throw new LimitError(
      `${what} (bytes)`,
      'maxStorageBufferBindingSize',
      bytes,
      maxStorageBufferBindingSize,
    );
  }
  if (bytes > maxBufferSize) throw new LimitError(`${what} (bytes)`, 'maxBufferSize', bytes, maxBufferSize);
}

/** A dispatch of `groups` workgroups for `kernel`. */
export function checkWorkgroups(gpu: Gpu, kernel: string, groups: readonly [number, number, number]): void {
  const max = gpu.device.limits.maxComputeWorkgroupsPerDimension;
  const axes = ['x', 'y', 'z'];
  groups.forEach((g, i) => {
    if (g > max) {
      throw new LimitError(
        `${kernel} workgroups along ${axes[i]}`,
        'maxComputeWorkgroupsPerDimension',
        g,
        max,
      );
    }
  });
}

/** A workgroup of `size` invocations. */
export function checkWorkgroupSize(gpu: Gpu, kernel: string, size: readonly [number, number, number]): void {
  const l = gpu.device.limits;
  const total = size[0] * size[1] * size[2];
  if (total > l.maxComputeInvocationsPerWorkgroup) {
    throw new LimitError(
      `${kernel} invocations per workgroup`,
      'maxComputeInvocationsPerWorkgroup',
      total,
      l.maxComputeInvocationsPerWorkgroup,
    );
  }
}
