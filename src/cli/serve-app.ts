/**
 * Builds the app (a production build into a temporary folder), serves it with `vite preview` on
 * 127.0.0.1 (a free port) and launches Debian's Chromium through playwright-core. Node only. The
 * end-to-end tests (test/browser.ts, with WebGPU on: SwiftShader without a GPU) and `bitplane
 * reproduce`'s figures (src/cli/figures.ts, charts only) both start from here; Chromium's background
 * networking is off (the network may be closed: docs/gpu-testing.md).
 */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
// The repository root: vite.config.ts, index.html and figure.html live there.
import { REPO_ROOT as ROOT } from '../data/node-files.ts';

/** WebGPU in Chromium (on SwiftShader's Vulkan where there is no GPU). */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan'];

/** Nothing goes out to the network on its own. */
export const QUIET_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The Chromium executable: $BITPLANE_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.BITPLANE_CHROMIUM || '/usr/bin/chromium';
}

/** Whether the Chromium executable exists and may be run. */
export function chromiumAvailable(): boolean {
  try {
    accessSync(chromiumPath(), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What to do when Chromium is missing. */
export function chromiumMissingMessage(path = chromiumPath()): string {
  return (
    `Chromium was not found at ${path} (bitplane draws its figures and runs its browser tests in it). ` +
    'Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set BITPLANE_CHROMIUM to ' +
    'the path of a Chrome or Chromium executable.'
  );
}

export interface ServedApp {
  /** The served root, with a trailing slash: `${url}figure.html` is the figure page. */
  url: string;
  browser: Browser;
  /** Closes the browser and the server and removes the build. */
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Launch Chromium with WebGPU on (the app needs it; the figure page does not). Default true. */
  webgpu?: boolean;
  /** Vite's build and preview messages: 'warn' (default) or 'error' (quiet: the command line). */
  logLevel?: 'warn' | 'error';
}

export async function serveApp(options: ServeOptions = {}): Promise<ServedApp> {
  const executablePath = chromiumPath();
  const logLevel = options.logLevel ?? 'warn';
  if (!chromiumAvailable()) throw new Error(chromiumMissingMessage(executablePath));
  const outDir = mkdtempSync(join(tmpdir(), 'bitplane-app-'));
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    try {
      await browser?.close();
    } finally {
      try {
        await server?.close();
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
    }
  };
  try {
    // A production build, as users get it (Vitest sets NODE_ENV=test, which would make Vite resolve
    // Lit's development build: slower, with dev-mode warnings).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: ROOT, logLevel, mode: 'production', build: { outDir, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    server = await preview({
      root: ROOT,
      logLevel,
      build: { outDir },
      preview: { port: 0, host: '127.0.0.1', strictPort: false },
    });
    const address = server.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('preview server has no port');
    const args = options.webgpu === false ? QUIET_ARGS : [...WEBGPU_ARGS, ...QUIET_ARGS];
    browser = await chromium.launch({ executablePath, args, headless: true });
    return { url: `http://127.0.0.1:${address.port}/`, browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}
