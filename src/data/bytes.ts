/**
 * Byte helpers shared by the file-backed datasets, on web-standard APIs only (Web Crypto, Compression
 * Streams), so the same code runs in Node 20 and in browsers.
 */

/** Hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (!globalThis.crypto?.subtle)
    throw new Error(
      'Web Crypto (crypto.subtle) is unavailable: serve the page over https or from localhost.',
    );
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Throws, naming the file and both hashes, unless `bytes` hash to `expected`. */
export async function verifySha256(what: string, bytes: Uint8Array, expected: string): Promise<void> {
  const got = await sha256Hex(bytes);
  if (got !== expected)
    throw new Error(
      `${what}: SHA-256 mismatch (got ${got}, expected ${expected}; ${bytes.length} bytes). ` +
        'The file is damaged, truncated or a different version: fetch or reinstall it.',
    );
}

/** True when `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompress a gzip member with DecompressionStream('gzip'). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Compress with CompressionStream('gzip') (tests and build scripts; the output may vary by engine). */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
