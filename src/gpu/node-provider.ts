/**
 * Node only: WebGPU through Dawn (the `webgpu` npm package). Never imported by the browser bundle
 * (vite.config.ts marks `webgpu` and `node:*` external, and device.ts loads this lazily).
 *
 * On Linux without a usable GPU driver, Dawn finds no adapter; we then retry with the SwiftShader Vulkan
 * driver that Debian's Chromium ships, and say so. The Vulkan loader reads VK_ICD_FILENAMES each time an
 * instance is created, so setting it between the two attempts works.
 */
import { existsSync, readdirSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { throttleDawnTicks } from './dawn-tick.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export const SETUP_HINT =
  process.platform === 'linux'
    ? `On Debian/Ubuntu without a GPU, install the SwiftShader driver: sudo apt-get install -y chromium libvulkan1 ` +
      `(then bitplane finds ${SWIFTSHADER_ICD} by itself). With a GPU, install its Vulkan driver.`
    : 'Install a GPU driver with Vulkan (Linux), Metal (macOS) or D3D12 (Windows) support.';

export interface NodeAdapter {
  adapter: GPUAdapter | null;
  /** The Dawn instance; keep it while the device lives, drop it so Node can exit. */
  instance: GPU;
  /** Set when we fell back to a software adapter, or when none was found. */
  note?: string;
}

/** Linux exposes GPUs as DRM render nodes (or NVIDIA's device files); none means no hardware GPU. */
function hasGpuDeviceNodes(): boolean {
  try {
    if (readdirSync('/dev/dri').some((f) => f.startsWith('renderD'))) return true;
  } catch {
    // no /dev/dri
  }
  return existsSync('/dev/nvidia0');
}

export async function requestNodeAdapter(powerPreference?: GPUPowerPreference): Promise<NodeAdapter> {
  Object.assign(globalThis, globals); // GPUBufferUsage, GPUShaderStage, … as in a browser
  throttleDawnTicks();
  const canFallBack =
    process.platform === 'linux' &&
    !process.env.VK_ICD_FILENAMES &&
    !process.env.VK_DRIVER_FILES &&
    existsSync(SWIFTSHADER_ICD);
  // Without a GPU device, go straight to SwiftShader: the default attempt would only fail (and make
  // Dawn print a warning about the CPU drivers it rejects).
  const instance = create([]);
  const first =
    canFallBack && !hasGpuDeviceNodes() ? null : await instance.requestAdapter({ powerPreference });
  if (first) return { adapter: first, instance };
  if (!canFallBack) return { adapter: null, instance, note: SETUP_HINT };
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const software = create([]);
  const adapter = await software.requestAdapter({ powerPreference });
  return {
    adapter,
    instance: software,
    note: adapter
      ? `No hardware GPU adapter found; using the SwiftShader software Vulkan driver (${SWIFTSHADER_ICD}).`
      : SETUP_HINT,
  };
}
