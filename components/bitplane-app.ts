import { css, html, LitElement } from 'lit';
import { KERNEL_CHECKS } from '../src/gpu/checks/index.ts';
import { type CheckResult, runChecks } from '../src/gpu/checks/run-checks.ts';
import { acquireGpu, type Gpu } from '../src/gpu/device.ts';
import { DATASET_SOURCES } from '../src/data/load.ts';
import './dataset-list.ts';
import './gpu-status.ts';
import './kernel-checks.ts';

/**
 * The app's root and entry module: it alone owns state (the device, the check results) and passes it
 * down; children ask for work with events.
 */
export class BitplaneApp extends LitElement {
  static override properties = {
    gpu: { state: true },
    gpuError: { state: true },
    results: { state: true },
    running: { state: true },
  };
  declare gpu?: Gpu;
  declare gpuError?: string;
  declare results: CheckResult[];
  declare running: boolean;

  constructor() {
    super();
    this.results = [];
    this.running = false;
  }

  static override styles = css`
    :host { display: block; max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
    h1 { margin: 0.2rem 0; font-size: 1.6rem; }
    h2 { font-size: 1.15rem; margin-top: 1.8rem; }
    .tagline { margin: 0 0 1rem; opacity: 0.8; }
  `;

  override connectedCallback() {
    super.connectedCallback();
    void this.start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.gpu?.destroy();
  }

  private async start() {
    try {
      this.gpu = await acquireGpu();
    } catch (e) {
      this.gpuError = (e as Error).message;
      return;
    }
    void this.gpu.lost.then((info) => {
      if (info.reason !== 'destroyed')
        this.gpuError = `The GPU device was lost (${info.message}). Reload the page to start again; results shown stay as they were.`;
    });
    await this.check(true);
  }

  private async check(quick: boolean) {
    if (!this.gpu || this.running) return;
    this.running = true;
    this.results = [];
    try {
      await runChecks(this.gpu, KERNEL_CHECKS, {
        quick,
        onResult: (r) => (this.results = [...this.results, r]),
      });
    } finally {
      this.running = false;
    }
  }

  override render() {
    return html`
      <header>
        <h1>bitplane</h1>
        <p class="tagline">Binary and float neural networks trained in hand-written WGSL, watched through the information plane.</p>
      </header>
      <gpu-status .adapter=${this.gpu?.adapter} .note=${this.gpu?.note} .error=${this.gpuError}></gpu-status>
      <h2>Kernel self-check</h2>
      <p>Each GPU kernel runs on this adapter over seeded inputs and is compared with its CPU reference:
        integer kernels must match exactly, float kernels within a stated tolerance.</p>
      <kernel-checks .results=${this.results} ?running=${this.running}
        @run-checks=${(e: CustomEvent<{ quick: boolean }>) => this.check(e.detail.quick)}></kernel-checks>
      <h2>Datasets</h2>
      <dataset-list .sources=${DATASET_SOURCES}></dataset-list>
    `;
  }
}
customElements.define('bitplane-app', BitplaneApp);

declare global {
  interface HTMLElementTagNameMap {
    'bitplane-app': BitplaneApp;
  }
}
