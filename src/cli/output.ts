/**
 * Output files that are never lost or half-written (Node only).
 *
 * - `checkOutputFile(path)` / `checkOutputDir(path)` run before any computing: they prove that the
 *   path can be written (by creating and removing a probe file beside it) and throw an OutputError with
 *   a one-line reason otherwise. They never create missing parent directories of a file, and they never
 *   follow a recursive mkdir into /proc or /sys (a recursive mkdir there can loop forever).
 * - `writeFileAtomic(path, data)` writes to a unique temporary name in the same directory, fsyncs it,
 *   renames it over the final name and fsyncs the directory. A reader (another job, a shared filesystem)
 *   sees either the old file or the whole new one. On failure the temporary file is removed.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** A path that cannot be written: exit code 2, one line naming the path and the reason. */
export class OutputError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot write ${path === '' ? "''" : path}: ${reason}`);
    this.name = 'OutputError';
  }
}

const PSEUDO_FS = ['/proc', '/sys', '/dev'];

function isUnderPseudoFs(path: string): boolean {
  const abs = resolve(path);
  return PSEUDO_FS.some((p) => abs === p || abs.startsWith(`${p}/`));
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'the directory does not exist';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return err.message ?? String(e);
  }
}

/**
 * Temporary files of writeFileAtomic calls in flight: a process that must exit at once (a second stop
 * signal, src/cli/signals.ts) removes them synchronously.
 */
export const tempFilesInFlight = new Set<string>();

/** A unique name beside `path`: concurrent writers never share a temporary file. */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Creates and removes a probe file in `dir`: proves that files can be created there now. */
async function probeDir(dir: string, shown: string): Promise<void> {
  const probe = tempNameFor(join(dir, 'probe'));
  try {
    const fh = await open(probe, 'wx');
    await fh.close();
  } catch (e) {
    throw new OutputError(shown, reasonOf(e));
  } finally {
    await rm(probe, { force: true }).catch(() => {});
  }
}

/** Free bytes on the filesystem holding `dir`, or undefined where that is not knowable. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

/**
 * Checks, before any computing, that a file can be written at `path` (its directory exists and takes new
 * files; the path is not a directory). With `needBytes`, also checks the free space where it is knowable.
 */
export async function checkOutputFile(path: string, needBytes = 0): Promise<void> {
  if (path.trim() === '') throw new OutputError(path, 'empty path');
  if (isUnderPseudoFs(path)) throw new OutputError(path, 'a kernel pseudo-filesystem (/proc, /sys, /dev)');
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) throw new OutputError(path, 'it is a directory');
  if (st && !st.isFile()) throw new OutputError(path, 'not a regular file');
  if (st) {
    try {
      await access(path, constants.W_OK);
    } catch (e) {
      throw new OutputError(path, reasonOf(e));
    }
  }
  const dir = dirname(path);
  const dst = await stat(dir).catch((e) => {
    throw new OutputError(path, reasonOf(e));
  });
  if (!dst.isDirectory()) throw new OutputError(path, 'a part of the path is a file, not a directory');
  await probeDir(dir, path);
  if (needBytes > 0) {
    const free = await freeBytes(dir);
    if (free !== undefined && free < needBytes)
      throw new OutputError(path, `needs about ${needBytes} bytes, ${free} free`);
  }
}

/**
 * Checks, before any computing, that `dir` is (or can be made) a directory that takes new files. A
 * missing directory is created, but never under /proc, /sys or /dev.
 */
export async function checkOutputDir(dir: string, needBytes = 0): Promise<void> {
  if (dir.trim() === '') throw new OutputError(dir, 'empty path');
  if (isUnderPseudoFs(dir)) throw new OutputError(dir, 'a kernel pseudo-filesystem (/proc, /sys, /dev)');
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new OutputError(dir, 'it is a file, not a directory');
  if (!st) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new OutputError(dir, reasonOf(e));
    }
  }
  await probeDir(dir, dir);
  if (needBytes > 0) {
    const free = await freeBytes(dir);
    if (free !== undefined && free < needBytes)
      throw new OutputError(dir, `needs about ${needBytes} bytes, ${free} free`);
  }
}

/**
 * Writes `data` to `path` atomically: unique temporary file in the same directory, fsync, rename, fsync
 * of the directory. On failure the temporary file is removed and an OutputError is thrown; the old file
 * at `path`, if any, is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempNameFor(path);
  tempFilesInFlight.add(tmp);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new OutputError(path, reasonOf(e));
  } finally {
    tempFilesInFlight.delete(tmp);
  }
  // The rename is durable once the directory entry is on disk; not every filesystem allows this.
  try {
    const dh = await open(dirname(path), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // fsync of a directory is not supported everywhere (e.g. some network filesystems): the file itself is synced.
  }
}

/**
 * Saves `data` somewhere it can be recovered after writing it to `failedPath` failed (a full disk, a
 * directory removed during the run): the system's temporary directory, then the home directory. Returns
 * the path written, or undefined when no place took it.
 */
export async function saveRecoveryCopy(
  failedPath: string,
  data: string | Uint8Array,
): Promise<string | undefined> {
  const { homedir, tmpdir } = await import('node:os');
  const name = `bitplane-recovered-${basename(failedPath) || 'record'}-${process.pid}-${randomBytes(3).toString('hex')}`;
  for (const dir of [tmpdir(), homedir()]) {
    const path = join(dir, name);
    try {
      await writeFileAtomic(path, data);
      return path;
    } catch {
      // try the next place
    }
  }
  return undefined;
}
