import { css, html, LitElement } from 'lit';
import { VIEW_LABELS, VIEWS, type View } from '../src/view/route.ts';
import './theme-toggle.ts';
import type { ThemeSetting } from './theme-toggle.ts';

/**
 * The page's header: the name and tagline, the views' navigation (links to each view's fragment, the
 * current one marked) and the theme toggle.
 * Properties down: `view`, `hrefs` (each view's link), `themeSetting`.
 * Events up: `theme-setting` ({ setting }) from the toggle.
 */
export class AppHeader extends LitElement {
  static override properties = {
    view: { type: String },
    hrefs: { attribute: false },
    themeSetting: { type: String },
  };
  declare view: View;
  declare hrefs: Record<View, string>;
  declare themeSetting: ThemeSetting;

  static override styles = css`
    :host { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1.2rem; margin-bottom: 0.5rem; }
    h1 { margin: 0; font-size: 1.35rem; letter-spacing: -0.01em; }
    h1 span { color: var(--bp-accent); }
    .tagline { margin: 0; color: var(--bp-muted); font-size: 0.85rem; flex: 1 1 20rem; }
    nav { display: flex; gap: 0.2rem; flex-wrap: wrap; }
    nav a { color: var(--bp-text); text-decoration: none; padding: 0.3rem 0.7rem; border-radius: 999px; font-size: 0.88rem; border: 1px solid transparent; }
    nav a:hover { border-color: var(--bp-border); }
    nav a[aria-current='page'] { background: var(--bp-accent); color: var(--bp-on-accent); }
    nav a:focus-visible { outline: 2px solid var(--bp-accent); outline-offset: 1px; }
  `;

  override render() {
    return html`
      <h1>bit<span>plane</span></h1>
      <p class="tagline">Binary and float neural networks trained in hand-written WGSL on your GPU, each layer followed through the information plane.</p>
      <nav aria-label="Views">
        ${VIEWS.map(
          (v) => html`<a href=${this.hrefs[v]} aria-current=${this.view === v ? 'page' : 'false'}
            data-testid=${v === 'bench' ? 'bench-link' : `view-${v}`}>${VIEW_LABELS[v]}</a>`,
        )}
      </nav>
      <theme-toggle setting=${this.themeSetting}></theme-toggle>`;
  }
}
customElements.define('app-header', AppHeader);

declare global {
  interface HTMLElementTagNameMap {
    'app-header': AppHeader;
  }
}
