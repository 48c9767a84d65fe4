#!/usr/bin/env node
// Folds a folder written by scripts/gpu-run.sh (on a GPU machine) into docs/benchmarks.md, between the
// marker comments `<!-- gpu-run:begin -->` and `<!-- gpu-run:end -->` (appended at the end when missing):
//
//   node scripts/gpu-fold.mjs DIR [--doc docs/benchmarks.md]
//
// It writes the adapter and the driver, what ran (manifest.json: command, seconds, exit code), the kernel
// table (bench.json, in the same format as `bitplane bench`), the estimate's cost (bench-info.json), the
// training benchmark's output when there is one, and, when DIR/reproduce/ holds records, copies them
// into docs/reproduction/ and prints the command that redraws the report. Exit 2 (with the file named)
// when DIR lacks a manifest or a file is not the JSON it should be.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { root, withSources } from './module-runner.mjs';

export const BEGIN = '<!-- gpu-run:begin -->';
export const END = '<!-- gpu-run:end -->';

class FoldError extends Error {}

function readJson(path, schema) {
  let v;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new FoldError(`${path}: ${e.code === 'ENOENT' ? 'missing' : `not JSON (${e.message})`}`);
  }
  if (schema && v.schema !== schema)
    throw new FoldError(`${path}: schema is ${v.schema}, expected ${schema}`);
  return v;
}

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const ms = (s) =>
  s && Number.isFinite(s.median) ? `${s.median.toPrecision(4)} (IQR ${s.iqr.toPrecision(2)})` : '–';

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The Markdown that goes between the markers. */
export function foldMarkdown({ manifest, pack, bench, info, train, env }, benchMarkdown) {
  const adapter = bench?.adapter ?? info?.adapter;
  const out = [
    `### Latest run of scripts/gpu-run.sh (${manifest.started})`,
    '',
    `Adapter: ${adapter ? `${adapter.name ?? `${adapter.vendor} / ${adapter.architecture}`}${adapter.software ? ' (software: not a GPU measurement)' : ''}` : 'unknown (no record)'}  `,
    `Driver: ${manifest.driver}  `,
  ];
  const smi = env
    ?.split('\n')
    .filter((l) => l && !l.startsWith('---'))
    .slice(-1)[0];
  if (env?.includes('nvidia-smi') && smi) out.push(`nvidia-smi: ${smi}  `);
  out.push(
    `Code: commit ${pack.commit}${pack.uncommitted_changes ? ' with uncommitted changes' : ''}, node ${pack.node}; ` +
      `${manifest.elapsed_s} s of a ${manifest.budget_s} s budget${manifest.quick ? ', smoke versions (--quick)' : ''}`,
    '',
    table(
      ['step', 'command', 's', 'exit', 'note'],
      manifest.steps.map((s) => [
        s.name,
        s.command ? `\`${s.command}\`` : '',
        String(s.seconds),
        s.exit === -1 ? 'not run' : String(s.exit),
        s.note,
      ]),
    ),
  );
  if (bench) out.push('', '#### Kernels (`bitplane bench`)', '', benchMarkdown(bench).trimEnd());
  if (info) {
    out.push(
      '',
      '#### What the information-plane estimate costs (`bitplane bench-info`)',
      '',
      table(
        ['network', 'replicas', 'epochs', 'epoch ms without', 'epoch ms with', 'overhead'],
        info.overhead.map((o) => [
          o.network,
          String(o.replicas),
          String(o.epochs),
          ms(o.without_ms),
          ms(o.with_ms),
          pct(o.overhead),
        ]),
      ),
      '',
      `One estimate of a ${info.wide.width}-wide layer over ${info.wide.n} samples: ${ms(info.wide.estimate_ms)} ms.`,
    );
  }
  if (train !== undefined) {
    out.push('', '#### Training (`bitplane bench-train`)', '');
    if (typeof train === 'string') out.push(train.trimEnd());
    else out.push('```json', JSON.stringify(train, null, 1).slice(0, 4000), '```');
  }
  return out.join('\n');
}

/** Replaces what lies between the markers (or appends a marked section) and returns the new document. */
export function spliceDoc(doc, body) {
  const block = `${BEGIN}\n${body}\n${END}`;
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a >= 0 && b > a) return doc.slice(0, a) + block + doc.slice(b + END.length);
  return `${doc.trimEnd()}\n\n## Latest GPU run\n\n${block}\n`;
}

function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { flush: true });
  renameSync(tmp, path);
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      doc: { type: 'string', default: 'docs/benchmarks.md' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error('usage: node scripts/gpu-fold.mjs DIR [--doc docs/benchmarks.md]');
    return values.help ? 0 : 2;
  }
  const dir = resolve(positionals[0]);
  const docPath = resolve(root, values.doc);
  if (!existsSync(docPath)) throw new FoldError(`--doc ${values.doc}: no such file`);
  const manifest = readJson(join(dir, 'manifest.json'), 'bitplane.gpu-run/1');
  const pack = readJson(join(dir, 'pack.json'), 'bitplane.gpu-pack/1');
  const opt = (f, schema) => (existsSync(join(dir, f)) ? readJson(join(dir, f), schema) : undefined);
  const bench = opt('bench.json', 'bitplane.bench/1');
  const info = opt('bench-info.json', 'bitplane.bench-info/1');
  let train = opt('bench-train.json');
  if (train === undefined && existsSync(join(dir, 'bench-train.txt')))
    train = readFileSync(join(dir, 'bench-train.txt'), 'utf8');
  const env = existsSync(join(dir, 'env.txt')) ? readFileSync(join(dir, 'env.txt'), 'utf8') : undefined;
  const benchMarkdown = bench
    ? await withSources(async (load) => (await load('/src/bench/report.ts')).benchMarkdown)
    : () => '';
  const body = foldMarkdown({ manifest, pack, bench, info, train, env }, benchMarkdown);
  writeAtomic(docPath, spliceDoc(readFileSync(docPath, 'utf8'), body));
  // Biome formats Markdown too (tables padded): format what was written so `npm run lint` stays green.
  const biome = join(root, 'node_modules/.bin/biome');
  if (existsSync(biome)) spawnSync(biome, ['format', '--write', docPath], { cwd: root, stdio: 'ignore' });
  console.log(`gpu-fold: wrote ${values.doc}`);
  const records = join(dir, 'reproduce/reproduction');
  const quickRecords = existsSync(records) && readJson(join(records, 'run.json')).quick === true;
  if (quickRecords)
    console.log('gpu-fold: the reproduction records are smoke runs (--quick): not copied into docs/');
  if (existsSync(records) && !quickRecords) {
    const target = join(root, 'docs/reproduction');
    const files = readdirSync(records).filter((f) => f.endsWith('.json'));
    for (const f of files) readJson(join(records, f)); // all valid before any is copied
    for (const f of files) copyFileSync(join(records, f), join(target, basename(f)));
    console.log(
      `gpu-fold: copied ${files.length} records into docs/reproduction/; redraw the figures and the report with\n` +
        '  npx bitplane reproduce --report-only --out docs',
    );
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      if (e instanceof FoldError) {
        console.error(`gpu-fold: ${e.message}`);
        process.exit(2);
      }
      throw e;
    },
  );
}
