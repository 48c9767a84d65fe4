import { css, html, LitElement } from 'lit';
import { controlStyles } from './control-styles.ts';

/**
 * The link that reproduces the run: shown (readable, selectable) and copied with one click. Falls back
 * to selecting the text when the clipboard is not available.
 * Properties down: `url`. (The "copied" note is this element's own passing feedback.)
 */
export class CopyLink extends LitElement {
  static override properties = {
    url: { type: String },
    note: { state: true },
  };
  declare url: string;
  declare note: string;
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    super();
    this.url = '';
    this.note = '';
  }

  static override styles = [
    controlStyles,
    css`
      :host { display: flex; align-items: center; gap: 0.35rem; min-width: 0; }
      input { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.76rem !important; flex: 1; min-width: 6rem; color: var(--bp-muted) !important; }
      .note { font-size: 0.78rem; color: var(--bp-muted); white-space: nowrap; }
    `,
  ];

  private async copy() {
    const input = this.renderRoot.querySelector('input');
    try {
      await navigator.clipboard.writeText(this.url);
      this.note = 'copied';
    } catch {
      input?.select();
      this.note = 'selected: press Ctrl+C';
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.note = ''), 2500);
  }

  override render() {
    return html`
      <input type="text" readonly aria-label="Link to this run" data-testid="share-url" .value=${this.url} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
      <button type="button" data-testid="copy-link" @click=${() => this.copy()}>Copy link</button>
      <span class="note" role="status">${this.note}</span>
    `;
  }
}
customElements.define('copy-link', CopyLink);

declare global {
  interface HTMLElementTagNameMap {
    'copy-link': CopyLink;
  }
}
