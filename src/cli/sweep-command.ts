/**
 * `bitplane sweep expand SPEC.json [--out sweep.jsonl]` and `bitplane sweep report DIR [--from sweep.jsonl]
 * [--out OUT]`: a spec to its manifest (src/sweep/spec.ts), and a directory of records to one table
 * (src/sweep/report.ts) and the cross-run summary (src/sweep/study.ts). Running the manifest is
 * `bitplane run --from` (src/cli/sweep-run.ts). Documented in docs/sweeps.md.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RECORD_SCHEMA, type RunRecord } from '../run/record.ts';
import { groupExperiments, type ParsedRecord, parseRecord, StudyInputError } from '../study/records.ts';
import { buildReport, renderMarkdown } from '../study/report.ts';
import { ManifestError, parseManifest } from '../sweep/manifest.ts';
import { mergeProblem, mergeSeeds } from '../sweep/merge.ts';
import { outcomesInOrder, type RunOutcome, sweepRow, toCsv, toJsonLines } from '../sweep/report.ts';
import { expandSpec, type ManifestEntry, manifestText, SpecError, sweepId } from '../sweep/spec.ts';
import { type StudyReport, studyReport, withoutSeed } from '../sweep/study.ts';
import { checkOutputDir, checkOutputFile, OutputError, writeFileAtomic } from './output.ts';

export const SWEEP_USAGE = `usage: bitplane sweep expand SPEC.json [--out sweep.jsonl]
       bitplane sweep report DIR [--from sweep.jsonl] [--out OUT] [--figures]

  expand   writes the manifest: one {"id", "link"} line per run (to --out, else standard output)
  report   reads every DIR/<id>.json record into OUT/sweep.csv and OUT/sweep.jsonl (one row per run:
           the link's fields, final metrics, per-layer phase measures and near-ceiling shares) and
           OUT/study.json (runs that differ only by seed, summarized), OUT/statistic.md and OUT/statistic.json (the
           study statistic, as \`bitplane study DIR\` computes it); OUT defaults to DIR. With
           --from, every manifest line is a row: runs without a record are listed as "missing".
           --figures: one PNG per group of runs that differ only by seed, every seed drawn as a
           replica by the app's figure sheet (needs Chromium): OUT/figures/<id of the group's link>.png
  then:    bitplane run --from sweep.jsonl --index I [--chunk K] --out-dir DIR   (see docs/sweeps.md)
exit codes: 0 written, 2 bad input (spec, manifest, directory), nothing written`;

/** The study statistic's files in the report folder: OUT/statistic.md and OUT/statistic.json. */
export const STATISTIC_NAME = 'statistic';

class UsageError extends Error {}
/** A spec, manifest or directory that cannot be used: named in the message, no usage text. */
class InputError extends Error {}

const RECORD_NAME = /^([0-9a-f]{16})\.json$/;

async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

async function expand(positionals: string[], out: string | undefined): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('sweep expand takes one SPEC.json');
  if (out !== undefined) await checkOutputFile(out);
  const spec = await readJsonFile(positionals[0], 'spec');
  let result: ReturnType<typeof expandSpec>;
  try {
    result = expandSpec(spec);
  } catch (e) {
    if (e instanceof SpecError) throw new InputError(`${positionals[0]}: ${e.problems.join(`\n  `)}`);
    throw e;
  }
  const text = manifestText(result.entries);
  if (out !== undefined) await writeFileAtomic(out, text);
  else process.stdout.write(text);
  const note = result.duplicates ? ` (${result.duplicates} repeated configurations listed once)` : '';
  console.error(`${result.entries.length} runs${note}${out ? ` → ${out}` : ''}`);
  return 0;
}

/** Every record in `dir` (files named <16 hex>.json), or why one cannot be read. */
async function readOutcomes(dir: string): Promise<RunOutcome[]> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    names = await readdir(dir);
  } catch (e) {
    throw new InputError(`cannot read the records directory ${dir}: ${(e as Error).message}`);
  }
  const out: RunOutcome[] = [];
  for (const name of names.sort()) {
    const m = RECORD_NAME.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    try {
      const r = JSON.parse(await readFile(path, 'utf8')) as RunRecord;
      if (r?.schema !== RECORD_SCHEMA) throw new Error(`not a ${RECORD_SCHEMA} record`);
      out.push({ id: m[1], link: r.link, record: r });
    } catch (e) {
      out.push({ id: m[1], status: 'unreadable', reason: `${path}: ${(e as Error).message}` });
    }
  }
  return out;
}

/**
 * One figure per seed group with complete records, all its seeds drawn as replicas (src/sweep/merge.ts),
 * by the app's own figure sheet (src/cli/figures.ts). Returns the figure's path per group link.
 */
