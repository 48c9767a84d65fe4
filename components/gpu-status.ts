import { css, html, LitElement } from 'lit';
import { type AdapterSummary, describeAdapter } from '../src/gpu/device.ts';

/**
 * The adapter the page computes on, or why there is none and how to get one.
 * Properties down: `adapter`, `note`, `error`, `compact`.
 */
export class GpuStatus extends LitElement {
  static override properties = {
    adapter: { attribute: false },
    note: { type: String },
    error: { type: String },
    compact: { type: Boolean },
  };
  declare adapter?: AdapterSummary;
  declare note?: string;
  declare error?: string;
  /** One line, without the note's own paragraph (the app's header). */
  declare compact: boolean;

  constructor() {
    super();
    this.compact = false;
  }

  static override styles = css`
    :host { display: block; }
    .error { color: var(--bp-bad, #b00020); }
    .muted { opacity: 0.75; }
    code { font-size: 0.95em; }
    :host([compact]) p { margin: 0; }
  `;

  override render() {
    if (this.error) return html`<p class="error" role="alert" data-testid="gpu-error">${this.error}</p>`;
    if (!this.adapter) return html`<p class="muted">Looking for a WebGPU adapter…</p>`;
    const a = this.adapter;
    if (this.compact)
      return html`<p data-testid="adapter" title=${this.note ?? ''}>Adapter: <strong>${describeAdapter(a)}</strong>${a.software ? ' (software: timings are not GPU timings)' : ''}</p>`;
    return html`
      <p data-testid="adapter">Adapter: <strong>${describeAdapter(a)}</strong>${a.software ? ' (software)' : ''}</p>
      ${this.note ? html`<p class="muted">${this.note}</p>` : ''}
    `;
  }
}
customElements.define('gpu-status', GpuStatus);

declare global {
  interface HTMLElementTagNameMap {
    'gpu-status': GpuStatus;
  }
}
