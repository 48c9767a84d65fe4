import { css, html, LitElement } from 'lit';
import { type BenchRecord, type Measurement, runBench } from '../src/bench/harness.ts';
import { benchMarkdown, measurementCells, recordHeader, TABLE_COLUMNS } from '../src/bench/report.ts';
import {
  type BenchSettings,
  PEERS,
  type PeerName,
  parseBenchParams,
  type SettingsIssue,
} from '../src/bench/settings.ts';
import type { Gpu } from '../src/gpu/device.ts';
import { BENCH_KERNELS } from '../src/kernels/index.ts';
import { workerReference } from './bench-reference.ts';

/**
 * The kernel benchmark: settings (from the link), a run on this adapter, the table as it fills, and
 * "copy results" as JSON or a Markdown table. The run itself (progress, rows, the record) is this
 * page's own state; the settings belong to the link.
 * Properties down: `gpu`, `settings`, `issues` (what the link got wrong).
 * Events up: `bench-settings` ({ settings }) when a run starts with edited settings.
 */
export class BenchPage extends LitElement {
  static override properties = {
    gpu: { attribute: false },
    settings: { attribute: false },
    issues: { attribute: false },
    running: { state: true },
    status: { state: true },
    rows: { state: true },
    record: { state: true },
    formIssues: { state: true },
    copied: { state: true },
  };
  declare gpu?: Gpu;
  declare settings: BenchSettings;
  declare issues: SettingsIssue[];
  declare running: boolean;
  declare status: string;
  declare rows: Measurement[];
  declare record?: BenchRecord;
  declare formIssues: SettingsIssue[];
  declare copied: string;
  private abort?: AbortController;

  constructor() {
    super();
    this.issues = [];
    this.running = false;
    this.status = '';
    this.rows = [];
    this.formIssues = [];
    this.copied = '';
  }

  static override styles = css`
    :host { display: block; min-width: 0; }
    form { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.35rem 0.8rem; align-items: center; margin: 0.8rem 0; }
    fieldset { border: none; padding: 0; margin: 0; min-width: 0; display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; }
    input[type='text'] { font: inherit; width: 22rem; max-width: 100%; }
    input[type='number'] { font: inherit; width: 6rem; }
    button { font: inherit; padding: 0.3rem 0.8rem; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 0.92em; }
    th, td { text-align: left; padding: 0.2rem 0.45rem; border-bottom: 1px solid color-mix(in srgb, currentColor 15%, transparent); white-space: nowrap; }
    td.num { text-align: right; }
    .bad { color: var(--bp-bad, #b00020); }
    .muted { opacity: 0.75; }
    pre { overflow-x: auto; font-size: 0.82em; }
    /* The table scrolls inside its own box: the page never grows wider than the window. */
    .scroll { overflow-x: auto; max-width: 100%; }
    @media (max-width: 600px) { form { grid-template-columns: minmax(0, 1fr); } }
  `;

