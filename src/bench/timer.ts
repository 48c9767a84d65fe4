/**
 * Times one span of GPU work two ways at once:
 *
 * - GPU timestamps (when the device has `timestamp-query`): an empty compute pass writes a timestamp
 *   before the work and another after it, on the same queue. The work may be our own passes (encoded
 *   between the two markers in one command buffer) or someone else's submits (TensorFlow.js's), so both
 *   are timed by the same clock. Implementations may coarsen timestamps (Chrome rounds them to 100 µs
 *   unless started with developer flags): the granularity actually observed is tracked, and spans are
 *   made long enough for it.
 * - Wall time from just before the work is encoded to `queue.onSubmittedWorkDone()`: always available,
 *   and includes the CPU's encoding and submission overhead.
 */
import type { Gpu } from '../gpu/device.ts';
import { KernelError } from '../gpu/errors.ts';
import { gcd } from '../util/stats.ts';

export interface SpanTiming {
  /** GPU time between the markers, ms; null without timestamp queries or when they were unusable. */
  gpuMs: number | null;
  /** Encode-to-done wall time, ms. */
  wallMs: number;
}

/** Work of one span: encoded into our command buffer, or submitted by someone else. */
export type SpanWork = { encode(encoder: GPUCommandEncoder): void } | { run(): void | Promise<void> };

export class SpanTimer {
  readonly timestamps: boolean;
  private readonly querySet?: GPUQuerySet;
  private readonly resolveBuffer?: GPUBuffer;
  private readonly readBuffer?: GPUBuffer;
  /** Every raw timestamp and difference seen, for the granularity. */
  private readonly seen: bigint[] = [];
  private unusable = 0;

  constructor(private readonly gpu: Gpu) {
    const { device } = gpu;
    this.timestamps = device.features.has('timestamp-query');
    if (this.timestamps) {
      this.querySet = device.createQuerySet({ type: 'timestamp', count: 2, label: 'bench timestamps' });
      this.resolveBuffer = device.createBuffer({
        size: 16,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
        label: 'bench timestamps (resolve)',
      });
      this.readBuffer = device.createBuffer({
        size: 16,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        label: 'bench timestamps (read)',
      });
    }
  }

  private marker(encoder: GPUCommandEncoder, index: 0 | 1): void {
    if (!this.querySet) return;
    const timestampWrites: GPUComputePassTimestampWrites =
      index === 0
        ? { querySet: this.querySet, beginningOfPassWriteIndex: 0 }
        : { querySet: this.querySet, endOfPassWriteIndex: 1 };
    encoder.beginComputePass({ label: `bench marker ${index}`, timestampWrites }).end();
  }

  private finish(encoder: GPUCommandEncoder): void {
    if (!this.querySet || !this.resolveBuffer || !this.readBuffer) return;
    this.marker(encoder, 1);
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 0, 16);
  }

  /** Times one span; throws a KernelError naming `label` when the work raised a WebGPU error. */
  async time(label: string, work: SpanWork): Promise<SpanTiming> {
    const { device } = this.gpu;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const t0 = performance.now();
    let thrown: unknown;
    try {
      const encoder = device.createCommandEncoder({ label });
      this.marker(encoder, 0);
      if ('encode' in work) {
        work.encode(encoder);
        this.finish(encoder);
        device.queue.submit([encoder.finish()]);
      } else {
        device.queue.submit([encoder.finish()]);
        await work.run();
        const end = device.createCommandEncoder({ label: `${label} (end)` });
        this.finish(end);
        device.queue.submit([end.finish()]);
      }
      await device.queue.onSubmittedWorkDone();
    } catch (e) {
      thrown = e;
    }
    const wallMs = performance.now() - t0;
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (thrown) throw thrown;
    if (validation) throw new KernelError(label, 'validation', validation.message);
    if (oom) throw new KernelError(label, 'out-of-memory', oom.message);
    return { gpuMs: await this.read(), wallMs };
  }

  private async read(): Promise<number | null> {
    if (!this.readBuffer) return null;
    await this.readBuffer.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(this.readBuffer.getMappedRange().slice(0));
    this.readBuffer.unmap();
    if (begin === 0n || end < begin) {
      // Some implementations report zeros (or out-of-order values) when timestamps are not usable.
      this.unusable++;
      return null;
    }
    this.seen.push(begin, end);
    if (end > begin) this.seen.push(end - begin);
    return Number(end - begin) / 1e6;
  }

  /**
   * The granularity of the timestamps seen so far, in ns: the greatest common divisor of every raw
   * value and difference (coarsened timestamps are all multiples of their step). null before any.
   */
  resolutionNs(): number | null {
    return this.seen.length ? Number(gcd(this.seen)) : null;
  }

  /** Spans whose timestamps were unusable (zero or out of order). */
  get unusableSpans(): number {
    return this.unusable;
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }
}
