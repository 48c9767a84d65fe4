/**
 * The end-to-end tests' app: built, served on localhost and opened in Debian's Chromium through
 * Playwright with WebGPU on (SwiftShader without a GPU). The work is src/cli/serve-app.ts's, which
 * `bitplane reproduce` shares for its figures.
 */
import { type ServedApp, serveApp as serve } from '../src/cli/serve-app.ts';

export type { ServedApp };

export function serveApp(): Promise<ServedApp> {
  return serve({ webgpu: true });
}
