import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TransportView } from '../src/run/controller.ts';
import type { RunRecord } from '../src/run/record.ts';
import { exportableRecord, recordJson } from '../src/view/export.ts';
import { openRecord } from '../src/view/open-record.ts';
import {
  keepRun,
  listRuns,
  MemoryRunStore,
  type RunStore,
  type RunSummary,
  runId,
  summarize,
} from '../src/view/run-list.ts';
import { IdbRunStore } from './idb-run-store.ts';

/**
 * The run list's state, held for the app (its root owns it; this controller keeps it out of the root's
 * file): the kept and opened runs (summaries, and their records once read), the runs being viewed, and
 * what the last opened files got wrong. It listens on the host for the run list's events:
 *
 *   open-records { files }   read JSON result records (one or many: a sweep directory's files)
 *   view-runs    { ids }     view one run, or overlay several (an empty list: back to the live run)
 *   delete-run   { id }      drop a run from the list (and from IndexedDB)
 */
export class RunsController implements ReactiveController {
  summaries: RunSummary[] = [];
  viewing: { id: string; record: RunRecord }[] = [];
  errors: string[] = [];
  private readonly records = new Map<string, RunRecord>();
  private readonly store: RunStore =
    typeof indexedDB === 'undefined' ? new MemoryRunStore() : new IdbRunStore();

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected() {
    this.host.addEventListener(
      'open-records',
      (e) => void this.open((e as CustomEvent<{ files: File[]; directory?: boolean }>).detail),
    );
    this.host.addEventListener('view-runs', (e) =>
      this.view((e as CustomEvent<{ ids: string[] }>).detail.ids),
    );
    this.host.addEventListener(
      'delete-run',
      (e) => void this.remove((e as CustomEvent<{ id: string }>).detail.id),
    );
    void this.refresh();
  }

  private async refresh() {
    try {
      const runs = await listRuns(this.store);
      this.summaries = runs.flatMap((r) => {
        let record = this.records.get(r.id);
        if (!record) {
          const opened = openRecord(r.json, r.source);
          if (!opened.record) return [];
          record = opened.record;
          this.records.set(r.id, record);
        }
        return [summarize(r.id, r.source, record, r.kept)];
      });
    } catch (e) {
      this.errors = [`The run list could not be read: ${(e as Error).message}`];
    }
    this.host.requestUpdate();
  }

  private async add(record: RunRecord, source: string, id = runId(record)) {
    this.records.set(id, record);
    await keepRun(this.store, { id, kept: Date.now(), source, json: recordJson(record) });
  }

  /** Keeps the live run's records (finished, or interrupted by a settings change) once it trained an epoch. */
  async keepLive(views: TransportView | TransportView[]) {
    // Copied now: the app resets its runs right after this call.
    const records = [views]
      .flat()
      .filter((t) => t.epoch >= 1)
      .flatMap((t) => t.records.map((r) => structuredClone(exportableRecord(r))));
    if (!records.length) return;
    for (const record of records)
      try {
        await this.add(record, 'run');
      } catch (e) {
        this.errors = [`The run could not be kept: ${(e as Error).message}`];
      }
    await this.refresh();
  }

  /** Opens records; from a directory, JSON files that are not run records (a sweep's plan) are skipped. */
  async open({ files, directory = false }: { files: File[]; directory?: boolean }) {
    const errors: string[] = [];
    const opened: string[] = [];
    // In name order: a directory's files arrive in no fixed order.
    for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const r = openRecord(await f.text(), f.name);
      if (!r.record) {
        if (!(directory && r.error.includes(': schema must be'))) errors.push(r.error);
        continue;
      }
      const id = `${runId(r.record)}|${f.name}`;
      try {
        await this.add(r.record, f.name, id);
        opened.push(id);
      } catch (e) {
        errors.push(`${f.name}: ${(e as Error).message}`);
      }
    }
    this.errors = errors;
    await this.refresh();
    if (opened.length) this.view(opened);
  }

  view(ids: string[]) {
    this.viewing = ids.flatMap((id) => {
      const record = this.records.get(id);
      return record ? [{ id, record }] : [];
    });
    this.host.requestUpdate();
  }

  async remove(id: string) {
    await this.store.delete(id);
    this.records.delete(id);
    this.viewing = this.viewing.filter((v) => v.id !== id);
    await this.refresh();
  }
}
