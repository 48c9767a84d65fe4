/** The test suite's device: one per test file. Fails loudly — never skips — when there is no adapter. */
import { acquireGpu, type Gpu } from '../src/gpu/device.ts';

export async function testGpu(): Promise<Gpu> {
  try {
    return await acquireGpu();
  } catch (e) {
    throw new Error(
      `The tests need a WebGPU adapter and found none: ${(e as Error).message}\n` +
        'On Debian/Ubuntu: apt-get install -y chromium libvulkan1 (npm test does this when run as root).',
    );
  }
}
