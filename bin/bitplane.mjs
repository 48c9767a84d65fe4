#!/usr/bin/env node
// The `bitplane` command. Loads the TypeScript sources (and their `?raw` WGSL imports) through Vite's
// module runner, so the CLI always runs the code in this checkout, with no build step.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';

process.env.NODEVICE_SELECT ??= '1'; // quiets Mesa's device-select layer (it warns about XDG_RUNTIME_DIR)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'silent',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false },
  optimizeDeps: { noDiscovery: true, include: [] },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
let code = 1;
try {
  const { main } = await runner.import('/src/cli/main.ts');
  code = await main(process.argv.slice(2));
} finally {
  await runner.close();
  await server.close();
}
process.exit(code);
