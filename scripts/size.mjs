#!/usr/bin/env node
// `npm run size`: the line count watched the tinygrad way. Lists the files of src/, components/ and
// shaders/ over a soft cap of 400 lines, then the lines per folder (on the floors of scripts/floors.mjs).
// A file may stay over the cap only if its header (its first 40 lines) says why, in a line with
// "Over the size cap: <why>". Exits 1 when a file is over the cap without saying why, so `npm test` fails.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOORS, floorOf } from './floors.mjs';

export const CAP = 400;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['src', 'components', 'shaders'];
const SOURCE = /\.(ts|mjs|js|wgsl)$/;
const REASON = /Over the size cap:\s*(\S.*)/i;

/**
 * Files over the cap that other work in progress splits (issue #11, point 3), with who splits them; they
 * are listed but do not fail. Remove an entry once its file is split; one that no longer applies is
 * reported as stale.
 */
const PENDING = {};

function files(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(`${dir}/${e.name}`) : SOURCE.test(e.name) ? [`${dir}/${e.name}`] : [],
  );
}

const rows = DIRS.flatMap(files).map((path) => {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  const count = lines.length - (lines.at(-1) === '' ? 1 : 0);
  const reason = lines.slice(0, 40).join('\n').match(REASON)?.[1];
  return { path, count, reason };
});

const over = rows.filter((r) => r.count > CAP).sort((a, b) => b.count - a.count);
const unexplained = over.filter((r) => !r.reason && !PENDING[r.path]);
console.log(`Files over ${CAP} lines (${over.length}):`);
for (const r of over) {
  const why = r.reason
    ? `explained: ${r.reason}`
    : PENDING[r.path]
      ? `pending: ${PENDING[r.path]}`
      : 'NOT EXPLAINED';
  console.log(`  ${String(r.count).padStart(5)}  ${r.path.padEnd(40)} ${why}`);
}
const stale = Object.keys(PENDING).filter((p) => !over.some((r) => r.path === p));
for (const p of stale)
  console.log(`  stale entry in scripts/size.mjs PENDING: ${p} (gone or under the cap; remove it)`);

const folders = new Map();
for (const r of rows) {
  const dir = r.path.slice(0, r.path.lastIndexOf('/'));
  const f = folders.get(dir) ?? { files: 0, lines: 0, floor: floorOf(r.path) };
  f.files++;
  f.lines += r.count;
  folders.set(dir, f);
}
console.log('\nLines per folder (lowest floor first):');
const sorted = [...folders].sort((a, b) => a[1].floor - b[1].floor || a[0].localeCompare(b[0]));
for (const [dir, f] of sorted) {
  const floor = FLOORS[f.floor]?.name ?? '?';
  console.log(
    `  ${floor.padEnd(10)} ${dir.padEnd(28)} ${String(f.files).padStart(3)} files ${String(f.lines).padStart(6)} lines`,
  );
}
const total = rows.reduce((s, r) => s + r.count, 0);
console.log(
  `  ${''.padEnd(10)} ${'total'.padEnd(28)} ${String(rows.length).padStart(3)} files ${String(total).padStart(6)} lines`,
);

if (unexplained.length) {
  console.error(
    `\n${unexplained.length} file(s) over ${CAP} lines without a reason: split them, or say why in the header ` +
      `("Over the size cap: …"): ${unexplained.map((r) => relative('.', join(ROOT, r.path))).join(', ')}`,
  );
  process.exit(1);
}
