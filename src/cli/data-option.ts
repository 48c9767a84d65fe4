/**
 * `bitplane run … --data FILE[,LABELS.npy]`: your own data from the command line (docs/own-data.md).
 * Reads and validates the file(s) with the same parser as the app (src/data/custom.ts) before anything
 * is computed, holds them to the hash a link names (a different file is refused as a reproduction), and
 * hands them to the run from memory. A run whose configuration names a data file without --data is
 * refused with the file it needs. Every refusal is a DataOptionError: exit code 2.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseConfig, type RunConfig } from '../config/run-config.ts';
import {
  type CustomData,
  CustomDataError,
  describeFile,
  fileMeta,
  hashMismatch,
  memoryFiles,
  parseCustomData,
} from '../data/custom.ts';
import { nodeFiles } from '../data/node-files.ts';
import type { DataFiles } from '../data/types.ts';

export class DataOptionError extends Error {
  override name = 'DataOptionError';
}

export interface DataOption {
  config: RunConfig;
  files?: DataFiles;
  data?: CustomData;
}

export async function applyDataOption(config: RunConfig, arg: string | undefined): Promise<DataOption> {
  const wanted = config.data.name === 'custom' ? config.data.file : undefined;
  if (arg === undefined) {
    if (config.data.name !== 'custom') return { config };
    throw new DataOptionError(
      wanted
        ? `this run needs the data file ${describeFile(wanted)}: pass it with --data ${wanted.name}`
        : 'data=custom needs the data file: pass it with --data FILE.csv (or --data FEATURES.npy,LABELS.npy)',
    );
  }
  const paths = arg.split(',');
  if (paths.length > 2 || paths.some((p) => p === ''))
    throw new DataOptionError(`--data takes FILE.csv or FEATURES.npy,LABELS.npy, got "${arg}"`);
  const sources = [];
  for (const path of paths) {
    try {
      const b = await readFile(path);
      sources.push({ name: path, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
    } catch (e) {
      throw new DataOptionError(`cannot read the data file ${path}: ${(e as Error).message}`);
    }
  }
  const { labelColumn, header } = config.data;
  let data: CustomData;
  try {
    data = await parseCustomData(sources[0], sources[1], { labelColumn, header });
  } catch (e) {
    if (e instanceof CustomDataError) throw new DataOptionError(`bad data file:\n${e.message}`);
    throw e;
  }
  if (wanted) {
    const wrong = hashMismatch(wanted, data);
    if (wrong) throw new DataOptionError(wrong);
  }
  // Links carry file names, not paths: the run reads the bytes from memory under that name.
  const meta = wanted ?? { ...fileMeta(data), name: paths.map((p) => basename(p)).join(',') };
  const names = meta.name.split(',');
  const files = memoryFiles(new Map(sources.map((s, i) => [names[i], s.bytes])), nodeFiles());
  const next = parseConfig({ ...config, data: { ...config.data, name: 'custom', file: meta } });
  return { config: next, files, data };
}
