/**
 * Exports of a run: the JSON result record (the same `bitplane.run/1` record the command line writes)
 * and a CSV table of it, one row per logged epoch and replica:
 *
 *   epoch,replica,train_loss,test_loss,train_acc,test_acc,<layer>_ixt,<layer>_ity,<layer>_near_ceiling,<layer>_codes,<layer>_flip_ratio,…
 *
 * A layer has the columns it can fill: ixt, ity, near_ceiling and codes (the occupied codes) when it is
 * estimated (the output layer is not), flip_ratio when its weights are binary.
 *
 * Missing or non-finite values are empty cells. A run exported before it finished (paused) is marked
 * `interrupted`, with a message saying where it stopped, so the file never claims a complete run.
 */
import type { RunRecord } from '../run/record.ts';

/** The record as it should be exported now: a paused run is marked interrupted (a copy; `record` is untouched). */
export function exportableRecord(record: RunRecord): RunRecord {
  const last = record.epochs.length ? record.epochs[record.epochs.length - 1] : -1;
  if (record.status !== 'complete' || last >= record.config.epochs) return record;
  return {
    ...record,
    status: 'interrupted',
    message: `exported after epoch ${Math.max(0, last)} of ${record.config.epochs} (the run was not finished)`,
  };
}

/** JSON text of the exportable record (non-finite numbers become null, as JSON.stringify does). */
export function recordJson(record: RunRecord): string {
  return `${JSON.stringify(exportableRecord(record), null, 2)}\n`;
}

const cell = (v: unknown): string => {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return '';
};

/** A column-name form of a layer name: "hidden 1" → "hidden_1". */
export const columnName = (name: string): string => name.replace(/[^A-Za-z0-9]+/g, '_');

export function recordCsv(record: RunRecord): string {
  const { metrics, info } = record;
  const R = metrics.train_loss.length;
  const layers = record.layers.map((l) => columnName(l.name));
  // The information plane's arrays are indexed by estimated layer (info.layers); -1: not estimated.
  const k = record.layers.map((_, l) => (info.layers ? info.layers.indexOf(l) : l));
  const estimated = (l: number) => k[l] >= 0;
  const binary = (l: number) => record.layers[l].binary;
  const header = ['epoch', 'replica', 'train_loss', 'test_loss', 'train_acc', 'test_acc'];
  layers.forEach((n, l) => {
    if (estimated(l)) header.push(`${n}_ixt`, `${n}_ity`, `${n}_near_ceiling`, `${n}_codes`);
    if (binary(l)) header.push(`${n}_flip_ratio`);
  });
  const lines = [header.join(',')];
  record.epochs.forEach((epoch, i) => {
    for (let r = 0; r < R; r++) {
      const row = [
        String(epoch),
        String(r),
        cell(metrics.train_loss[r]?.[i]),
        cell(metrics.test_loss[r]?.[i]),
        cell(metrics.train_acc[r]?.[i]),
        cell(metrics.test_acc[r]?.[i]),
      ];
      layers.forEach((_, l) => {
        const j = k[l];
        if (estimated(l))
          row.push(
            cell(info.ixt[r]?.[i]?.[j]),
            cell(info.ity[r]?.[i]?.[j]),
            cell(info.near_ceiling[r]?.[i]?.[j]),
            cell(info.occupied?.[r]?.[i]?.[j]),
          );
        if (binary(l)) row.push(cell(metrics.flip_ratio[r]?.[i]?.[l]));
      });
      lines.push(row.join(','));
    }
  });
  return `${lines.join('\n')}\n`;
}

/** What an export's name says beyond the run: the network's name instead of its kind, the epoch reached. */
export interface NameParts {
  /** Replaces the network's kind (e.g. 'dnn-tanh-vs-bnn' for the comparison's joint charts). */
  net?: string;
  /** The last logged epoch: a record exported mid-run is named apart from the finished one. */
  epoch?: number;
}

/**
 * A file name for an export: bitplane-<dataset>-<network>-seed<seed>[-ep<epoch>][-<what>].<ext>, the
 * network being bnn, dnn, mixed or linear (no hidden layer) unless `parts.net` names it.
 */
export function exportName(
  record: Pick<RunRecord, 'config'>,
  ext: string,
  what = '',
  parts: NameParts = {},
): string {
  const c = record.config;
  const kind = c.network.hidden.length
    ? c.network.hidden.every((l) => l.weights === 'binary')
      ? 'bnn'
      : c.network.hidden.every((l) => l.weights === 'float')
        ? 'dnn'
        : 'mixed'
    : 'linear';
  const net = parts.net ?? kind;
  const epoch = parts.epoch !== undefined ? `-ep${parts.epoch}` : '';
  return `bitplane-${c.data.name}-${net}-seed${c.seed}${epoch}${what ? `-${what}` : ''}.${ext}`;
}

/** The last logged epoch of a record (0 before any). */
export const lastEpoch = (record: Pick<RunRecord, 'epochs'>): number =>
  record.epochs.length ? record.epochs[record.epochs.length - 1] : 0;

/**
 * A name made unique by the time of saving (UTC, to the second), before its extension:
 * 'a-loss.png' at 2026-11-30 03:01:45 → 'a-loss-20261130-030145.png'. Saving twice never overwrites.
 */
export function stampedName(name: string, at: Date): string {
  const iso = at.toISOString(); // 2026-11-30T03:01:45.123Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${stamp}${name.slice(dot)}` : `${name}-${stamp}`;
}
