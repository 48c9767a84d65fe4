/**
 * Reading a manifest (`bitplane sweep expand`'s JSON lines) and addressing it by index (pure).
 *
 * A chunk index I with chunk size K names lines I·K … I·K+K−1 (0-based, the last chunk may be shorter):
 * a Slurm array `--array=0-$((ceil(N/K)-1))` or a Kubernetes Indexed Job with `completions: ceil(N/K)`
 * covers the manifest exactly once.
 */
import { type ManifestEntry, sweepId } from './spec.ts';

/** A manifest that cannot be used, or an index outside it: the message names the file, line or index. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/**
 * Parses a manifest's text. Every line must be `{"id": …, "link": …}` with the id of its link (so an
 * edited link cannot silently keep an old id); blank lines are allowed only at the end, since a hole in
 * the middle would shift every later index. `name` is the file, for messages.
 */
export function parseManifest(text: string, name: string): ManifestEntry[] {
  const lines = text.split('\n');
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new ManifestError(`${name} has no lines`);
  const ids = new Map<string, number>();
  return lines.map((line, i) => {
    const at = `${name} line ${i + 1}`;
    if (line.trim() === '') throw new ManifestError(`${at} is missing (empty): indices after it would shift`);
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new ManifestError(`${at} is not JSON: ${(e as Error).message}`);
    }
    const o = v as Partial<ManifestEntry> | null;
    if (!o || typeof o !== 'object' || typeof o.id !== 'string' || typeof o.link !== 'string')
      throw new ManifestError(`${at} is not {"id": "…", "link": "…"}`);
    if (sweepId(o.link) !== o.id)
      throw new ManifestError(`${at}: id ${o.id} is not the id of its link (${sweepId(o.link)})`);
    const first = ids.get(o.id);
    if (first !== undefined) throw new ManifestError(`${at} repeats line ${first} (id ${o.id})`);
    ids.set(o.id, i + 1);
    return { id: o.id, link: o.link };
  });
}

/** The number of chunk indices that cover `lines` lines. */
export function chunkCount(lines: number, chunk: number): number {
  return Math.ceil(lines / chunk);
}

/** The 0-based line numbers of chunk `index`, or a ManifestError if it lies past the end. */
export function chunkLines(lines: number, index: number, chunk: number, name: string): number[] {
  const start = index * chunk;
  if (start >= lines) {
    const n = chunkCount(lines, chunk);
    throw new ManifestError(
      `index ${index} is past the end of ${name}: ${lines} lines in chunks of ${chunk} give indices 0…${n - 1}`,
    );
  }
  return Array.from({ length: Math.min(chunk, lines - start) }, (_, i) => start + i);
}
