import { css, html, LitElement } from 'lit';
import type { LinkIssue } from '../src/run/link.ts';
import { controlStyles } from './control-styles.ts';

/**
 * What was wrong with the link the page was opened with: each bad key and field with its message; the
 * rest of the link was applied. Text from the link is bound as text, never as HTML.
 * Properties down: `issues`. Events up: `dismiss`.
 */
export class LinkIssues extends LitElement {
  static override properties = { issues: { attribute: false } };
  declare issues: LinkIssue[];

  constructor() {
    super();
    this.issues = [];
  }

  static override styles = [
    controlStyles,
    css`
      .box { border: 1px solid var(--bp-bad); border-left-width: 4px; border-radius: 6px; padding: 0.45rem 0.7rem; background: var(--bp-bad-bg); font-size: 0.85rem; display: flex; gap: 0.8rem; align-items: flex-start; }
      .box > div { flex: 1; min-width: 0; overflow-wrap: anywhere; }
      ul { margin: 0.25rem 0 0; padding-left: 1.1rem; }
      code { font-size: 0.92em; }
    `,
  ];

  override render() {
    if (!this.issues.length) return html``;
    const n = this.issues.length;
    return html`<div class="box" role="alert" data-testid="link-issues">
      <div>
        <strong>This link has ${n === 1 ? 'a problem' : `${n} problems`}.</strong> The rest of it was applied; ${n === 1 ? 'this field keeps its' : 'these fields keep their'} default:
        <ul>
          ${this.issues.map(
            (i) =>
              html`<li data-testid="link-issue" data-key=${i.key}><code>${i.key}</code>${i.field !== i.key ? html` (${i.field})` : ''}: ${i.message}</li>`,
          )}
        </ul>
      </div>
      <button type="button" aria-label="Dismiss" @click=${() => this.dispatchEvent(new CustomEvent('dismiss', { bubbles: true, composed: true }))}>×</button>
    </div>`;
  }
}
customElements.define('link-issues', LinkIssues);

declare global {
  interface HTMLElementTagNameMap {
    'link-issues': LinkIssues;
  }
}