async function drawGroups(outcomes: readonly RunOutcome[], outDir: string): Promise<Map<string, string>> {
  const groups = new Map<string, RunRecord[]>();
  for (const o of outcomes)
    if (o.record?.status === 'complete') {
      const key = withoutSeed(o.record.link);
      groups.set(key, [...(groups.get(key) ?? []), o.record]);
    }
  const items = [];
  const paths = new Map<string, string>();
  for (const [link, records] of groups) {
    const problem = mergeProblem(records);
    if (problem) {
      console.error(`  no figure for ${link}: ${problem}`);
      continue;
    }
    const name = join('figures', `${sweepId(link)}.png`);
    items.push({
      record: mergeSeeds(records),
      title: `${link} · seeds ${records.map((r) => r.config.seed).join(', ')}, drawn as replicas`,
      path: join(outDir, name),
    });
    paths.set(link, name);
  }
  const { renderFigures } = await import('./figures.ts');
  await renderFigures(items);
  return paths;
}

/**
 * The pre-registered study statistic (docs/METHOD.md §6; src/study/, the same as `bitplane study DIR`)
 * over the records found: runs that differ only by seed pool into one experiment, every BNN is compared
 * with every DNN of its dataset. Written as OUT/statistic.md and OUT/statistic.json; returns why not, if not.
 */
async function writeStatistic(
  outcomes: readonly RunOutcome[],
  dir: string,
  outDir: string,
): Promise<string | null> {
  const parsed: ParsedRecord[] = [];
  try {
    for (const o of outcomes) if (o.record) parsed.push(parseRecord(o.record, join(dir, `${o.id}.json`)));
  } catch (e) {
    if (e instanceof StudyInputError) return e.message;
    throw e;
  }
  if (!parsed.length) return 'no records';
  const statistic = buildReport(groupExperiments(parsed));
  await writeFileAtomic(join(outDir, `${STATISTIC_NAME}.md`), renderMarkdown(statistic));
  await writeFileAtomic(join(outDir, `${STATISTIC_NAME}.json`), `${JSON.stringify(statistic, null, 1)}\n`);
  return null;
}

async function report(
  positionals: string[],
  out: string | undefined,
  from: string | undefined,
  figures: boolean,
): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('sweep report takes one records directory');
  const dir = positionals[0];
  const outDir = out ?? dir;
  let manifest: ManifestEntry[] | undefined;
  if (from !== undefined) {
    let text: string;
    try {
      text = await readFile(from, 'utf8');
    } catch (e) {
      throw new ManifestError(`cannot read ${from}: ${(e as Error).message}`);
    }
    manifest = parseManifest(text, from);
  }
  const found = await readOutcomes(dir);
  await checkOutputDir(outDir);
  if (figures) {
    // Loaded only for figures: serve-app needs Vite and Playwright, which a bundled CLI (scripts/bundle-cli.mjs) lacks.
    const { chromiumAvailable, chromiumMissingMessage } = await import('./serve-app.ts');
    if (!chromiumAvailable()) throw new InputError(`--figures: ${chromiumMissingMessage()}`);
  }
  const rows = outcomesInOrder(found, manifest).map(sweepRow);
  const study: StudyReport & { groups: { figure?: string }[] } = studyReport(rows);
  await writeFileAtomic(join(outDir, 'sweep.csv'), toCsv(rows));
  await writeFileAtomic(join(outDir, 'sweep.jsonl'), toJsonLines(rows));
  const noStatistic = await writeStatistic(found, dir, outDir);
  if (noStatistic) console.error(`  ${STATISTIC_NAME}.md not written: ${noStatistic}`);
  if (figures) {
    // After the tables: a browser that fails must not cost them. study.json names each figure.
    const paths = await drawGroups(found, outDir);
    for (const g of study.groups) if (paths.has(g.link)) g.figure = paths.get(g.link);
  }
  await writeFileAtomic(join(outDir, 'study.json'), `${JSON.stringify(study, null, 1)}\n`);
  const notComplete = rows.filter((r) => r.status !== 'complete');
  console.error(
    `${rows.length} runs, ${study.complete} complete${manifest ? '' : ' (no --from: runs without a record are not known)'}` +
      ` → ${join(outDir, 'sweep.csv')}, sweep.jsonl, study.json${noStatistic ? '' : `, ${STATISTIC_NAME}.md`}` +
      (figures ? ', figures/' : ''),
  );
  for (const r of notComplete.slice(0, 20))
    console.error(`  ${r.id}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
  if (notComplete.length > 20)
    console.error(`  … and ${notComplete.length - 20} more (see the status column)`);
  return 0;
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        from: { type: 'string' },
        figures: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help || sub === 'help' || sub === '--help') {
      console.log(SWEEP_USAGE);
      return 0;
    }
    if (sub === 'expand') {
      if (values.from !== undefined || values.figures)
        throw new UsageError('--from and --figures belong to sweep report');
      return await expand(positionals, values.out);
    }
    if (sub === 'report') return await report(positionals, values.out, values.from, values.figures === true);
    throw new UsageError(sub === undefined ? 'which one: expand or report?' : `unknown subcommand "${sub}"`);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof InputError ||
      e instanceof ManifestError ||
      e instanceof OutputError
    ) {
      console.error(`bitplane sweep: ${e.message}${e instanceof UsageError ? `\n\n${SWEEP_USAGE}` : ''}`);
      return 2;
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`bitplane sweep: ${(e as Error).message}\n\n${SWEEP_USAGE}`);
      return 2;
    }
    throw e;
  }
}
