/**
 * In Node on Linux with no usable GPU driver, acquisition falls back to the SwiftShader driver that
 * Debian's Chromium ships, and says so. This file runs in its own process (forks pool) and clears the
 * driver variables the Vitest config set, before any Vulkan instance exists in this process.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acquireGpu } from '../src/gpu/device.ts';
import { SWIFTSHADER_ICD } from '../src/gpu/node-provider.ts';

describe('Node adapter acquisition', () => {
  it('finds an adapter, falling back to SwiftShader with a note when there is no hardware one', async () => {
    delete process.env.VK_ICD_FILENAMES;
    delete process.env.VK_DRIVER_FILES;
    expect(existsSync(SWIFTSHADER_ICD), `missing ${SWIFTSHADER_ICD}: apt-get install -y chromium`).toBe(true);
    const gpu = await acquireGpu();
    try {
      if (gpu.adapter.software) {
        expect(gpu.note).toMatch(
          /No hardware GPU adapter found; using the SwiftShader software Vulkan driver/,
        );
        expect(process.env.VK_ICD_FILENAMES).toBe(SWIFTSHADER_ICD);
      } else {
        expect(gpu.note).toBeUndefined(); // a real GPU: nothing to say
      }
    } finally {
      gpu.destroy();
    }
  });
});
