import { css, html, LitElement } from 'lit';
import type { RunRecord } from '../src/run/record.ts';
import type { Theme } from '../src/view/colors.ts';
import { curveData } from '../src/view/curves.ts';
import {
  colouredPixels,
  type FigureInk,
  figureCaption,
  figureLogX,
  UNRELIABLE_RULE,
  unreliableLayers,
} from '../src/view/figure.ts';
import { planeData } from '../src/view/plane.ts';
import './info-plane.ts';
import './metric-chart.ts';

/**
 * A result record as a figure for a report (`bitplane reproduce` screenshots it: src/cli/figures.ts):
 * at a fixed 1200 px width, the title and a caption (data, network, optimizer, replicas, estimator,
 * adapter, link), then the information plane (replicas as mean ± s.d., as the app shows them by default)
 * beside the loss and accuracy curves. The charts are the app's own info-plane and metric-chart, fed by
 * the same planeData and curveData as the playground, drawn `static` (without their interactive controls:
 * mode buttons, PNG, log checkboxes). The plane's legend marks a layer unreliable by the report's rule
 * (near log2 N in most of its points: unreliableLayers), which the caption states.
 *
 * Drawing finishes a few frames after an update (the charts draw in animation frames): `whenDrawn()`
 * resolves then, with each chart's coloured-pixel count, and the element carries `data-ready` from then
 * until the next change.
 * Properties down: `record`, `heading` (attribute `title` is the page's tooltip, so not used), `theme`,
 * `logX` (the curves' epoch axis; undefined: log for log-spaced schedules over long runs).
 */
export class FigureSheet extends LitElement {
  static override properties = {
    record: { attribute: false },
    heading: { type: String },
    theme: { type: String, reflect: true },
    logX: { attribute: false },
  };
  declare record: RunRecord;
  declare heading: string;
  declare theme: Theme;
  declare logX: boolean | undefined;

  private drawing: Promise<FigureInk> = Promise.resolve({ plane: 0, loss: 0, acc: 0 });
  private generation = 0;

  constructor() {
    super();
    this.heading = '';
    this.theme = 'light';
  }

  static override styles = css`
    /* The palette's custom properties come from components/theme.css (figure.html links it). */
    :host {
      display: block; box-sizing: border-box; width: 1200px; padding: 18px 24px 12px;
      background: var(--bp-surface); color: var(--bp-text);
      font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; line-height: 1.4;
    }
    h1 { font-size: 1.3rem; font-weight: 650; margin: 0 0 0.25rem; }
    .caption { margin: 0; font-size: 0.78rem; color: var(--bp-muted); overflow-wrap: anywhere; }
    .caption p { margin: 0; }
    .warning { margin: 0.4rem 0 0; padding: 0.3rem 0.6rem; border-left: 4px solid var(--bp-bad); background: var(--bp-bad-bg); font-size: 0.85rem; }
    .charts { display: grid; grid-template-columns: minmax(0, 1.45fr) minmax(0, 1fr); gap: 24px; margin-top: 14px; padding-top: 12px; border-top: 1px solid var(--bp-border); }
    .side { display: flex; flex-direction: column; gap: 14px; min-width: 0; }
  `;

  override updated() {
    this.removeAttribute('data-ready');
    const generation = ++this.generation;
    this.drawing = this.settle().then((ink) => {
      if (generation === this.generation) {
        this.dataset.ink = `${ink.plane} ${ink.loss} ${ink.acc}`;
        this.setAttribute('data-ready', '');
      }
      return ink;
    });
  }

  /** Resolves once the charts have drawn the current record, with their coloured-pixel counts. */
  async whenDrawn(): Promise<FigureInk> {
    await this.updateComplete;
    let seen: number;
    let ink: FigureInk;
    do {
      seen = this.generation;
      ink = await this.drawing;
    } while (seen !== this.generation);
    return ink;
  }

  /** Waits for the children's updates, the fonts and two animation frames (the charts draw in one). */
  private async settle(): Promise<FigureInk> {
    const charts = [...this.renderRoot.querySelectorAll<LitElement>('info-plane, metric-chart')];
    await Promise.all(charts.map((c) => c.updateComplete));
    await document.fonts.ready;
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
    const ink = (selector: string): number => {
      const canvas = this.renderRoot.querySelector(selector)?.shadowRoot?.querySelector('canvas');
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx || !canvas.width || !canvas.height) return 0;
      return colouredPixels(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
    };
    return {
      plane: ink('info-plane'),
      loss: ink('metric-chart[metric="loss"]'),
      acc: ink('metric-chart[metric="acc"]'),
    };
  }

  override render() {
    const r = this.record;
    if (!r) return html``;
    const caption = figureCaption(r);
    const runs = [{ label: '', record: r }];
    const logX = this.logX ?? figureLogX(r);
    return html`
      <h1>${this.heading}</h1>
      <div class="caption">${caption.lines.map((l) => html`<p>${l}</p>`)}</div>
      ${caption.warning ? html`<p class="warning" role="alert">${caption.warning}</p>` : ''}
      <div class="charts">
        <info-plane static .plane=${planeData(r)} theme=${this.theme} replicaMode="band"
          .unreliable=${{ layers: unreliableLayers(r), rule: UNRELIABLE_RULE }}></info-plane>
        <div class="side">
          <metric-chart static metric="loss" heading="Loss (cross-entropy)" .data=${curveData(runs, 'loss', { logX })}
            .epochs=${r.config.epochs} ?logX=${logX} theme=${this.theme}></metric-chart>
          <metric-chart static metric="acc" heading="Accuracy" .data=${curveData(runs, 'acc', { logX })}
            .epochs=${r.config.epochs} ?logX=${logX} theme=${this.theme}></metric-chart>
        </div>
      </div>
    `;
  }
}
customElements.define('figure-sheet', FigureSheet);

declare global {
  interface HTMLElementTagNameMap {
    'figure-sheet': FigureSheet;
  }
}
