/**
 * The run list: finished or interrupted runs kept across settings changes and reloads, and records
 * opened from files. Pure logic over a small key-value store (the app gives it IndexedDB,
 * components/idb-run-store.ts; the tests an in-memory map), so it runs in Node as in the browser.
 *
 * The stored size is bounded: at most MAX_RUNS runs and MAX_BYTES of record JSON together; the oldest
 * kept runs are dropped first when a new one would pass either cap.
 */
import type { RunRecord } from '../run/record.ts';
import { network } from './caption.ts';
import { lastEpoch } from './export.ts';

export const MAX_RUNS = 30;
export const MAX_BYTES = 20 * 1024 * 1024;

/** One kept run: its record as JSON text (what is stored), when it was kept, and where it came from. */
export interface StoredRun {
  id: string;
  /** Milliseconds since 1970 (UTC) when the run was kept or opened. */
  kept: number;
  /** 'run': trained here; otherwise the file it was opened from. */
  source: string;
  json: string;
}

/** The store the list keeps its runs in (IndexedDB in the app). */
export interface RunStore {
  all(): Promise<StoredRun[]>;
  put(run: StoredRun): Promise<void>;
  delete(id: string): Promise<void>;
}

/** What the list shows of a run. */
export interface RunSummary {
  id: string;
  source: string;
  dataset: string;
  network: string;
  /** Epochs logged, of those planned. */
  epochs: string;
  /** Mean test accuracy over replicas at the last logged epoch (NaN when none). */
  accuracy: number;
  status: RunRecord['status'];
  /** When the run started (the record's timing), else when it was kept: an ISO time. */
  when: string;
}

/** A run's identity: the same run kept twice (finished, then settings changed) is one entry. */
export function runId(record: RunRecord): string {
  return `${record.timing.started}|${record.config.seed}|${record.link}`;
}

export function summarize(id: string, source: string, record: RunRecord, kept: number): RunSummary {
  const accs = record.metrics.test_acc.map((row) => row[record.epochs.length - 1]).filter(Number.isFinite);
  return {
    id,
    source,
    dataset: record.config.data.name,
    network: network(record.config),
    epochs: `${lastEpoch(record)} / ${record.config.epochs}`,
    accuracy: accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : Number.NaN,
    status: record.status,
    when: record.timing.started || new Date(kept).toISOString(),
  };
}

/** Keeps `run` in the store and drops the oldest others until both caps hold; returns the ids dropped. */
export async function keepRun(store: RunStore, run: StoredRun): Promise<string[]> {
  if (run.json.length > MAX_BYTES)
    throw new Error(
      `the run's record (${run.json.length} bytes) is larger than the list's cap of ${MAX_BYTES} bytes`,
    );
  const others = (await store.all()).filter((r) => r.id !== run.id).sort((a, b) => b.kept - a.kept);
  let bytes = run.json.length;
  const dropped: string[] = [];
  others.forEach((r, i) => {
    bytes += r.json.length;
    if (i + 1 >= MAX_RUNS || bytes > MAX_BYTES) dropped.push(r.id);
  });
  await store.put(run);
  for (const id of dropped) await store.delete(id);
  return dropped;
}

/** The stored runs, newest first. */
export async function listRuns(store: RunStore): Promise<StoredRun[]> {
  return (await store.all()).sort((a, b) => b.kept - a.kept);
}

/** An in-memory store (tests, and the app when IndexedDB is unavailable). */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, StoredRun>();
  async all() {
    return [...this.runs.values()];
  }
  async put(run: StoredRun) {
    this.runs.set(run.id, run);
  }
  async delete(id: string) {
    this.runs.delete(id);
  }
}
