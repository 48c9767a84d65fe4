/**
 * The errors the GPU layer throws. Each one says what went wrong and what to do, so the CLI and the app
 * can show `message` as it is.
 */

/** No WebGPU implementation or no adapter: says how to get one. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

/** A WGSL compilation, validation or out-of-memory error, tagged with the kernel (or submit) that raised it. */
export class KernelError extends Error {
  override name = 'KernelError';
  constructor(
    readonly kernel: string,
    readonly kind: 'compilation' | 'validation' | 'out-of-memory' | 'internal' | 'pipeline',
    detail: string,
  ) {
    super(`${kernel}: ${kind} error: ${detail}`);
  }
}

/** A size beyond what the adapter allows, refused before anything was allocated. */
export class LimitError extends Error {
  override name = 'LimitError';
  constructor(
    readonly what: string,
    readonly limit: string,
    readonly value: number,
    readonly max: number,
  ) {
    super(
      `${what}: ${value} exceeds this adapter's ${limit} (${max}). ` +
        'Use a smaller layer, batch or estimation set, or an adapter with a larger limit.',
    );
  }
}

/** Operands whose shapes do not fit together; the message carries both shapes. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}
