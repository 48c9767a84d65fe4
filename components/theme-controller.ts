import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Theme } from '../src/view/colors.ts';
import type { ThemeSetting } from './theme-toggle.ts';

const THEME_KEY = 'bitplane-theme';

/**
 * The page's theme: the user's setting (light, dark, or auto: the system's prefers-color-scheme), kept
 * in localStorage, and the theme it resolves to, written to <html data-theme> (theme.css reads it). It
 * follows the system's scheme while the setting is auto, and asks its host to render on every change.
 */
export class ThemeController implements ReactiveController {
  setting: ThemeSetting = 'auto';
  theme: Theme = 'light';
  private readonly dark =
    typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
  private readonly onScheme = () => this.apply();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected() {
    try {
      const saved = localStorage.getItem(THEME_KEY);
      if (saved === 'light' || saved === 'dark' || saved === 'auto') this.setting = saved;
    } catch {
      // storage may be unavailable (private mode): stay with the system's choice
    }
    this.apply();
    this.dark?.addEventListener('change', this.onScheme);
  }

  hostDisconnected() {
    this.dark?.removeEventListener('change', this.onScheme);
  }

  set(setting: ThemeSetting) {
    this.setting = setting;
    try {
      localStorage.setItem(THEME_KEY, setting);
    } catch {
      // not persisted; still applied
    }
    this.apply();
  }

  private apply() {
    this.theme = this.setting === 'auto' ? (this.dark?.matches ? 'dark' : 'light') : this.setting;
    document.documentElement.dataset.theme = this.theme;
    this.host.requestUpdate();
  }
}
