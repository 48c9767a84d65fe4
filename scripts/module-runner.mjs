// Loads the TypeScript sources (and their `?raw` WGSL imports) in Node through Vite's module runner, so
// the command line and the scripts always run the code in this checkout, with no build step.
//
//   await withSources(async (load) => { const { main } = await load('/src/cli/main.ts'); … });
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function withSources(fn) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
  try {
    return await fn((path) => runner.import(path));
  } finally {
    await runner.close();
    await server.close();
  }
}
