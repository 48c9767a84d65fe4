/**
 * Device acquisition, the same call in the browser and in Node.
 *
 *   const gpu = await acquireGpu();            // navigator.gpu, or Dawn in Node
 *   gpu.adapter.description, gpu.note          // which adapter, and whether we fell back to software
 *
 * The device is requested with the adapter's own maxima for the limits our kernels lean on (storage
 * binding size, buffer size, storage buffers per stage), so checks in limits.ts compare against what the
 * adapter can really do. `timestamp-query` is enabled where offered (the benchmark harness uses it).
 */
import tgpu, { type TgpuRoot } from 'typegpu';
import { GpuUnavailableError } from './errors.ts';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, lavapipe/llvmpipe, WARP): timings mean little. */
  software: boolean;
  /** 'browser' (navigator.gpu) or 'node' (Dawn). */
  runtime: 'browser' | 'node';
  features: string[];
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
  /** Dawn's subgroup-matrix configurations, where the adapter offers and lists them. */
  subgroupMatrixConfigs?: unknown[];
}

export interface Gpu {
  device: GPUDevice;
  /** TypeGPU root over the same device: typed buffers, bind-group layouts and bind groups. */
  root: TgpuRoot;
  adapter: AdapterSummary;
  /** Human-readable remark about how the adapter was found (e.g. the software fallback), if any. */
  note?: string;
  /** Resolves when the device is lost (destroyed or crashed); `reason` is 'destroyed' after destroy(). */
  lost: Promise<GPUDeviceLostInfo>;
  destroy(): void;
  /**
   * Set on an owner's own view of the device (e.g. a trainer's, from TensorPool.scope()): resources made
   * through that view that no tensor holds, such as each kernel's small uniform of parameters, are handed
   * to the owner, which frees them with its other buffers.
   */
  track?(resource: { destroy(): void }): void;
}

export interface AcquireOptions {
  /** A WebGPU entry point to use instead of navigator.gpu / Dawn. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

const BROWSER_HINT =
  'WebGPU is not available in this browser. Use Chrome or Edge 113 or newer; on Linux start it with ' +
  '--enable-unsafe-webgpu (or enable chrome://flags/#enable-unsafe-webgpu), and make sure the page is ' +
  'served over https or localhost.';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Limits we raise from the WebGPU defaults to the adapter's maxima. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
] as const;

function isSoftware(info: GPUAdapterInfo): boolean {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|software|warp|microsoft basic/.test(text);
}

export async function acquireGpu(options: AcquireOptions = {}): Promise<Gpu> {
  let adapter: GPUAdapter | null = null;
  let instance: GPU | undefined = options.gpu;
  let note: string | undefined;
  let runtime: AdapterSummary['runtime'] = 'browser';

  if (instance) {
    adapter = await instance.requestAdapter({ powerPreference: options.powerPreference });
    runtime = isNode ? 'node' : 'browser';
  } else if (typeof navigator !== 'undefined' && navigator.gpu) {
    instance = navigator.gpu;
    adapter = await instance.requestAdapter({ powerPreference: options.powerPreference });
  } else if (isNode) {
    runtime = 'node';
    const { requestNodeAdapter } = await import('./node-provider.ts');
    const found = await requestNodeAdapter(options.powerPreference);
    ({ adapter, note, instance } = found);
  } else {
    throw new GpuUnavailableError(BROWSER_HINT);
  }
  if (!adapter) {
    const hint = runtime === 'browser' ? BROWSER_HINT : (note ?? 'No WebGPU adapter found.');
    throw new GpuUnavailableError(`No WebGPU adapter was found. ${hint}`);
  }

  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'bitplane' });

  const info = adapter.info;
  const summary: AdapterSummary = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: isSoftware(info),
    runtime,
    features: [...adapter.features].sort(),
    subgroupMinSize: (info as { subgroupMinSize?: number }).subgroupMinSize,
    subgroupMaxSize: (info as { subgroupMaxSize?: number }).subgroupMaxSize,
    subgroupMatrixConfigs: matrixConfigs(info),
  };
  if (summary.software && !note)
    note = `Software adapter (${describeAdapter(summary)}): timings are not GPU timings.`;

  const root = tgpu.initFromDevice({ device });
  return {
    device,
    root,
    adapter: summary,
    note,
    lost: device.lost,
    destroy() {
      device.destroy();
      instance = undefined; // lets Node exit once the device is gone
    },
  };
}

/** Dawn lists subgroup-matrix configurations on the adapter info (as plain objects or a setlike). */
function matrixConfigs(info: GPUAdapterInfo): unknown[] | undefined {
  const c = (info as { subgroupMatrixConfigs?: Iterable<Record<string, unknown>> }).subgroupMatrixConfigs;
  if (!c) return undefined;
  return [...c].map((x) => {
    const o: Record<string, unknown> = {};
    for (const k of ['componentType', 'resultComponentType', 'M', 'N', 'K']) o[k] = x[k];
    return o;
  });
}

/** One line naming the adapter, for logs, records and the page. */
export function describeAdapter(a: AdapterSummary): string {
  const parts = [a.vendor, a.architecture, a.description || a.device].filter((s) => s && s.length > 0);
  return parts.join(' / ') || 'unknown adapter';
}
