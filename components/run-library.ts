import { css, html, LitElement, nothing } from 'lit';
import type { RunSummary } from '../src/view/run-list.ts';
import { MAX_BYTES, MAX_RUNS } from '../src/view/run-list.ts';
import { controlStyles } from './control-styles.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/**
 * The run list: runs kept when the settings changed (or when they finished) and records opened from
 * files (a picker, a sweep directory's picker, or drag-and-drop). Each row shows the dataset, the network,
 * the epochs, the final test accuracy and when; a run is viewed alone, or two or more ticked runs are
 * overlaid. Properties down (`runs`, `errors`, `viewing`); events up: open-records { files, directory },
 * view-runs { ids }, delete-run { id }.
 */
export class RunLibrary extends LitElement {
  static override properties = {
    runs: { attribute: false },
    errors: { attribute: false },
    viewing: { attribute: false },
    ticked: { state: true },
    over: { state: true },
  };
  declare runs: RunSummary[];
  declare errors: string[];
  declare viewing: string[];
  declare ticked: ReadonlySet<string>;
  declare over: boolean;

  constructor() {
    super();
    this.runs = [];
    this.errors = [];
    this.viewing = [];
    this.ticked = new Set();
    this.over = false;
  }

  static override styles = [
    controlStyles,
    css`
      :host { display: block; background: var(--bp-surface); border: 1px solid var(--bp-border); border-radius: 10px; padding: 0.6rem 0.8rem; }
      .drop { border: 2px dashed var(--bp-border); border-radius: 8px; padding: 0.5rem; font-size: 0.8rem; display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; }
      .drop.over { border-color: var(--bp-accent); background: var(--bp-input); }
      .table-wrap { overflow-x: auto; }
      table { border-collapse: collapse; font-size: 0.8rem; width: 100%; margin-top: 0.5rem; }
      th, td { text-align: left; padding: 0.2rem 0.4rem; border-bottom: 1px solid var(--bp-border); white-space: nowrap; }
      tr.viewing td { background: var(--bp-input); }
      .error { color: var(--bp-bad); font-size: 0.82rem; margin: 0.4rem 0 0; padding-left: 1.1rem; }
      .bar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-top: 0.45rem; font-size: 0.8rem; color: var(--bp-muted); }
    `,
  ];

  private emit(name: string, detail: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private onFiles(list: FileList | null | undefined, directory: boolean) {
    const files = [...(list ?? [])].filter((f) => !directory || f.name.endsWith('.json'));
    if (files.length) this.emit('open-records', { files, directory });
  }

  private tick(id: string, on: boolean) {
    const next = new Set(this.ticked);
    if (on) next.add(id);
    else next.delete(id);
    this.ticked = next;
  }

  override render() {
    const ticked = this.runs.filter((r) => this.ticked.has(r.id)).map((r) => r.id);
    return html`
      <h3>Runs</h3>
      <div class="drop ${this.over ? 'over' : ''}" data-testid="runs-drop"
        @dragover=${(e: DragEvent) => {
          e.preventDefault();
          this.over = true;
        }}
        @dragleave=${() => (this.over = false)}
        @drop=${(e: DragEvent) => {
          e.preventDefault();
          this.over = false;
          this.onFiles(e.dataTransfer?.files, false);
        }}>
        <label>Open result records (JSON) or drop them here:
          <input type="file" accept=".json,application/json" multiple data-testid="runs-open"
            @change=${(e: Event) => this.onFiles((e.target as HTMLInputElement).files, false)} /></label>
        <label>a sweep directory:
          <input type="file" webkitdirectory data-testid="runs-open-dir"
            @change=${(e: Event) => this.onFiles((e.target as HTMLInputElement).files, true)} /></label>
      </div>
      ${
        this.errors.length
          ? html`<ul class="error" role="alert" data-testid="runs-errors">${this.errors.map((e) => html`<li>${e}</li>`)}</ul>`
          : nothing
      }
      ${
        this.runs.length
          ? html`<div class="table-wrap"><table data-testid="runs-list">
              <thead><tr><th scope="col">Overlay</th><th scope="col">Dataset</th><th scope="col">Network</th><th scope="col">Epochs</th>
                <th scope="col">Test acc.</th><th scope="col">When (UTC)</th><th scope="col">From</th><th scope="col"></th></tr></thead>
              <tbody>${this.runs.map(
                (r) => html`<tr class=${this.viewing.includes(r.id) ? 'viewing' : ''} data-testid="runs-row">
                  <td><input type="checkbox" aria-label="Overlay this run" data-testid="runs-tick" .checked=${this.ticked.has(r.id)}
                    @change=${(e: Event) => this.tick(r.id, (e.target as HTMLInputElement).checked)} /></td>
                  <td>${r.dataset}</td><td>${r.network}</td><td>${r.epochs}${r.status === 'complete' ? '' : ` (${r.status})`}</td>
                  <td data-testid="runs-acc">${pct(r.accuracy)}</td><td>${when(r.when)}</td><td>${r.source === 'run' ? 'trained here' : r.source}</td>
                  <td><button type="button" data-testid="runs-view" @click=${() => this.emit('view-runs', { ids: [r.id] })}>View</button>
                    <button type="button" data-testid="runs-delete" @click=${() => this.emit('delete-run', { id: r.id })}>Delete</button></td>
                </tr>`,
              )}</tbody></table></div>`
          : html`<p class="bar">No runs kept yet: a run is kept here when it finishes or when you change the settings.</p>`
      }
      <div class="bar">
        <button type="button" data-testid="runs-overlay" ?disabled=${ticked.length < 2}
          @click=${() => this.emit('view-runs', { ids: ticked })}>Overlay ${ticked.length} ticked runs</button>
        ${this.viewing.length ? html`<button type="button" data-testid="runs-back" @click=${() => this.emit('view-runs', { ids: [] })}>Back to the live run</button>` : nothing}
        <span>Kept in this browser (IndexedDB): the newest ${MAX_RUNS} runs, ${MAX_BYTES / 1024 / 1024} MB of records at most.</span>
      </div>
    `;
  }
}
customElements.define('run-library', RunLibrary);

declare global {
  interface HTMLElementTagNameMap {
    'run-library': RunLibrary;
  }
}
