/**
 * Every document the repository cites resolves inside it (no GPU needed):
 *   - every Markdown link [text](target) in a .md file points to a file of the repository, and its #anchor,
 *     when there is one, to a heading of the target;
 *   - every mention of a Markdown document (`NAME.md`, `some/path/NAME.md`) in any text file names one that
 *     exists (a bare name may live in any folder; a path is taken from the citing file's folder or the root);
 *   - every `docs/…` path exists, and so does every path into the code (`src/…`, `test/…`, `shaders/…`, …)
 *     that a Markdown document names (a `<placeholder>` ends the path);
 *   - every `METHOD.md §N` (and `§N.M`) names a section heading of docs/METHOD.md, and so does every `§N`
 *     inside docs/METHOD.md;
 *   - every example link (`v=1&…`) in a Markdown document parses with no issue (docs/cli.md once showed
 *     `out=bin`, which the link refuses), but for those shown on purpose to fail.
 * The scanner works on a list of paths and a map of texts, so that its rules are tested on made-up files too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLink } from '../src/run/link.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Folders that are not the repository's own text: dependencies, build outputs, generated quick runs. */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'dist-cli', 'coverage', 'test-results', 'docs/quick']);
/** Files whose text is scanned for citations. */
const TEXT_EXT = new Set([
  '.ts',
  '.mts',
  '.js',
  '.mjs',
  '.cjs',
  '.wgsl',
  '.md',
  '.html',
  '.css',
  '.yml',
  '.yaml',
  '.sh',
]);
/** Paths that a command writes when it runs (gitignored), so they may be cited without existing. */
const GENERATED = ['docs/quick'];
/**
 * Documents written on other branches at the same time as the README that links them. They may be missing
 * until those branches are merged; once they exist they are checked like any other.
 */
const PENDING = new Set(['docs/fused-trainer.md']);
/** Folders a branch not yet merged creates: paths under them may be missing until it lands (none now). */
const PENDING_DIRS: string[] = [];
const METHOD = 'docs/METHOD.md';

interface Repo {
  /** Every file, relative to the root, with forward slashes. */
  paths: string[];
  /** The text of the files to scan. */
  texts: Map<string, string>;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings (outside code fences), with GitHub's -1, -2 for repeats. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The section numbers (1, 6, 6.4, …) of docs/METHOD.md's headings "## N. title" and "### N.M title". */
function sections(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,3}\s+(\d+(?:\.\d+)?)\.?\s/gm)) out.add(m[1]!);
  return out;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Every citation that does not resolve, as "file:line: what". */
function problems(repo: Repo): string[] {
  const files = new Set(repo.paths);
  const dirs = new Set(
    repo.paths.flatMap((p) =>
      p
        .split('/')
        .slice(0, -1)
        .map((_, i, a) => a.slice(0, i + 1).join('/')),
    ),
  );
  const exists = (p: string) => files.has(p) || dirs.has(p);
  const byName = new Set(repo.paths.map((p) => posix.basename(p)));
  const generated = (p: string) => GENERATED.some((g) => p === g || p.startsWith(`${g}/`));
  const resolve = (from: string, target: string) => posix.normalize(posix.join(posix.dirname(from), target));
  const method = repo.texts.get(METHOD);
  const methodSections = method === undefined ? new Set<string>() : sections(method);
  const out: string[] = [];

  for (const [file, raw] of repo.texts) {
    const text = raw.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s)>\]'"`]+/gi, (url) => ' '.repeat(url.length));
    const at = (i: number) => `${file}:${lineOf(text, i)}`;

    if (file.endsWith('.md')) {
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const [target = '', fragment] = m[1]!.split('#');
        if (/^[a-z]+:/i.test(target)) continue; // mailto: and the like
        const path = target === '' ? file : resolve(file, target);
        if (!exists(path)) {
          if (!PENDING.has(path)) out.push(`${at(m.index)}: link to ${m[1]} — ${path} does not exist`);
          continue;
        }
        const targetText = repo.texts.get(path);
        if (
          fragment &&
          path.endsWith('.md') &&
          targetText !== undefined &&
          !anchors(targetText).has(fragment)
        ) {
          out.push(`${at(m.index)}: link to ${m[1]} — ${path} has no heading #${fragment}`);
        }
      }
    }

    if (file.endsWith('.md')) {
      for (const m of text.matchAll(
        /(?<![\w./-])(?:src|test|scripts|shaders|components|data|bin)\/[\w./<>-]*[\w/>]/g,
      )) {
        const cited = posix.normalize(m[0].split('<')[0]!).replace(/\/$/, '');
        const pending = PENDING_DIRS.some((d) => cited === d || cited.startsWith(`${d}/`));
        if (!exists(cited) && !pending) out.push(`${at(m.index)}: names ${m[0]}, which does not exist`);
      }
    }

    for (const m of text.matchAll(/(?<![\w./-])((?:\.{1,2}\/)?(?:[\w.-]+\/)*[\w-][\w.-]*\.md)(?![\w-])/g)) {
      const cited = m[1]!;
      const first = cited.split('/')[0]!;
      if (cited.includes('/') && /^[A-Z_]+$/.test(first) && !exists(first)) continue; // a placeholder: DIR/REPORT.md
      const found = cited.includes('/')
        ? exists(resolve(file, cited)) || exists(posix.normalize(cited)) || generated(posix.normalize(cited))
        : byName.has(cited);
      if (!found && !PENDING.has(posix.normalize(cited)) && !PENDING.has(resolve(file, cited))) {
        out.push(`${at(m.index)}: cites ${cited}, which is not in the repository`);
      }
    }

    for (const m of text.matchAll(/(?<![\w./-])docs\/[\w./-]*[\w/]/g)) {
      const cited = posix.normalize(m[0]).replace(/\/$/, '');
      if (!exists(cited) && !generated(cited) && !PENDING.has(cited)) {
        out.push(`${at(m.index)}: cites ${m[0]}, which does not exist`);
      }
    }

    const citing =
      file === METHOD
        ? /(§\s*\d+(?:\.\d+)?)/g
        : /METHOD\.md\s*((?:§\s*\d+(?:\.\d+)?(?:\s*(?:,|and|or|–)\s*)?)+)/g;
    for (const m of text.matchAll(citing)) {
      for (const s of m[1]!.matchAll(/§\s*(\d+(?:\.\d+)?)/g)) {
        if (!methodSections.has(s[1]!))
          out.push(`${at(m.index)}: cites ${METHOD} §${s[1]}, which has no such section`);
      }
    }
  }
  return out;
}

