/**
 * The dataset file source for where we run: node:fs in Node (node-files.ts, loaded lazily as
 * src/gpu/device.ts loads the Dawn provider), `fetch` from the app's base URL in the browser, where
 * scripts/vite-plugin-mnist.ts serves (dev) and emits (build) the files under data/.
 */
import type { DataFiles } from './types.ts';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Files fetched relative to `base` (default: Vite's BASE_URL). */
export function browserFiles(base: string = import.meta.env.BASE_URL): DataFiles {
  const root = base.endsWith('/') ? base : `${base}/`;
  return {
    kind: 'browser',
    async read(path: string): Promise<Uint8Array> {
      const url = root + path;
      let res: Response;
      try {
        res = await fetch(url);
      } catch (e) {
        throw new Error(`cannot fetch dataset file ${url}: ${(e as Error).message}`);
      }
      if (!res.ok) throw new Error(`cannot fetch dataset file ${url}: HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/** node:fs under Node, fetch in the browser. */
export async function defaultDataFiles(): Promise<DataFiles> {
  if (isNode) {
    const { nodeFiles } = await import('./node-files.ts');
    return nodeFiles();
  }
  return browserFiles();
}
