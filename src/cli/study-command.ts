/**
 * `bitplane study <records or directories…>`: the pre-registered study statistic (docs/METHOD.md §6) over
 * any set of result records; with --capacity, the capacity study across bit widths (§6.8). Directories
 * contribute their *.json files whose schema is bitplane.run/1 (other JSON, e.g. a reproduction's run.json
 * manifest, is skipped); a file named on the command line must be a record. Unreadable or malformed
 * records stop the command with exit code 2 and a message naming the file and the field.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildCapacityReport,
  DEFAULT_CAPACITY_SEED,
  renderCapacityMarkdown,
} from '../study/capacity-report.ts';
import {
  type Experiment,
  groupExperiments,
  type ParsedRecord,
  parseRecord,
  StudyInputError,
} from '../study/records.ts';
import { buildReport, DEFAULT_STUDY_SEED, renderMarkdown } from '../study/report.ts';
import { checkOutputFile, OutputError, writeFileAtomic } from './output.ts';

export const STUDY_USAGE = `bitplane study <records or directories…> [options]

  Groups the records by dataset and kind (BNN by quantizer, DNN by activation, hybrids), and reports the
  pre-registered statistic S (docs/METHOD.md §6) per experiment and layer depth with bootstrap 95 % CIs,
  BNN vs DNN on each dataset with the CI of the difference, a permutation p and a verdict sentence, and
  the robustness table (thresholds, fitting by I(T;Y), floors, estimators, the DNN cut at its test-loss
  minimum).

  --capacity              the capacity study instead (docs/METHOD.md §6.8): records grouped by dataset and
                          bit width k (1, 2, 4, 8, float; weights and activations together), S per cell with
                          its CI, the trend of S against log2 k, whether S tracks training accuracy or bit
                          width, and the comparison with Lorenzen et al. (ICLR 2022); works on a partial
                          sweep (cells with fewer than 20 replicas are marked incomplete). E.g.
                          bitplane study --capacity capacity/ --out docs/capacity-study.md
  --out <file>            write the report there (Markdown, or JSON with --json) instead of stdout
  --json                  the report as JSON (schema bitplane.study/1; bitplane.capacity/1)
  --include-incomplete    also count records that stopped early (they are listed either way)
  --seed <n>              seed of the bootstraps and permutations (default ${DEFAULT_STUDY_SEED}, with
                          --capacity ${DEFAULT_CAPACITY_SEED})`;

async function readRecordFile(path: string, fromDirectory: boolean): Promise<ParsedRecord | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new StudyInputError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new StudyInputError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const schema = (json as { schema?: unknown } | null)?.schema;
  if (fromDirectory && schema !== 'bitplane.run/1') return null;
  return parseRecord(json, path);
}

/** Every record named by `paths` (files, or directories of *.json), in a stable order. */
export async function loadRecords(paths: readonly string[]): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new StudyInputError(`cannot read ${p}: no such file or directory`);
    if (st.isDirectory()) {
      const names = (await readdir(p)).filter((n) => n.endsWith('.json')).sort();
      for (const n of names) {
        const rec = await readRecordFile(join(p, n), true);
        if (rec) out.push(rec);
      }
    } else {
      const rec = await readRecordFile(p, false);
      if (rec) out.push(rec);
    }
  }
  return out;
}

function studyText(experiments: Experiment[], seed: number, json: boolean): string {
  const report = buildReport(experiments, seed);
  return json ? `${JSON.stringify(report, null, 1)}\n` : renderMarkdown(report);
}

function capacityText(experiments: Experiment[], seed: number, json: boolean): string {
  const report = buildCapacityReport(experiments, seed);
  return json ? `${JSON.stringify(report, null, 1)}\n` : renderCapacityMarkdown(report);
}

export async function studyCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        json: { type: 'boolean' },
        capacity: { type: 'boolean' },
        'include-incomplete': { type: 'boolean' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`bitplane study: ${(e as Error).message}\n\n${STUDY_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(STUDY_USAGE);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(`bitplane study: name at least one record or directory\n\n${STUDY_USAGE}`);
    return 2;
  }
  const capacity = values.capacity === true;
  const defaultSeed = capacity ? DEFAULT_CAPACITY_SEED : DEFAULT_STUDY_SEED;
  const seed = values.seed === undefined ? defaultSeed : Number(values.seed);
  if (!Number.isInteger(seed)) {
    console.error(`bitplane study: --seed must be a whole number, got "${values.seed}"`);
    return 2;
  }
  const out = values.out as string | undefined;
  try {
    if (out !== undefined) await checkOutputFile(out);
    const records = await loadRecords(positionals);
    if (records.length === 0)
      throw new StudyInputError(`no bitplane.run/1 record in ${positionals.join(', ')}`);
    const experiments = groupExperiments(records, values['include-incomplete'] === true);
    const text = capacity
      ? capacityText(experiments, seed, values.json === true)
      : studyText(experiments, seed, values.json === true);
    if (out === undefined) process.stdout.write(text);
    else {
      await writeFileAtomic(out, text);
      console.error(`bitplane study: wrote ${out}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof StudyInputError || e instanceof OutputError) {
      console.error(`bitplane study: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
