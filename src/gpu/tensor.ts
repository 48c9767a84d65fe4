/**
 * Tensors: a typed GPU buffer plus its shape. Every tensor is a flat row-major array; kernels take their
 * sizes from a uniform, and by convention the leading dimension is the replica (seed) index.
 *
 * Buffers are TypeGPU buffers (`root.createBuffer(d.arrayOf(d.f32, n))`), so a kernel's bind-group layout
 * (also TypeGPU) and its operands agree on element types at compile time. Reads go through a staging
 * buffer into a typed array (TypeGPU's `read()` would build a JS array of numbers).
 */
import type { StorageFlag, TgpuBuffer } from 'typegpu';
import * as d from 'typegpu/data';
import type { Gpu } from './device.ts';
import { ShapeError } from './errors.ts';
import { checkStorageBytes } from './limits.ts';
import { submit } from './submit.ts';

export type DType = 'f32' | 'u32' | 'i32';

const SCHEMAS = { f32: d.f32, u32: d.u32, i32: d.i32 } as const;
type Schema<T extends DType> = (typeof SCHEMAS)[T];
export type TensorBuffer<T extends DType> = TgpuBuffer<d.WgslArray<Schema<T>>> & StorageFlag;

export type HostArray<T extends DType> = T extends 'f32'
  ? Float32Array
  : T extends 'u32'
    ? Uint32Array
    : Int32Array;

export interface Tensor<T extends DType = DType> {
  dtype: T;
  shape: readonly number[];
  size: number;
  label: string;
  buffer: TensorBuffer<T>;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const HOST = { f32: Float32Array, u32: Uint32Array, i32: Int32Array } as const;

function hostArray<T extends DType>(dtype: T, data: ArrayBuffer): HostArray<T> {
  return new HOST[dtype](data) as HostArray<T>;
}

/** `data` as the typed array of `dtype`, converting (and copying) only when it is not one already. */
function toHost<T extends DType>(dtype: T, data: ArrayLike<number>): HostArray<T> {
  const C = HOST[dtype];
  return (data instanceof C ? data : new C(Array.from(data))) as HostArray<T>;
}

/**
 * Allocate (after checking the adapter's limits) and optionally fill a tensor. Zero-sized shapes get one
 * element of storage, since WebGPU bindings cannot be empty.
 */
export function createTensor<T extends DType>(
  gpu: Gpu,
  dtype: T,
  shape: readonly number[],
  label: string,
  data?: ArrayLike<number>,
): Tensor<T> {
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 0) throw new ShapeError(`${label}: bad shape [${shape.join(', ')}]`);
  }
  const size = sizeOf(shape);
  checkStorageBytes(gpu, label, size * 4);
  // Rounded up to 16 bytes, so that a kernel may bind any tensor as an array of vec4s (gemm v3). The
  // padding is not checked against the binding limit: it could only matter within 12 bytes of it.
  const allocated = Math.ceil(Math.max(1, size) / 4) * 4;
  if (data && data.length !== size) {
    throw new ShapeError(
      `${label}: data has ${data.length} elements, shape [${shape.join(', ')}] needs ${size}`,
    );
  }
  // TypeGPU's schema validation types cannot see through the generic T; the schema is concrete at run time.
  const root = gpu.root as unknown as {
    createBuffer(schema: unknown): { $usage(u: 'storage'): TensorBuffer<T> };
  };
  const buffer = root.createBuffer(d.arrayOf(SCHEMAS[dtype], allocated)).$usage('storage');
  buffer.$name(label);
  if (data && size > 0) {
    const arr = toHost(dtype, data);
    gpu.device.queue.writeBuffer(gpu.root.unwrap(buffer), 0, arr.buffer, arr.byteOffset, arr.byteLength);
  }
  return { dtype, shape: [...shape], size, label, buffer };
}

/** Copy a tensor back to the host. */
export async function readTensor<T extends DType>(gpu: Gpu, t: Tensor<T>): Promise<HostArray<T>> {
  const bytes = Math.max(1, t.size) * 4;
  const staging = gpu.device.createBuffer({
    size: bytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    label: `${t.label} (read-back)`,
  });
  await submit(gpu, `read ${t.label}`, (enc) =>
    enc.copyBufferToBuffer(gpu.root.unwrap(t.buffer), 0, staging, 0, bytes),
  );
  await staging.mapAsync(GPUMapMode.READ);
  const out = hostArray(t.dtype, staging.getMappedRange().slice(0, t.size * 4));
  staging.unmap();
  staging.destroy();
  return out;
}

export function destroyTensors(...ts: Tensor[]): void {
  for (const t of ts) t.buffer.destroy();
}

/** Throws a ShapeError naming both shapes when `t` is not `expected`. */
export function expectShape(kernel: string, name: string, t: Tensor, expected: readonly number[]): void {
  const same = t.shape.length === expected.length && t.shape.every((n, i) => n === expected[i]);
  if (!same) {
    throw new ShapeError(
      `${kernel}: ${name} has shape [${t.shape.join(', ')}] but [${expected.join(', ')}] was expected`,
    );
  }
}

export function expectDtype(kernel: string, name: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw new ShapeError(`${kernel}: ${name} is ${t.dtype}, ${dtype} was expected`);
}

/**
 * The same buffer seen with a smaller shape (e.g. a partial last minibatch in a buffer sized for a full
 * one): kernels take sizes from their params, so they touch only the first `size` elements, laid out
 * row-major in the new shape.
 */
export function viewTensor<T extends DType>(
  t: Tensor<T>,
  shape: readonly number[],
  label = t.label,
): Tensor<T> {
  const size = sizeOf(shape);
  const capacity = Math.max(1, t.size);
  if (size > capacity) {
    throw new ShapeError(
      `${label}: a view of shape [${shape.join(', ')}] needs ${size} elements, the buffer holds ${capacity}`,
    );
  }
  return { ...t, shape: [...shape], size, label };
}