/** The repository as it is on disk. */
function readRepo(): Repo {
  const paths: string[] = [];
  const texts = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.name.startsWith('.') || SKIP_DIRS.has(rel) || SKIP_DIRS.has(entry.name)) continue;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) {
        paths.push(rel);
        if (TEXT_EXT.has(extname(entry.name))) texts.set(rel, readFileSync(join(ROOT, rel), 'utf8'));
      }
    }
  };
  walk('');
  texts.delete('test/docs.test.ts'); // its made-up citations are the scanner's fixtures
  return { paths, texts };
}

describe('the scanner', () => {
  const method = '# Method\n\n## 1. The claim\n\n## 6. The study statistic\n\n### 6.4 Summaries\n';
  const repo = (texts: Record<string, string>, extra: string[] = []): Repo => ({
    paths: [...Object.keys(texts), METHOD, ...extra],
    texts: new Map([[METHOD, method], ...Object.entries(texts)]),
  });

  it('finds GitHub anchors and METHOD.md sections', () => {
    expect([...anchors(method)]).toEqual(['method', '1-the-claim', '6-the-study-statistic', '64-summaries']);
    expect(slug('`bitplane run`, options')).toBe('bitplane-run-options');
    expect([...sections(method)]).toEqual(['1', '6', '6.4']);
  });

  it('accepts citations that resolve', () => {
    const ok = repo(
      {
        'README.md':
          'See [the claim](docs/METHOD.md#1-the-claim), docs/METHOD.md §1, §6 and [x](shaders/README.md).',
        'shaders/README.md':
          'Back: [method](../docs/METHOD.md#64-summaries); writes DIR/REPORT.md and docs/quick/.',
        'src/a.ts': '// the statistic (docs/METHOD.md §6.4); https://example.org/NOPE.md is a URL',
        'docs/x.md': 'The code: `src/a.ts`, test/<file>.test.ts, src/<family>/ref.ts.',
      },
      ['test/kernels.test.ts'],
    );
    expect(problems(ok)).toEqual([]);
  });

  it('names every citation that does not resolve', () => {
    const bad = repo({
      'README.md': '[gone](docs/gone.md) [anchor](docs/METHOD.md#2-binary-layers)\n',
      'src/a.ts': '// see OUTSIDE.md §2\n// docs/METHOD.md §3, §6.9\n// docs/missing/\n',
      'docs/x.md': 'Moved: `src/old.ts`; scripts/gone/<name>.mjs\n',
    });
    expect(problems(bad)).toEqual([
      'README.md:1: link to docs/gone.md — docs/gone.md does not exist',
      'README.md:1: link to docs/METHOD.md#2-binary-layers — docs/METHOD.md has no heading #2-binary-layers',
      'README.md:1: cites docs/gone.md, which is not in the repository',
      'README.md:1: cites docs/gone.md, which does not exist',
      'src/a.ts:1: cites OUTSIDE.md, which is not in the repository',
      'src/a.ts:3: cites docs/missing/, which does not exist',
      'src/a.ts:2: cites docs/METHOD.md §3, which has no such section',
      'src/a.ts:2: cites docs/METHOD.md §6.9, which has no such section',
      'docs/x.md:1: names src/old.ts, which does not exist',
      'docs/x.md:1: names scripts/gone/<name>.mjs, which does not exist',
    ]);
  });
});

describe('the repository', () => {
  it('cites only documents, paths and METHOD.md sections that exist in it', () => {
    const repo = readRepo();
    expect(repo.texts.has(METHOD)).toBe(true);
    expect(problems(repo)).toEqual([]);
  });
});

/**
 * The links the documents show as examples, parsed as a user would paste them: each must parse with no
 * issue, but for the ones a document shows on purpose to explain an error or as a pattern (listed here
 * with why). A link is `v=1` and its `&key=value` pairs up to a space, backtick, quote or bracket.
 */
const LINKS_SHOWN_TO_FAIL = new Map([
  ['v=1&data=xor&samples=2&lr=0.01&epochs=7', 'docs/reliability.md: the message of a split too small'],
  ['v=1&data=bits12&net=…', 'docs/sweeps.md: a pattern, not a link'],
]);

describe('the links in the documents', () => {
  it('parse with no issue (all but those shown to fail)', () => {
    const { texts } = readRepo();
    const bad: string[] = [];
    let seen = 0;
    for (const [path, text] of texts) {
      if (!path.endsWith('.md')) continue;
      for (const m of text.matchAll(/v=1(?:&[A-Za-z_]+=[^\s&`"')\]|]*)*/g)) {
        seen++;
        if (LINKS_SHOWN_TO_FAIL.has(m[0])) continue;
        const { issues } = parseLink(m[0]);
        if (issues.length) bad.push(`${path}: ${m[0]} → ${issues.map((i) => i.message).join('; ')}`);
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });
});
