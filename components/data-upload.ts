import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import type { RunConfig } from '../src/config/run-config.ts';
import {
  type CustomData,
  CustomDataError,
  type CustomIssue,
  type CustomSource,
  describeFile,
  fileMeta,
  hashMismatch,
  memoryFiles,
  parseCustomData,
} from '../src/data/custom.ts';
import { browserFiles } from '../src/data/files.ts';
import type { DataFiles } from '../src/data/types.ts';
import type { FieldPath } from '../src/view/edit.ts';
import { emitEdit } from './config-fields.ts';
import { controlStyles } from './control-styles.ts';

/**
 * The bytes of the files uploaded in this page, by name. Runs read your own data through
 * `uploadedDataFiles` (pass it as the RunController's `files`); the built-in datasets still come from
 * the app's base URL.
 */
const uploads = new Map<string, Uint8Array>();
export const uploadedDataFiles: DataFiles = memoryFiles(uploads, browserFiles());

/** The adapter's limits, for the same size check the command line makes (src/data/custom.ts). */
async function adapterLimits() {
  try {
    const a = await navigator.gpu?.requestAdapter();
    return a
      ? {
          maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize,
          maxBufferSize: a.limits.maxBufferSize,
        }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Your own data (docs/own-data.md): a file picker and a drop zone for a CSV or a features + labels .npy
 * pair, parsed and validated by src/data/custom.ts. Problems are listed with their row and column; a good
 * file sets config.data.file (name, size, SHA-256) and the run proceeds like any dataset. A configuration
 * (a link) that names a file says which one it needs, and another file is refused as a reproduction
 * unless the user chooses to run on it as a new experiment.
 * Properties down: `data` (the configuration's data part). Events up: `config-edit`.
 */
export class DataUpload extends LitElement {
  static override properties = {
    data: { attribute: false },
    issues: { state: true },
    mismatch: { state: true },
    loaded: { state: true },
    over: { state: true },
  };
  declare data: RunConfig['data'];
  declare issues: CustomIssue[];
  declare mismatch: string | null;
  declare loaded: CustomData | null;
  declare over: boolean;
  private sources: CustomSource[] = [];

  constructor() {
    super();
    this.issues = [];
    this.mismatch = null;
    this.loaded = null;
    this.over = false;
  }

  static override styles = [
    controlStyles,
    css`
      .drop { border: 2px dashed var(--bp-border); border-radius: 8px; padding: 0.6rem; text-align: center; font-size: 0.8rem; margin-bottom: 0.5rem; }
      .drop.over { border-color: var(--bp-accent); background: var(--bp-input); }
      ul { margin: 0.3rem 0; padding-left: 1.1rem; font-size: 0.78rem; }
      .ok { font-size: 0.78rem; margin: 0.3rem 0; overflow-wrap: anywhere; }
      .need, .error { font-size: 0.78rem; overflow-wrap: anywhere; }
      code { font-size: 0.72rem; }
    `,
  ];

  private edit(path: FieldPath, value: unknown) {
    emitEdit(this, path, value);
  }

  private async onFiles(list: FileList | null | undefined) {
    if (!list?.length) return;
    const files = [...list].slice(0, 2);
    this.sources = await Promise.all(
      files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
    );
    await this.parse(true);
  }

  /** Parses the chosen files; `fresh` when the user just chose them (not a re-read after an option change). */
  private async parse(fresh: boolean) {
    const [a, b] = this.sources;
    if (!a) return;
    const options = {
      labelColumn: this.data.labelColumn,
      header: this.data.header,
      limits: await adapterLimits(),
    };
    let data: CustomData;
    try {
      data = await parseCustomData(a, b, options);
    } catch (e) {
      if (!(e instanceof CustomDataError)) throw e;
      // Two .npy files in either order: the features are the two-dimensional one.
      if (!b) return this.fail(e.issues);
      try {
        data = await parseCustomData(b, a, options);
      } catch {
        return this.fail(e.issues);
      }
    }
    this.issues = [];
    const wanted = this.data.file;
    const wrong = wanted && fresh ? hashMismatch(wanted, data) : null;
    for (const s of this.sources) uploads.set(s.name, s.bytes);
    this.loaded = data;
    this.mismatch = wrong;
    if (!wrong) this.use(data);
  }

  private fail(issues: CustomIssue[]) {
    this.issues = issues;
    this.loaded = null;
    this.mismatch = null;
  }

  /** Runs on `data`: the configuration names this file from now on. */
  private use(data: CustomData) {
    this.mismatch = null;
    const meta = fileMeta(data);
    const f = this.data.file;
    if (f && f.sha256 === meta.sha256 && f.name === meta.name) return;
    if (f && f.sha256 === meta.sha256) {
      // The same data under another name: serve it under the name the configuration knows.
      const known = f.name.split(',');
      meta.name.split(',').forEach((n, k) => {
        uploads.set(known[k] ?? n, uploads.get(n) as Uint8Array);
      });
      return;
    }
    this.edit(['data', 'file'], meta);
  }

  override updated(changed: PropertyValues<this>) {
    const old = changed.get('data') as RunConfig['data'] | undefined;
    if (
      old &&
      this.sources.length &&
      (old.labelColumn !== this.data.labelColumn || old.header !== this.data.header)
    )
      void this.parse(false);
  }

  private needed(): boolean {
    const f = this.data.file;
    return !!f && f.name.split(',').some((n) => !uploads.has(n));
  }

  override render() {
    const d = this.data;
    const f = d.file;
    return html`
      <div class="drop ${this.over ? 'over' : ''}" data-testid="data-upload-drop"
        @dragover=${(e: DragEvent) => {
          e.preventDefault();
          this.over = true;
        }}
        @dragleave=${() => (this.over = false)}
        @drop=${(e: DragEvent) => {
          e.preventDefault();
          this.over = false;
          void this.onFiles(e.dataTransfer?.files);
        }}>
        <label>Drop a CSV (or features.npy and labels.npy) here, or
          <input type="file" accept=".csv,.txt,.npy" multiple data-testid="data-upload-input"
            @change=${(e: Event) => void this.onFiles((e.target as HTMLInputElement).files)} /></label>
      </div>
      ${
        this.needed() && f && !this.loaded
          ? html`<p class="need" data-testid="data-upload-needed">This run needs the data file <strong>${describeFile(f)}</strong>: choose or drop it here.</p>`
          : nothing
      }
      ${
        this.issues.length
          ? html`<ul class="error" role="alert" data-testid="data-upload-issues">
              ${this.issues.map((i) => html`<li>${i.file}${i.row !== undefined ? html`, row ${i.row}` : ''}${i.column !== undefined ? html`, column ${i.column}` : ''}: ${i.message}</li>`)}
            </ul>`
          : nothing
      }
      ${
        this.mismatch && this.loaded
          ? html`<p class="error" role="alert" data-testid="data-upload-mismatch">${this.mismatch}</p>
              <button type="button" @click=${() => this.loaded && this.use(this.loaded)}>Run on this file as a new experiment</button>`
          : nothing
      }
      ${
        f && !this.needed() && !this.mismatch
          ? html`<p class="ok" data-testid="data-upload-ok">${f.name}: ${f.rows} rows × ${f.columns} features, ${f.classes} classes${this.loaded?.classNames ? ` (${this.loaded.classNames.slice(0, 6).join(', ')}${this.loaded.classNames.length > 6 ? ', …' : ''})` : ''}; SHA-256 <code>${f.sha256.slice(0, 16)}…</code></p>`
          : nothing
      }
      <div class="grid">
        <label class="field"><span>Label column</span>
          <input type="text" placeholder="last" data-field="data.labelColumn" .value=${live(d.labelColumn)}
            @change=${(e: Event) => this.edit(['data', 'labelColumn'], (e.target as HTMLInputElement).value.trim())} /></label>
        <label class="field"><span>Header row</span>
          <select data-field="data.header" .value=${live(d.header)} @change=${(e: Event) => this.edit(['data', 'header'], (e.target as HTMLSelectElement).value)}>
            <option value="auto" ?selected=${d.header === 'auto'}>auto</option>
            <option value="yes" ?selected=${d.header === 'yes'}>yes</option>
            <option value="no" ?selected=${d.header === 'no'}>no</option>
          </select></label>
        <label class="field"><span>Normalize</span>
          <select data-field="data.normalize" data-testid="data-normalize" .value=${live(d.normalize)} @change=${(e: Event) => this.edit(['data', 'normalize'], (e.target as HTMLSelectElement).value)}>
            <option value="none" ?selected=${d.normalize === 'none'}>none</option>
            <option value="zscore" ?selected=${d.normalize === 'zscore'}>z-score (training rows)</option>
            <option value="minmax" ?selected=${d.normalize === 'minmax'}>min–max (training rows)</option>
          </select></label>
      </div>
    `;
  }
}
customElements.define('data-upload', DataUpload);

declare global {
  interface HTMLElementTagNameMap {
    'data-upload': DataUpload;
  }
}
