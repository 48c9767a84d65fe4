import { css, html, LitElement } from 'lit';
import { DATASET_SOURCES } from '../src/data/load.ts';
import type { Gpu } from '../src/gpu/device.ts';
import { KERNEL_CHECKS } from '../src/kernels/index.ts';
import { type CheckResult, runChecks } from '../src/kernels/run-checks.ts';
import './dataset-list.ts';
import './kernel-checks.ts';

/**
 * The self-check view: every kernel run on this adapter against its CPU reference (a quick check starts
 * by itself once the device is there; "Quick" and "Full" run it again), and the datasets' sources. The
 * results are this page's own state, as a benchmark run is bench-page's.
 * Properties down: `gpu`.
 */
export class ChecksPage extends LitElement {
  static override properties = {
    gpu: { attribute: false },
    results: { state: true },
    running: { state: true },
  };
  declare gpu?: Gpu;
  declare results: CheckResult[];
  declare running: boolean;

  constructor() {
    super();
    this.results = [];
    this.running = false;
  }

  static override styles = css`
    :host { display: block; }
    h2 { font-size: 1.1rem; margin-top: 1.2rem; }
  `;

  private started = false;

  override updated() {
    if (this.gpu && !this.started) void this.check(true);
  }

  private async check(quick: boolean) {
    const gpu = this.gpu;
    if (!gpu || this.running) return;
    this.started = true;
    this.running = true;
    this.results = [];
    try {
      await runChecks(gpu, KERNEL_CHECKS, {
        quick,
        onResult: (r) => (this.results = [...this.results, r]),
      });
    } finally {
      this.running = false;
    }
  }

  override render() {
    return html`
      <h2>Kernel self-check</h2>
      <p>Each GPU kernel runs on this adapter over seeded inputs and is compared with its CPU reference:
        integer kernels must match exactly, float kernels within a stated tolerance.</p>
      <kernel-checks .results=${this.results} ?running=${this.running}
        @run-checks=${(e: CustomEvent<{ quick: boolean }>) => this.check(e.detail.quick)}></kernel-checks>
      <h2>Datasets</h2>
      <dataset-list .sources=${DATASET_SOURCES}></dataset-list>`;
  }
}
customElements.define('checks-page', ChecksPage);

declare global {
  interface HTMLElementTagNameMap {
    'checks-page': ChecksPage;
  }
}
