import { css, html, LitElement } from 'lit';
import { epochGradient, layerColor, type Theme } from '../src/view/colors.ts';
import type { PlaneData } from '../src/view/plane.ts';

/**
 * Under the information plane: the epoch colour bar, the epoch scrubber (replays the trajectories up to
 * an epoch; at its right end it follows the run live) and the layer legend, whose entries are buttons:
 * a click hides or shows a layer, a Shift-click isolates it (again: shows all).
 * Properties down: `plane`, `theme`, `hiddenLayers` (layer indices), `upTo` (the scrubbed epoch, or undefined
 * for live), `flags` (per layer: the "≈ ceiling" mark, or ''), `rule` (the mark's tooltip), `static`
 * (a figure: no scrubber, plain entries).
 * Events up: `layer-toggle` ({ layer, isolate }), `scrub` ({ epoch: number | undefined }).
 */
export class PlaneLegend extends LitElement {
  static override properties = {
    plane: { attribute: false },
    theme: { type: String },
    hiddenLayers: { attribute: false },
    upTo: { attribute: false },
    flags: { attribute: false },
    rule: { type: String },
    static: { type: Boolean },
  };
  declare plane: PlaneData;
  declare theme: Theme;
  declare hiddenLayers: ReadonlySet<number>;
  declare upTo?: number;
  declare flags: readonly boolean[];
  declare rule: string;
  declare static: boolean;

  constructor() {
    super();
    this.theme = 'light';
    this.hiddenLayers = new Set();
    this.flags = [];
    this.rule = '';
    this.static = false;
  }

  static override styles = css`
    :host { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; align-items: center; font-size: 0.78rem; margin-top: 0.2rem; }
    .bar, .scrub { display: flex; align-items: center; gap: 0.35rem; font-variant-numeric: tabular-nums; }
    .gradient { width: 7rem; height: 0.6rem; border-radius: 3px; }
    .scrub input { width: 8rem; accent-color: var(--bp-accent); }
    ul { display: flex; flex-wrap: wrap; gap: 0.15rem 0.5rem; list-style: none; padding: 0; margin: 0; }
    li { display: flex; align-items: center; }
    button { display: flex; align-items: center; gap: 0.3rem; font: inherit; color: inherit; background: none; border: 1px solid transparent; border-radius: 4px; padding: 0.05rem 0.25rem; cursor: pointer; }
    button:hover { border-color: var(--bp-border); }
    button:focus-visible, input:focus-visible { outline: 2px solid var(--bp-accent); outline-offset: 1px; }
    button[aria-pressed='false'] { opacity: 0.45; text-decoration: line-through; }
    .sw { width: 0.9rem; height: 0.18rem; border-radius: 1px; }
    .flag { color: var(--bp-bad); }
  `;

  private emit(name: string, detail: object) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private scrubbed(e: Event) {
    const v = Number((e.target as HTMLInputElement).value);
    this.emit('scrub', { epoch: v >= this.plane.maxEpoch ? undefined : v });
  }

  override render() {
    const p = this.plane;
    const shown = this.upTo ?? p.maxEpoch;
    const entry = (name: string, i: number) =>
      html`<span class="sw" style=${`background:${layerColor(i, this.theme)}`}></span>${name}${
        p.layers[i].binaryOutput ? ' (binary)' : ''
      }${this.flags[i] ? html` <span class="flag" title=${this.rule}>≈ ceiling, unreliable</span>` : ''}`;
    return html`
      <span class="bar" aria-label=${`points coloured by epoch, 0 to ${p.epochs}`}>epoch 0 <span class="gradient" style=${`background: ${epochGradient(this.theme)}`}></span> ${p.epochs}</span>
      ${
        this.static || p.maxEpoch <= 0
          ? ''
          : html`<label class="scrub">replay to epoch
              <input type="range" data-testid="epoch-scrubber" min="0" max=${p.maxEpoch} step="1" .value=${String(shown)} @input=${this.scrubbed} />
              <span data-testid="scrub-epoch">${this.upTo === undefined ? 'live' : shown}</span></label>`
      }
      <ul aria-label="layers">
        ${p.layers.map((l, i) =>
          this.static
            ? html`<li>${entry(l.name, i)}</li>`
            : html`<li><button type="button" data-testid="layer-toggle" aria-pressed=${this.hiddenLayers.has(i) ? 'false' : 'true'}
                title="click: hide or show this layer · Shift-click: show only this layer"
                @click=${(e: MouseEvent) => this.emit('layer-toggle', { layer: i, isolate: e.shiftKey })}>${entry(l.name, i)}</button></li>`,
        )}
      </ul>`;
  }
}
customElements.define('plane-legend', PlaneLegend);

declare global {
  interface HTMLElementTagNameMap {
    'plane-legend': PlaneLegend;
  }
}
