/**
 * Your own data as CSV (docs/own-data.md): comma-separated, optional header, the label column by name or
 * 1-based index (default the last), rows named by their line numbers.
 */
import {
  CUSTOM_LIMITS,
  type CustomData,
  type CustomOptions,
  type CustomSource,
  finish,
  Issues,
  labelsFromStrings,
} from './custom-check.ts';

const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const NAN_RE = /^[-+]?(nan|inf|infinity)$/i;

/** One CSV line split into cells; double quotes group (with "" for a quote inside), cells are trimmed. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** The label column's 0-based index, or an issue. */
function labelIndex(spec: string, header: string[] | undefined, columns: number, issues: Issues): number {
  if (spec === '') return columns - 1;
  if (/^\d+$/.test(spec)) {
    const k = Number(spec);
    if (k >= 1 && k <= columns) return k - 1;
    issues.add(`label column ${spec} is not among the ${columns} columns (counted from 1)`);
    return -1;
  }
  const k = header ? header.indexOf(spec) : -1;
  if (k < 0)
    issues.add(
      header
        ? `no column is named "${spec}" (the header has ${header.map((h) => `"${h}"`).join(', ')})`
        : `label column "${spec}" is a name, but the file has no header row`,
    );
  return k;
}

export function parseCsv(src: CustomSource, options: CustomOptions): Promise<CustomData> {
  const issues = new Issues(src.name);
  const text = new TextDecoder('utf-8').decode(src.bytes).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  // [line number, cells] of every non-blank line
  const rows: [number, string[]][] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '') rows.push([i + 1, splitCsvLine(l)]);
  });
  if (rows.length === 0) {
    issues.add('the file is empty');
    issues.throwIfAny();
  }
  const isNum = (c: string) => NUMBER_RE.test(c);
  const mode = options.header ?? 'auto';
  const first = rows[0][1];
  const second = rows[1]?.[1];
  const hasHeader =
    mode === 'yes' ||
    (mode === 'auto' &&
      (first.every((c) => !isNum(c)) || first.some((c, j) => !isNum(c) && second && isNum(second[j] ?? ''))));
  const header = hasHeader ? first : undefined;
  const data = hasHeader ? rows.slice(1) : rows;
  const columns = first.length;
  if (columns < 2)
    issues.add(`a row needs at least 2 columns (features and a label), got ${columns}`, rows[0][0]);
  if (data.length > CUSTOM_LIMITS.maxRows)
    issues.add(`${data.length} rows is more than the limit of ${CUSTOM_LIMITS.maxRows}`);
  issues.throwIfAny();
  const li = labelIndex(options.labelColumn ?? '', header, columns, issues);
  issues.throwIfAny();
  const D = columns - 1;
  const N = data.length;
  const x = new Float64Array(N * D);
  const rawLabels: string[] = new Array(N);
  data.forEach(([line, cells], i) => {
    if (cells.length !== columns) {
      issues.add(
        `has ${cells.length} columns, the ${hasHeader ? 'header' : 'first row'} has ${columns}`,
        line,
      );
      return;
    }
    let j = 0;
    cells.forEach((c, k) => {
      if (k === li) {
        rawLabels[i] = c;
        if (c === '') issues.add('the label is empty', line, k + 1);
        return;
      }
      if (isNum(c)) x[i * D + j] = Number(c);
      else if (NAN_RE.test(c)) issues.add(`${c} is not a finite number`, line, k + 1);
      else if (c === '') issues.add('the cell is empty', line, k + 1);
      else issues.add(`"${c.slice(0, 40)}" is not a number`, line, k + 1);
      j++;
    });
  });
  issues.throwIfAny();
  const featureNames = header
    ? header.filter((_, k) => k !== li)
    : Array.from({ length: D }, (_, j) => String(j + (j >= li ? 2 : 1)));
  const rowOf = (i: number) => data[i][0];
  const colOf = (j: number) => (j >= li ? j + 2 : j + 1);
  return finish(src.name, x, N, D, labelsFromStrings(rawLabels, rowOf, li + 1, issues), featureNames, {
    rowOf,
    colOf,
    issues,
    options,
  });
}
