/** Small uniform buffers of kernel parameters, typed by a TypeGPU struct that mirrors the WGSL struct. */
import type { TgpuBuffer, UniformFlag } from 'typegpu';
import type * as d from 'typegpu/data';
import type { Gpu } from './device.ts';

// biome-ignore lint/suspicious/noExplicitAny: any struct schema
export function createUniform<S extends d.WgslStruct<any>>(
  gpu: Gpu,
  schema: S,
  value: d.InferInput<S>,
  label: string,
): TgpuBuffer<S> & UniformFlag {
  // TypeGPU's schema validation types cannot see through the generic S; each caller passes a concrete struct.
  const root = gpu.root as unknown as {
    createBuffer(schema: S, value: d.InferInput<S>): { $usage(u: 'uniform'): TgpuBuffer<S> & UniformFlag };
  };
  const buf = root.createBuffer(schema, value).$usage('uniform');
  buf.$name(label);
  gpu.track?.(buf); // freed by the owner of this view of the device, if it has one
  return buf;
}
