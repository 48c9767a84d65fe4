/**
 * A sweep's records as one table (pure): one row per run, with the link's fields as columns, the final
 * metrics (replica means at the last logged epoch), and per estimated layer h1, h2, … the phase measures
 * of src/info/phases.ts (replica means), the compression timing most replicas agree on, and the share of
 * its information-plane points near the log2 N ceiling (where the plug-in estimate says little).
 * Runs the manifest names but that have no record, or whose record is unreadable, are rows too.
 */
import { compressionTiming, strictMajority, summarizePhases } from '../info/phases.ts';
import { nearCeilingShares } from '../info/reliability.ts';
import { LINK_FIELDS, parseLink } from '../run/link.ts';
import type { RunRecord } from '../run/record.ts';
import type { ManifestEntry } from './spec.ts';

export type Cell = string | number | boolean | null;
export type SweepRow = Record<string, Cell>;

/** What was found for one run: its record, or why there is none. */
export type RunOutcome =
  | { id: string; link?: string; record: RunRecord }
  | { id: string; link?: string; record?: undefined; status: 'missing' | 'unreadable'; reason: string };

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const last = <T>(xs: readonly T[]) => xs[xs.length - 1];

function linkColumns(config: unknown): SweepRow {
  const row: SweepRow = {};
  for (const f of LINK_FIELDS) {
    const v = f.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], config);
    row[f.key] = v === undefined ? null : typeof v === 'number' || typeof v === 'boolean' ? v : f.format(v);
  }
  return row;
}

/** The row of one run. */
export function sweepRow(outcome: RunOutcome): SweepRow {
  if (!outcome.record) {
    // Without a record, the manifest's link still says which run it is.
    const row: SweepRow = {
      id: outcome.id,
      status: outcome.status,
      reason: outcome.reason,
      link: outcome.link ?? null,
    };
    return outcome.link === undefined ? row : { ...row, ...linkColumns(parseLink(outcome.link).config) };
  }
  const r = outcome.record;
  const row: SweepRow = {
    id: outcome.id,
    status: r.status,
    reason: r.message ?? null,
    link: r.link,
    ...linkColumns(r.config),
    logged_epochs: r.epochs.length,
    last_epoch: last(r.epochs) ?? null,
    total_s: r.timing.total_s,
  };
  for (const key of ['train_loss', 'test_loss', 'train_acc', 'test_acc'] as const)
    row[key] = mean(r.metrics[key].map((rep) => last(rep) ?? Number.NaN));
  row.generalization_gap = (row.train_acc as number) - (row.test_acc as number);
  const { info } = r;
  if (r.epochs.length === 0 || info.ixt.length === 0) return row;
  const phases = summarizePhases(r.epochs, info.ixt, info.ity);
  const near = nearCeilingShares(info);
  for (const [j, layer] of info.layers.entries()) {
    const h = `h${j + 1}`;
    row[`${h}_width`] = r.layers[layer]?.width ?? null;
    row[`${h}_ixt_peak_epoch`] = phases[j].ixtPeakEpoch.mean;
    row[`${h}_ity90_epoch`] = phases[j].ity90Epoch.mean;
    row[`${h}_joint_share`] = phases[j].jointShare.mean;
    const per = info.ixt.map((rep, k) =>
      compressionTiming(
        rep.map((e) => e[j]),
        info.ity[k].map((e) => e[j]),
      ),
    );
    row[`${h}_compression_bits`] = mean(per.map((p) => p.compression));
    row[`${h}_timing`] = strictMajority(per.map((p) => p.timing)) ?? 'mixed';
    row[`${h}_near_ceiling_share`] = near[j];
    row[`${h}_final_ixt`] = mean(info.ixt.map((rep) => last(rep)?.[j] ?? Number.NaN));
    row[`${h}_final_ity`] = mean(info.ity.map((rep) => last(rep)?.[j] ?? Number.NaN));
  }
  row.ixt_ceiling = info.ceilings.ixt;
  return row;
}

/**
 * Pairs the records found with the manifest (when given): manifest order first, every manifest line a
 * row (a missing record is a 'missing' row), then records the manifest does not name, by id.
 */
export function outcomesInOrder(
  found: readonly RunOutcome[],
  manifest: readonly ManifestEntry[] | undefined,
): RunOutcome[] {
  const byId = new Map(found.map((o) => [o.id, o]));
  const out: RunOutcome[] = [];
  for (const e of manifest ?? []) {
    const o = byId.get(e.id);
    out.push(
      o
        ? { ...o, link: o.link ?? e.link }
        : { id: e.id, link: e.link, status: 'missing', reason: 'no record' },
    );
    byId.delete(e.id);
  }
  return [...out, ...[...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))];
}

/** Every column any row has, in first-seen order (rows of deeper networks add h3_…, h4_…). */
export function columnsOf(rows: readonly SweepRow[]): string[] {
  const cols = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) cols.add(k);
  return [...cols];
}

function csvCell(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV: a header of every column, then one line per row (empty where a row lacks a column). */
export function toCsv(rows: readonly SweepRow[]): string {
  const cols = columnsOf(rows);
  const lines = [cols.map(csvCell), ...rows.map((r) => cols.map((c) => csvCell(r[c])))];
  return lines.map((l) => `${l.join(',')}\r\n`).join('');
}

/** JSON lines, one row per line; NaN and ±Infinity (not JSON) become null. */
export function toJsonLines(rows: readonly SweepRow[]): string {
  return rows
    .map((r) => `${JSON.stringify(r, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`)
    .join('');
}
