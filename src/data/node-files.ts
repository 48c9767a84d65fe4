/**
 * Node only: dataset files read with node:fs, relative to the repository root. Never imported by the
 * browser bundle (files.ts loads it lazily; vite.config.ts marks node:* external).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataFiles } from './types.ts';

/** The repository root (this file is src/data/node-files.ts). */
export const REPO_ROOT = fileURLToPath(new URL(/* @vite-ignore */ '../../', import.meta.url));

export function nodeFiles(root: string = REPO_ROOT): DataFiles {
  return {
    kind: 'node',
    async read(path: string): Promise<Uint8Array> {
      const full = resolve(root, path);
      try {
        const b = await readFile(full);
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        const hint = path.startsWith('node_modules/') ? ' Run `npm install` in the repository.' : '';
        throw new Error(`cannot read dataset file ${full}: ${(e as Error).message}.${hint}`);
      }
    },
  };
}