  /** The settings as the form shows them now (invalid fields are reported, the link's value kept). */
  private readForm(): { settings: BenchSettings; issues: SettingsIssue[] } {
    const root = this.renderRoot as ShadowRoot;
    const value = (name: string) => (root.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
    const checked = (name: string) =>
      [...root.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
    const kernels = checked('kernel');
    return parseBenchParams([
      // All ticked means "all": the link stays short.
      ['kernels', kernels.length === BENCH_KERNELS.length ? '' : kernels.join(',')],
      ['sizes', value('sizes')],
      ['rows', value('rows')],
      ['spans', value('spans')],
      ['span_ms', value('span_ms')],
      ['budget', value('budget')],
      ['peers', checked('peer').join(',') || 'none'],
    ]);
  }

  private async run(e: Event) {
    e.preventDefault();
    if (!this.gpu || this.running) return;
    const { settings, issues } = this.readForm();
    this.formIssues = issues;
    if (issues.length) return;
    this.dispatchEvent(
      new CustomEvent('bench-settings', { detail: { settings }, bubbles: true, composed: true }),
    );
    this.running = true;
    this.rows = [];
    this.record = undefined;
    this.copied = '';
    this.abort = new AbortController();
    const gpu = this.gpu;
    const cpu = workerReference();
    try {
      this.record = await runBench(gpu, settings, {
        signal: this.abort.signal,
        reference: cpu.reference,
        loadTfjs: async (g) => (await import('../src/bench/tfjs-peer.ts')).loadTfjsPeer(g),
        onProgress: (line) => (this.status = line),
        onMeasurement: (m) => (this.rows = [...this.rows, m]),
      });
      this.rows = this.record.measurements; // with the ratios filled in
      const r = this.record;
      this.status = `done in ${r.duration_s.toFixed(1)} s: ${r.measurements.length} measurements, ${r.skipped.length} skipped, ${r.failures.length} mismatches`;
    } catch (err) {
      this.status = `stopped: ${(err as Error).message}`;
    } finally {
      cpu.close();
      this.running = false;
    }
  }

  private stop() {
    this.abort?.abort(new Error('stopped by the user'));
  }

  private async copy(kind: 'json' | 'markdown') {
    if (!this.record) return;
    const text = kind === 'json' ? JSON.stringify(this.record, null, 1) : benchMarkdown(this.record);
    try {
      await navigator.clipboard.writeText(text);
      this.copied = `${kind === 'json' ? 'JSON' : 'Markdown'} copied`;
    } catch {
      this.copied = 'the browser refused the clipboard: select the text below instead';
    }
  }

  override render() {
    const s = this.settings;
    const issues = [...this.issues, ...this.formIssues];
    const kernelOn = (name: string) => s.kernels.length === 0 || s.kernels.includes(name);
    return html`
      <p>Every kernel version is checked against its CPU reference on this adapter, then timed over spans of
        many dispatches (median and interquartile range over spans). Peers in the same run:
        TensorFlow.js's WebGPU matmul, our float GEMM (for the XNOR GEMM) and the JavaScript references.
        The settings are in this page's link.</p>
      ${
        issues.length
          ? html`<ul class="bad" data-testid="bench-issues">${issues.map((i) => html`<li>${i.key}: ${i.message}</li>`)}</ul>`
          : ''
      }
      <form @submit=${this.run}>
        <span>kernels</span>
        <fieldset>${BENCH_KERNELS.map(
          (k) =>
            html`<label><input type="checkbox" name="kernel" value=${k.name} ?checked=${kernelOn(k.name)} />${k.name}</label>`,
        )}</fieldset>
        <label for="sizes">GEMM sizes</label>
        <input id="sizes" name="sizes" type="text" .value=${s.sizes.join(',')} />
        <label for="rows">rows (×256)</label>
        <input id="rows" name="rows" type="text" .value=${s.rows.join(',')} />
        <label for="spans">spans</label>
        <input id="spans" name="spans" type="number" min="1" .value=${String(s.spans)} />
        <label for="span_ms">min span (ms)</label>
        <input id="span_ms" name="span_ms" type="number" min="0.1" step="any" .value=${String(s.spanMs)} />
        <label for="budget">budget (s)</label>
        <input id="budget" name="budget" type="number" min="0.1" step="any" .value=${String(s.budgetS)} />
        <span>peers</span>
        <fieldset>${PEERS.map(
          (p: PeerName) =>
            html`<label><input type="checkbox" name="peer" value=${p} ?checked=${s.peers.includes(p)} />${p === 'tfjs' ? 'TensorFlow.js WebGPU' : 'JavaScript reference'}</label>`,
        )}</fieldset>
        <span></span>
        <span>
          <button type="submit" data-testid="bench-run" ?disabled=${!this.gpu || this.running}>Run benchmark</button>
          <button type="button" ?disabled=${!this.running} @click=${this.stop}>Stop</button>
        </span>
      </form>
      <p data-testid="bench-status" data-running=${String(this.running)} data-done=${String(!!this.record)} aria-live="polite">${this.status}</p>
      ${this.record ? html`<p class="muted">${recordHeader(this.record).map((l) => html`${l}<br />`)}</p>` : ''}
      ${this.rows.length ? this.renderTable() : ''}
      ${this.record ? this.renderRecord(this.record) : ''}
    `;
  }

  private renderTable() {
    return html`<div class="scroll"><table data-testid="bench-table">
      <thead><tr>${TABLE_COLUMNS.map((c) => html`<th>${c}</th>`)}</tr></thead>
      <tbody>${this.rows.map(
        (
          m,
        ) => html`<tr data-testid="bench-row" data-kernel=${m.kernel} data-version=${m.version} data-size=${m.size}>
          ${measurementCells(m).map((c, i) => html`<td class=${i >= 3 && i <= 8 ? 'num' : ''}>${c}</td>`)}
        </tr>`,
      )}</tbody>
    </table></div>`;
  }

  private renderRecord(r: BenchRecord) {
    return html`
      ${
        r.failures.length
          ? html`<ul class="bad">${r.failures.map((f) => html`<li>MISMATCH ${f.kernel} ${f.version} ${f.size}: ${f.reason}</li>`)}</ul>`
          : ''
      }
      ${
        r.skipped.length
          ? html`<details><summary>${r.skipped.length} skipped</summary><ul>${r.skipped.map(
              (x) => html`<li>${x.kernel} ${x.version} ${x.size}: ${x.reason}</li>`,
            )}</ul></details>`
          : ''
      }
      <p>
        <button data-testid="copy-json" @click=${() => this.copy('json')}>Copy results (JSON)</button>
        <button data-testid="copy-markdown" @click=${() => this.copy('markdown')}>Copy results (Markdown)</button>
        <span class="muted">${this.copied}</span>
      </p>
      <details><summary>Markdown</summary><pre data-testid="bench-markdown">${benchMarkdown(r)}</pre></details>
      <details><summary>JSON</summary><pre data-testid="bench-json">${JSON.stringify(r, null, 1)}</pre></details>
    `;
  }
}
customElements.define('bench-page', BenchPage);

declare global {
  interface HTMLElementTagNameMap {
    'bench-page': BenchPage;
  }
}
