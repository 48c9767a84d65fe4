#!/usr/bin/env node
// The `bitplane` command: src/cli/main.ts, loaded through Vite's module runner (no build step).
import { withSources } from '../scripts/module-runner.mjs';

process.env.NODEVICE_SELECT ??= '1'; // quiets Mesa's device-select layer (it warns about XDG_RUNTIME_DIR)
const code = await withSources(async (load) => {
  const { main } = await load('/src/cli/main.ts');
  return main(process.argv.slice(2));
});
process.exit(code);
