/**
 * Kernels: a hand-written WGSL source per version, a TypeGPU bind-group layout shared by every version,
 * and a pipeline cache. Creation checks the WGSL compilation messages and pipeline validation, and throws
 * a KernelError with the kernel's name and version and the WGSL line of each error.
 *
 * Binding numbers in the WGSL follow the order of the layout's keys (TypeGPU numbers them that way);
 * `createKernelPipeline` checks that every `@binding(i)` in the source exists in the layout.
 */
import type { TgpuBindGroupLayout, TgpuLayoutEntry } from 'typegpu';
import type { Gpu } from './device.ts';
import { KernelError } from './errors.ts';
import { checkWorkgroups } from './limits.ts';

export interface KernelDef<
  L extends Record<string, TgpuLayoutEntry | null> = Record<string, TgpuLayoutEntry | null>,
> {
  /** snake_case, the shader file's stem: 'xnor_gemm'. */
  name: string;
  /** version name ('v1', 'v2', …) → WGSL source. v1 is the simple one; faster ones sit beside it. */
  versions: Record<string, string>;
  layout: TgpuBindGroupLayout<L>;
  entryPoint?: string;
}

export type Constants = Record<string, number>;

const caches = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

function formatCompilationErrors(source: string, messages: readonly GPUCompilationMessage[]): string {
  const lines = source.split('\n');
  return messages
    .filter((m) => m.type === 'error')
    .map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1]?.trim() ?? ''}`)
    .join('\n');
}

/** The pipeline for `def` at `version` with the given override constants (cached per device). */
export function kernelPipeline(
  gpu: Gpu,
  def: KernelDef,
  version: string,
  constants: Constants = {},
): Promise<GPUComputePipeline> {
  let cache = caches.get(gpu.device);
  if (!cache) caches.set(gpu.device, (cache = new Map()));
  const key = `${def.name}@${version}:${JSON.stringify(constants)}`;
  let p = cache.get(key);
  if (!p) {
    p = createKernelPipeline(gpu, def, version, constants);
    cache.set(key, p);
    p.catch(() => cache.delete(key)); // a failure is reported to the caller, not cached
  }
  return p;
}

async function createKernelPipeline(
  gpu: Gpu,
  def: KernelDef,
  version: string,
  constants: Constants,
): Promise<GPUComputePipeline> {
  const label = `${def.name} ${version}`;
  const code = def.versions[version];
  if (code === undefined) {
    throw new KernelError(
      label,
      'pipeline',
      `no such version; known: ${Object.keys(def.versions).join(', ')}`,
    );
  }
  const bindings = Object.keys(def.layout.entries).length;
  for (const m of code.matchAll(/@binding\((\d+)\)/g)) {
    if (Number(m[1]) >= bindings) {
      throw new KernelError(
        label,
        'pipeline',
        `@binding(${m[1]}) is not in the layout (${bindings} entries)`,
      );
    }
  }
  const { device } = gpu;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code, label });
  const info = await module.getCompilationInfo();
  const compileErrors = formatCompilationErrors(code, info.messages);
  let pipeline: GPUComputePipeline | undefined;
  let pipelineError: unknown;
  if (!compileErrors) {
    try {
      pipeline = await device.createComputePipelineAsync({
        label,
        layout: device.createPipelineLayout({ label, bindGroupLayouts: [gpu.root.unwrap(def.layout)] }),
        compute: { module, entryPoint: def.entryPoint ?? 'main', constants },
      });
    } catch (e) {
      pipelineError = e;
    }
  }
  const scoped = await device.popErrorScope();
  if (compileErrors) throw new KernelError(label, 'compilation', `WGSL does not compile:\n${compileErrors}`);
  if (pipelineError) throw new KernelError(label, 'pipeline', (pipelineError as Error).message);
  if (scoped) throw new KernelError(label, 'validation', scoped.message);
  return pipeline!;
}

/** Records one dispatch into `pass` after checking the workgroup counts against the adapter's limits. */
export function dispatch(
  gpu: Gpu,
  pass: GPUComputePassEncoder,
  name: string,
  pipeline: GPUComputePipeline,
  bindGroup: GPUBindGroup,
  groups: readonly [number, number, number],
): void {
  checkWorkgroups(gpu, name, groups);
  if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return; // nothing to do (an empty tensor)
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/**
 * The grid of an elementwise kernel over n items in workgroups of wg: ceil(n/wg) workgroups, folded into
 * y when they exceed maxComputeWorkgroupsPerDimension. The shader recovers the item as
 * i = (gid.y · num_workgroups.x) · wg + gid.x and returns when i ≥ n.
 */
export function flatGrid(gpu: Gpu, n: number, wg: number): [number, number, number] {
  const groups = ceilDiv(n, wg);
  if (groups === 0) return [0, 1, 1];
  const gx = Math.min(groups, gpu.device.limits.maxComputeWorkgroupsPerDimension);
  return [gx, ceilDiv(groups, gx), 1];
}

/** A dispatch made ready once (pipeline, bind group, sizes) and then recorded any number of times. */
export interface PreparedOp {
  name: string;
  encode(pass: GPUComputePassEncoder): void;
}

/** Builds a PreparedOp after checking the workgroup counts. */
export function preparedOp(
  gpu: Gpu,
  name: string,
  pipeline: GPUComputePipeline,
  bindGroup: GPUBindGroup,
  groups: readonly [number, number, number],
): PreparedOp {
  checkWorkgroups(gpu, name, groups);
  return { name, encode: (pass) => dispatch(gpu, pass, name, pipeline, bindGroup, groups) };
}

/**
 * A 2-D workgroup of `threads` invocations over an output of N columns: x = the power of two ≥ N, at
 * most `maxX`; y = threads / x. A layer 3 wide then runs 4 × 64 instead of 16 × 16 (13 of 16 lanes idle).
 */
export function narrowWorkgroup(N: number, threads = 256, maxX = 16): [number, number] {
  let x = 1;
  while (x < N && x < maxX) x *= 2;
  return [x, threads / x];
}
