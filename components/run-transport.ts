import { css, html, LitElement } from 'lit';
import type { TransportView } from '../src/run/controller.ts';
import { formatDuration } from '../src/view/format.ts';
import { controlStyles } from './control-styles.ts';

export type TransportAction = 'play' | 'pause' | 'step' | 'reset';

const STATE_TEXT: Record<TransportView['state'], string> = {
  idle: 'ready',
  loading: 'preparing…',
  running: 'training',
  paused: 'paused',
  done: 'finished',
  stopped: 'stopped',
};

/**
 * Play / pause, step one epoch, reset; the epoch counter, a progress bar, the elapsed time and the ETA.
 * Properties down: `view` (the run's transport state), `disabled` (no GPU yet).
 * Events up: `transport` ({ action: 'play' | 'pause' | 'step' | 'reset' }).
 */
export class RunTransport extends LitElement {
  static override properties = {
    view: { attribute: false },
    disabled: { type: Boolean },
    waited: { state: true },
    estimate: { type: String },
  };
  declare view: TransportView;
  declare disabled: boolean;
  /** Seconds spent preparing so far (a clock that runs while the run is being prepared). */
  declare waited: number;
  /** Shown before the run starts: its estimated time on this adapter, or how to get one. */
  declare estimate: string;
  private loadingSince = 0;
  private clock?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    this.disabled = false;
    this.waited = 0;
    this.estimate = '';
  }

  override willUpdate() {
    // Preparing can take a while (MNIST, wide layers): a clock shows that it is going on.
    if (this.view?.state === 'loading' && !this.clock) {
      this.loadingSince = performance.now();
      this.waited = 0;
      this.clock = setInterval(() => (this.waited = (performance.now() - this.loadingSince) / 1000), 1000);
    } else if (this.view?.state !== 'loading' && this.clock) this.stopClock();
  }

  private stopClock() {
    clearInterval(this.clock);
    this.clock = undefined;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stopClock();
  }

  static override styles = [
    controlStyles,
    css`
      :host { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.9rem; }
      .buttons { display: flex; gap: 0.35rem; }
      button.play { min-width: 5.6rem; font-weight: 600; background: var(--bp-accent); border-color: var(--bp-accent); color: var(--bp-on-accent); }
      button.play:disabled { background: var(--bp-button); color: var(--bp-text); border-color: var(--bp-border); }
      .meter { display: flex; align-items: center; gap: 0.6rem; flex: 1 1 16rem; min-width: 12rem; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
      progress { flex: 1; height: 0.55rem; accent-color: var(--bp-accent); }
      .epoch { font-weight: 600; white-space: nowrap; }
      .muted { color: var(--bp-muted); white-space: nowrap; }
      [data-testid='run-stage'], .estimate { white-space: normal; }
    `,
  ];

  private act(action: TransportAction) {
    this.dispatchEvent(new CustomEvent('transport', { detail: { action }, bubbles: true, composed: true }));
  }

  override render() {
    const v = this.view;
    const busy = v.state === 'running' || v.state === 'loading';
    const over = v.state === 'done' || v.state === 'stopped';
    return html`
      <div class="buttons">
        ${
          busy
            ? html`<button type="button" class="play" data-testid="pause" aria-label="Pause after this epoch" aria-keyshortcuts="Space" title="Pause (Space)" @click=${() => this.act('pause')}>❚❚ Pause</button>`
            : html`<button type="button" class="play" data-testid="play" aria-label="Play: train epoch after epoch" aria-keyshortcuts="Space" title="Play (Space)" ?disabled=${this.disabled || over}
                @click=${() => this.act('play')}>▶ Play</button>`
        }
        <button type="button" data-testid="step" aria-label="Step: train one epoch" aria-keyshortcuts="ArrowRight" title="Step (→)" ?disabled=${this.disabled || busy || over} @click=${() => this.act('step')}>Step</button>
        <button type="button" data-testid="reset" aria-label="Reset: discard this run" aria-keyshortcuts="R" title="Reset (R)" ?disabled=${this.disabled || v.state === 'idle'} @click=${() => this.act('reset')}>Reset</button>
      </div>
      <div class="meter">
        <span class="epoch" data-testid="epoch" aria-live="polite">epoch ${v.epoch} / ${v.epochs}</span>
        <progress max=${Math.max(1, v.epochs)} .value=${v.epoch} aria-label="training progress"></progress>
        <span class="muted" data-testid="run-state" data-state=${v.state}>${STATE_TEXT[v.state]}</span>
        ${
          v.state === 'loading'
            ? html`<span class="muted" data-testid="run-stage">${formatDuration(this.waited)} · ${v.stage ?? 'starting'}</span>`
            : v.state === 'idle' && this.estimate
              ? html`<span class="muted estimate" data-testid="run-estimate">${this.estimate}</span>`
              : html`<span class="muted">${formatDuration(v.elapsed_s)} · ETA ${v.state === 'idle' ? '–' : formatDuration(v.eta_s)}</span>`
        }
      </div>
    `;
  }
}
customElements.define('run-transport', RunTransport);

declare global {
  interface HTMLElementTagNameMap {
    'run-transport': RunTransport;
  }
}
