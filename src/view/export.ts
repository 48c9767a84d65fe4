/**
 * Exports of a run: the JSON result record (the same `bitplane.run/1` record the command line writes)
 * and a CSV table of it, one row per logged epoch and replica:
 *
 *   epoch,replica,train_loss,test_loss,train_acc,test_acc,<layer>_ixt,<layer>_ity,<layer>_near_ceiling,<layer>_codes,<layer>_flip_ratio,…
 *
 * (ixt, ity, near_ceiling and codes — the occupied codes — are empty for a layer that is not estimated.)
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
  const header = ['epoch', 'replica', 'train_loss', 'test_loss', 'train_acc', 'test_acc'];
  for (const n of layers)
    header.push(`${n}_ixt`, `${n}_ity`, `${n}_near_ceiling`, `${n}_codes`, `${n}_flip_ratio`);
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
        row.push(
          cell(info.ixt[r]?.[i]?.[j]),
          cell(info.ity[r]?.[i]?.[j]),
          cell(info.near_ceiling[r]?.[i]?.[j]),
          cell(info.occupied?.[r]?.[i]?.[j]),
          cell(metrics.flip_ratio[r]?.[i]?.[l]),
        );
      });
      lines.push(row.join(','));
    }
  });
  return `${lines.join('\n')}\n`;
}

/** A file name for an export: bitplane-<dataset>-<network>-seed<seed>[-<what>].<ext>. */
export function exportName(record: Pick<RunRecord, 'config'>, ext: string, what = ''): string {
  const c = record.config;
  const net = c.network.hidden.length
    ? c.network.hidden.every((l) => l.weights === 'binary')
      ? 'bnn'
      : c.network.hidden.every((l) => l.weights === 'float')
        ? 'dnn'
        : 'mixed'
    : 'linear';
  return `bitplane-${c.data.name}-${net}-seed${c.seed}${what ? `-${what}` : ''}.${ext}`;
}
