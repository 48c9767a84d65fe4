import { html, LitElement } from 'lit';
import { live } from 'lit/directives/live.js';
import { controlStyles } from './control-styles.ts';

export type ThemeSetting = 'auto' | 'light' | 'dark';

/**
 * Light, dark, or the system's choice (prefers-color-scheme).
 * Properties down: `setting`. Events up: `theme-setting` ({ setting }).
 */
export class ThemeToggle extends LitElement {
  static override properties = { setting: { type: String } };
  declare setting: ThemeSetting;

  constructor() {
    super();
    this.setting = 'auto';
  }

  static override styles = controlStyles;

  override render() {
    return html`<label class="check">Theme
      <select data-testid="theme" .value=${live(this.setting)}
        @change=${(e: Event) =>
          this.dispatchEvent(
            new CustomEvent('theme-setting', {
              detail: { setting: (e.target as HTMLSelectElement).value },
              bubbles: true,
              composed: true,
            }),
          )}>
        <option value="auto" ?selected=${this.setting === 'auto'}>system</option>
        <option value="light" ?selected=${this.setting === 'light'}>light</option>
        <option value="dark" ?selected=${this.setting === 'dark'}>dark</option>
      </select></label>`;
  }
}
customElements.define('theme-toggle', ThemeToggle);

declare global {
  interface HTMLElementTagNameMap {
    'theme-toggle': ThemeToggle;
  }
}
