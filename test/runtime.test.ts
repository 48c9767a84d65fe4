/**
 * The GPU runtime's promises: it names the adapter, turns WGSL and validation errors into exceptions
 * that name the kernel, refuses sizes beyond the adapter's limits before allocating, and rejects
 * operands whose shapes do not fit with both shapes in the message.
 */
import tgpu from 'typegpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAdapter, type Gpu } from '../src/gpu/device.ts';
import { KernelError, LimitError, ShapeError } from '../src/gpu/errors.ts';
import { type KernelDef, kernelPipeline } from '../src/gpu/kernel.ts';
import { checkWorkgroups } from '../src/gpu/limits.ts';
import { submit } from '../src/gpu/submit.ts';
import { createTensor, readTensor } from '../src/gpu/tensor.ts';
import { rwF32 } from '../src/kernels/layout.ts';
import { prepareXnorGemm } from '../src/kernels/xnor_gemm/kernel.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

const layout = tgpu.bindGroupLayout({ out: rwF32 });

describe('adapter', () => {
  it('names the adapter and says when it is a software one', () => {
    expect(describeAdapter(gpu.adapter).length).toBeGreaterThan(3);
    expect(gpu.adapter.runtime).toBe('node');
    if (/swiftshader/i.test(describeAdapter(gpu.adapter))) {
      expect(gpu.adapter.software).toBe(true);
      expect(gpu.note).toMatch(/software/i);
    }
  });
});

describe('errors name the kernel', () => {
  it('a WGSL compilation error throws with the kernel, the version and the line', async () => {
    const broken: KernelDef = {
      name: 'broken_kernel',
      versions: {
        v1: '@group(0) @binding(0) var<storage, read_write> out: array<f32>;\n@compute @workgroup_size(1)\nfn main() {\n  out[0] = undefined_thing;\n}\n',
      },
      layout,
    };
    const err = await kernelPipeline(gpu, broken, 'v1').catch((e) => e);
    expect(err).toBeInstanceOf(KernelError);
    expect(err.message).toMatch(/^broken_kernel v1: compilation error/);
    expect(err.message).toMatch(/line 4/);
    expect(err.message).toMatch(/undefined_thing/);
  });

  it('a binding the layout lacks is refused', async () => {
    const wrong: KernelDef = {
      name: 'wrong_binding',
      versions: {
        v1: '@group(0) @binding(3) var<storage, read_write> out: array<f32>;\n@compute @workgroup_size(1) fn main() { out[0] = 1.0; }\n',
      },
      layout,
    };
    await expect(kernelPipeline(gpu, wrong, 'v1')).rejects.toThrow(
      /wrong_binding v1: pipeline error: @binding\(3\)/,
    );
  });

  it('an unknown version is refused with the known ones', async () => {
    const def: KernelDef = { name: 'k', versions: { v1: '' }, layout };
    await expect(kernelPipeline(gpu, def, 'v9')).rejects.toThrow(/k v9: .*known: v1/);
  });

  it('a pipeline that fails validation throws (override out of range)', async () => {
    const def: KernelDef = {
      name: 'bad_override',
      versions: {
        v1: 'override WG: u32 = 1;\n@group(0) @binding(0) var<storage, read_write> out: array<f32>;\n@compute @workgroup_size(WG) fn main() { out[0] = 1.0; }\n',
      },
      layout,
    };
    await expect(kernelPipeline(gpu, def, 'v1', { WG: 100000 })).rejects.toThrow(/bad_override v1/);
  });

  it('a validation error during a submit throws with the submit label', async () => {
    const t = createTensor(gpu, 'f32', [4], 'small');
    const err = await submit(gpu, 'deliberately invalid copy', (enc) => {
      const b = gpu.root.unwrap(t.buffer);
      enc.copyBufferToBuffer(b, 0, b, 0, 1 << 20); // copies past the end, onto itself
    }).catch((e) => e);
    expect(err).toBeInstanceOf(KernelError);
    expect(err.message).toMatch(/^deliberately invalid copy: validation error/);
  });
});

describe('limits are checked before allocation', () => {
  it('refuses a tensor larger than maxStorageBufferBindingSize, naming the limit and the value', () => {
    const max = gpu.device.limits.maxStorageBufferBindingSize;
    const n = Math.floor(max / 4) + 1;
    expect(() => createTensor(gpu, 'f32', [n], 'layer 3 weights')).toThrow(LimitError);
    expect(() => createTensor(gpu, 'f32', [n], 'layer 3 weights')).toThrow(
      new RegExp(
        `layer 3 weights \\(bytes\\): ${n * 4} exceeds this adapter's maxStorageBufferBindingSize \\(${max}\\)`,
      ),
    );
  });

  it('refuses a dispatch with too many workgroups', async () => {
    const max = gpu.device.limits.maxComputeWorkgroupsPerDimension;
    expect(() => checkWorkgroups(gpu, 'some_kernel', [1, max + 1, 1])).toThrow(
      new RegExp(
        `some_kernel workgroups along y: ${max + 1} exceeds .*maxComputeWorkgroupsPerDimension \\(${max}\\)`,
      ),
    );
    // More replicas than a grid's z can hold (elementwise kernels fold their grid and never hit this).
    const a = createTensor(gpu, 'u32', [max + 1, 1, 1], 'many replicas a');
    const b = createTensor(gpu, 'u32', [max + 1, 1, 1], 'many replicas b');
    const out = createTensor(gpu, 'f32', [max + 1, 1, 1], 'many replicas out');
    await expect(prepareXnorGemm(gpu, { a, b, out, K: 1 })).rejects.toThrow(LimitError);
  });
});

describe('shapes', () => {
  it('a mismatched XNOR GEMM names both shapes', async () => {
    const a = createTensor(gpu, 'u32', [2, 5, 3], 'a');
    const b = createTensor(gpu, 'u32', [2, 4, 2], 'b');
    const out = createTensor(gpu, 'f32', [2, 5, 4], 'out');
    const err = await prepareXnorGemm(gpu, { a, b, out, K: 70 }).catch((e) => e);
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toContain('[2, 5, 3]');
    expect(err.message).toContain('[2, 4, 2]');
  });

  it('a wrong output shape names expected and actual', async () => {
    const a = createTensor(gpu, 'u32', [1, 5, 1], 'a');
    const b = createTensor(gpu, 'u32', [1, 4, 1], 'b');
    const out = createTensor(gpu, 'f32', [1, 4, 5], 'out');
    await expect(prepareXnorGemm(gpu, { a, b, out, K: 20 })).rejects.toThrow(
      /out has shape \[1, 4, 5\] but \[1, 5, 4\]/,
    );
  });

  it('data of the wrong length is refused', () => {
    expect(() => createTensor(gpu, 'f32', [2, 3], 'x', [1, 2, 3])).toThrow(
      /3 elements, shape \[2, 3\] needs 6/,
    );
  });
});

describe('tensors', () => {
  it('round-trips each dtype', async () => {
    const f = createTensor(gpu, 'f32', [3], 'f', [1.5, -2, 3.25]);
    const u = createTensor(gpu, 'u32', [2], 'u', [0xffffffff, 7]);
    const i = createTensor(gpu, 'i32', [2], 'i', [-5, 9]);
    expect([...(await readTensor(gpu, f))]).toEqual([1.5, -2, 3.25]);
    expect([...(await readTensor(gpu, u))]).toEqual([0xffffffff, 7]);
    expect([...(await readTensor(gpu, i))]).toEqual([-5, 9]);
  });
});
