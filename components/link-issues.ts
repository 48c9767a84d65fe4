import { css, html, LitElement } from 'lit';
import type { LinkIssue } from '../src/run/link.ts';
import { fieldLabel, plainMessage } from '../src/view/edit.ts';
import { controlStyles } from './control-styles.ts';

/**
 * What was wrong with the link the page was opened with: each bad key with its message (a layer's
 * field named as the network editor names it: "net (layer 1 width)"); the rest of the link was
 * applied, unless the link was `refused` (another link version: nothing of it was applied). Text from
 * the link is bound as text, never as HTML.
 * Properties down: `issues`, `refused`. Events up: `dismiss`.
 */
export class LinkIssues extends LitElement {
  static override properties = { issues: { attribute: false }, refused: { type: Boolean } };
  declare issues: LinkIssue[];
  declare refused: boolean;

  constructor() {
    super();
    this.issues = [];
    this.refused = false;
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
        ${
          this.refused
            ? html`<strong>This link was not opened.</strong> Nothing of it was applied: it was made for another version of bitplane, where its settings may mean something else. The settings shown are the ones you had.`
            : html`<strong>This link has ${n === 1 ? 'a problem' : `${n} problems`}.</strong> The rest of it was applied; ${n === 1 ? 'this field keeps its' : 'these fields keep their'} default:`
        }
        <ul>
          ${this.issues.map((i) => {
            // A layer's field is named as the editor names it; other keys name their field themselves.
            const label = i.field.startsWith('network.hidden.') ? fieldLabel(i.field) : '';
            return html`<li data-testid="link-issue" data-key=${i.key}><code>${i.key}</code>${label ? ` (${label})` : ''}: ${plainMessage(i.message)}</li>`;
          })}
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
