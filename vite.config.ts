/// <reference types="vitest/config" />
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { datasetAssets } from './scripts/vite-plugin-mnist.ts';

// Node tests run the real WGSL through Dawn. On Linux without a GPU the Vulkan loader must see the
// SwiftShader ICD that Debian's Chromium ships; set it in the main process (the loader reads the real
// environment) unless the user already chose a driver (docs/gpu-testing.md).
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (process.platform === 'linux' && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
  process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
}
process.env.NODEVICE_SELECT ??= '1'; // quiets Mesa's device-select layer

export default defineConfig({
  // Serves (dev) and emits (build) the dataset files the browser fetches: data/digits.csv.gz, MNIST subset.
  plugins: [datasetAssets()],
  build: {
    target: 'es2022',
    rollupOptions: {
      // Two pages: the app, and the figure page `bitplane reproduce` screenshots (src/cli/figures.ts).
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        figure: fileURLToPath(new URL('./figure.html', import.meta.url)),
      },
      // src/gpu/node-provider.ts (Dawn) is only ever loaded in Node; keep it out of the browser bundle.
      external: ['webgpu', /^node:/],
    },
  },
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    projects: [
      // Each file creates its own device on a 2-core machine; run two at a time.
      { extends: true, test: { name: 'node', include: ['test/*.test.ts'], maxWorkers: 2 } },
      // The browser tests one file at a time, after the rest (npm test runs the projects in turn), so
      // that the page's timings (e.g. no task over 100 ms) are not stretched by other work.
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/*.test.ts'], maxWorkers: 1, fileParallelism: false },
      },
    ],
  },
});
