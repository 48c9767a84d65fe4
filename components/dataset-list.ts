import { css, html, LitElement } from 'lit';

/**
 * The datasets bitplane trains on and where each comes from. Properties down: `sources` (name → one-line
 * attribution). Text is rendered as text, never as HTML.
 */
export class DatasetList extends LitElement {
  static override properties = { sources: { attribute: false } };
  declare sources: Record<string, string>;

  constructor() {
    super();
    this.sources = {};
  }

  static override styles = css`
    :host { display: block; }
    dt { font-weight: 600; margin-top: 0.4rem; }
    dd { margin: 0 0 0 1rem; opacity: 0.85; }
  `;

  override render() {
    return html`<dl>
      ${Object.entries(this.sources).map(([name, source]) => html`<dt>${name}</dt><dd data-testid="dataset-source" data-name=${name}>${source}</dd>`)}
    </dl>`;
  }
}
customElements.define('dataset-list', DatasetList);

declare global {
  interface HTMLElementTagNameMap {
    'dataset-list': DatasetList;
  }
}
