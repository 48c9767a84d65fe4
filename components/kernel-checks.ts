import { css, html, LitElement } from 'lit';
import type { CheckResult } from '../src/kernels/run-checks.ts';

/**
 * The kernel self-check: every kernel version run on this adapter and compared with its CPU reference.
 * Properties down: `results`, `running`. Events up: `run-checks` ({ quick: boolean }).
 */
export class KernelChecks extends LitElement {
  static override properties = {
    results: { attribute: false },
    running: { type: Boolean },
  };
  declare results: CheckResult[];
  declare running: boolean;

  constructor() {
    super();
    this.results = [];
    this.running = false;
  }

  static override styles = css`
    :host { display: block; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid color-mix(in srgb, currentColor 15%, transparent); vertical-align: top; }
    .ok { color: var(--bp-good, #1b7f3b); }
    .bad { color: var(--bp-bad, #b00020); }
    details { font-size: 0.85em; opacity: 0.85; }
    button { font: inherit; padding: 0.3rem 0.8rem; }
  `;

  private request(quick: boolean) {
    this.dispatchEvent(new CustomEvent('run-checks', { detail: { quick }, bubbles: true, composed: true }));
  }

  override render() {
    const passed = this.results.filter((r) => r.ok).length;
    return html`
      <p>
        <button ?disabled=${this.running} @click=${() => this.request(true)}>Quick check</button>
        <button ?disabled=${this.running} @click=${() => this.request(false)}>Full check</button>
        <span data-testid="check-summary" aria-live="polite">
          ${this.running ? 'running… ' : ''}${this.results.length ? `${passed} of ${this.results.length} match their CPU reference` : ''}
        </span>
      </p>
      <table>
        <thead><tr><th>kernel</th><th>version</th><th>case</th><th>result</th></tr></thead>
        <tbody>
          ${this.results.map(
            (
              r,
            ) => html`<tr data-testid="check-row" data-kernel=${r.kernel} data-version=${r.version} data-ok=${String(r.ok)}>
              <td>${r.kernel}</td><td>${r.version}</td><td>${r.case}</td>
              <td>
                <span class=${r.ok ? 'ok' : 'bad'}>${r.ok ? (r.exact ? 'exact match' : 'match within tolerance') : 'MISMATCH'}</span>
                <details><summary>details</summary>${r.details.map((d) => html`<div>${d}</div>`)}</details>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }
}
customElements.define('kernel-checks', KernelChecks);

declare global {
  interface HTMLElementTagNameMap {
    'kernel-checks': KernelChecks;
  }
}
