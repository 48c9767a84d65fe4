import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { chrome, epochColor, epochGradient, layerColor, type Theme } from '../src/view/colors.ts';
import { formatMetric } from '../src/view/format.ts';
import { flowLegend, legendRows } from '../src/view/legend-layout.ts';
import type { PlaneData, PlanePoint, PlaneTrajectory } from '../src/view/plane.ts';
import { drawPlane } from '../src/view/plane-draw.ts';
import { controlStyles } from './control-styles.ts';
import { chartPng } from './uplot-canvas.ts';
import { UplotController } from './uplot-controller.ts';

export type ReplicaMode = 'band' | 'paths';

/** The plane's note for a network without hidden layers: there is nothing to follow through the plane. */
export const NO_HIDDEN_LAYER =
  'No hidden layer to track: this network maps the inputs straight to the output. Add a layer (+ layer) to follow it through the information plane; loss and accuracy still train.';

interface Hover {
  layer: string;
  point: PlanePoint;
}

/**
 * The information plane (uPlot, mode 2): x = I(X;T), y = I(T;Y), bits. One trajectory per layer (its
 * line in the layer's colour), points coloured by epoch (viridis, with a colour bar), replicas as the
 * mean with a ±1 s.d. band (ellipses) or as faint individual paths, the log2 N and H(Y) ceilings dashed,
 * and points whose estimate sits near log2 N drawn hollow (unreliable). The chart is created once and
 * updated with setData; it is recreated when the layers or the theme change. The legend marks a layer
 * "≈ ceiling, unreliable" when its latest point is near log2 N, unless `unreliable` says which and why.
 * Properties down: `plane`, `theme`, `replicaMode`, `heading`, `filename`, `xRange`/`yRange` (shared axes),
 * `static` (no interactive controls: for figures), `unreliable`, `note` (replaces the empty plot's placeholder).
 * Events up: `replica-mode` ({ mode }), `save-file` ({ blob, name }).
 */
export class InfoPlane extends LitElement {
  static override properties = {
    plane: { attribute: false },
    theme: { type: String },
    replicaMode: { type: String },
    heading: { type: String },
    filename: { type: String },
    xRange: { attribute: false },
    yRange: { attribute: false },
    static: { type: Boolean },
    unreliable: { attribute: false },
    note: { type: String },
    hover: { state: true },
  };
  declare plane: PlaneData;
  declare theme: Theme;
  declare replicaMode: ReplicaMode;
  declare heading: string;
  declare filename: string;
  declare xRange?: [number, number];
  declare yRange?: [number, number];
  /** No interactive controls (replica-mode buttons, PNG): the chart is a figure. */
  declare static: boolean;
  /** Which layers (by index into plane.layers) the legend marks unreliable, and the rule (its tooltip). */
  declare unreliable?: { layers: readonly boolean[]; rule: string };
  /** Shown in the empty plot instead of the usual placeholder (e.g. there is no layer to track). */
  declare note?: string;
  declare hover?: Hover;

  private readonly plot = new UplotController(this, {
    target: () => this.renderRoot.querySelector<HTMLElement>('.plot'),
    size: (w) => {
      const width = Math.max(220, Math.floor(w || 480));
      return { width, height: Math.round(Math.min(500, Math.max(230, width * 0.8))) };
    },
    options: () => this.options(),
    data: () => this.data(),
    shape: () => `${this.theme}|${this.plane.layers.length}`,
    redraw: (u) => this.redraw(u),
    created: (u) => {
      // Shape the labels' glyphs once now (the subscript in log₂N needs a fallback font, which takes a
      // while to find the first time), not in the middle of a run when the first ceilings arrive.
      for (const weight of ['', '600 ']) {
        u.ctx.font = `${weight}${11 * uPlot.pxRatio}px system-ui, sans-serif`;
        u.ctx.measureText('log₂N = 12.5 H(Y) = 0.999 out 123456789');
      }
    },
  });

  constructor() {
    super();
    this.theme = 'light';
    this.replicaMode = 'band';
    this.heading = 'Information plane';
    this.filename = 'information-plane.png';
    this.static = false;
  }

  /** Whether the legend marks the layer "≈ ceiling, unreliable". */
  private flagged(l: PlaneTrajectory, i: number): boolean {
    return this.unreliable ? (this.unreliable.layers[i] ?? false) : l.unreliableNow;
  }

  static override styles = [
    unsafeCSS(uplotCss),
    controlStyles,
    css`
      :host { display: block; min-width: 0; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 0.8rem; margin-bottom: 0.25rem; }
      h2 { font-size: 0.95rem; margin: 0; font-weight: 650; }
      header .row { margin-left: auto; }
      header button { font-size: 0.78rem; padding: 0.15rem 0.5rem; }
      .plot { position: relative; width: 100%; }
      .empty { position: absolute; inset: 20% 12% auto 18%; text-align: center; color: var(--bp-muted); font-size: 0.85rem; pointer-events: none; }
      .below { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; align-items: center; font-size: 0.78rem; margin-top: 0.2rem; }
      .bar { display: flex; align-items: center; gap: 0.35rem; font-variant-numeric: tabular-nums; }
      .gradient { width: 7rem; height: 0.6rem; border-radius: 3px; }
      ul { display: flex; flex-wrap: wrap; gap: 0.15rem 0.7rem; list-style: none; padding: 0; margin: 0; }
      li { display: flex; align-items: center; gap: 0.3rem; }
      .sw { width: 0.9rem; height: 0.18rem; border-radius: 1px; }
      .flag { color: var(--bp-bad); }
      .readout { min-height: 1.2em; font-size: 0.78rem; color: var(--bp-muted); font-variant-numeric: tabular-nums; }
    `,
  ];

  private ranges(): { x: [number, number]; y: [number, number] } {
    return { x: this.xRange ?? this.plane.xRange, y: this.yRange ?? this.plane.yRange };
  }

  private data(): uPlot.AlignedData {
    const layers = this.plane.layers.length ? this.plane.layers : [{ points: [] as PlanePoint[] }];
    return [
      null,
      ...layers.map((l) => [l.points.map((p) => p.x), l.points.map((p) => p.y)]),
    ] as unknown as uPlot.AlignedData;
  }

  private options(): uPlot.Options {
    const c = chrome(this.theme);
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: c.text,
      grid: { stroke: c.grid, width: 1 },
      ticks: { stroke: c.grid, width: 1 },
      font: '11px system-ui, sans-serif',
      labelFont: '12px system-ui, sans-serif',
    });
    const layers = this.plane.layers.length ? this.plane.layers : [null];
    return {
      width: 480,
      height: 384,
      mode: 2,
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false, setScale: false } },
      // Ranges read live: a static [min, max] would override every later setScale.
      scales: {
        x: { time: false, auto: false, range: () => this.ranges().x },
        y: { auto: false, range: () => this.ranges().y },
      },
      axes: [axis('I(X;T), bits'), axis('I(T;Y), bits')],
      series: [
        {},
        ...layers.map((l, i) => ({
          label: l?.name ?? '',
          stroke: layerColor(i, this.theme),
          facets: [
            { scale: 'x', auto: false },
            { scale: 'y', auto: false },
          ],
          paths: () => null,
          points: { show: false },
        })),
      ] as uPlot.Series[],
      hooks: {
        draw: [(u) => this.draw(u)],
        setCursor: [(u) => this.pick(u)],
      },
    };
  }

  override updated(changed: PropertyValues<this>) {
    this.plot.changed(
      changed.has('plane') || changed.has('xRange') || changed.has('yRange') || changed.has('replicaMode'),
    );
  }

  private redraw(u: uPlot) {
    const r = this.ranges();
    u.batch(() => {
      u.setData(this.data(), false);
      u.setScale('x', { min: r.x[0], max: r.x[1] });
      u.setScale('y', { min: r.y[0], max: r.y[1] });
    });
    u.redraw(false);
  }

  /** Everything inside the plot area (src/view/plane-draw.ts). */
  private draw(u: uPlot) {
    const { left, top, width, height } = u.bbox;
    drawPlane(
      u.ctx,
      this.plane,
      {
        left,
        top,
        width,
        height,
        pr: uPlot.pxRatio,
        x: (v) => u.valToPos(v, 'x', true),
        y: (v) => u.valToPos(v, 'y', true),
      },
      { theme: this.theme, replicaMode: this.replicaMode },
    );
  }

  /** The point nearest the cursor (within 14 px), for the readout under the chart. */
  private pick(u: uPlot) {
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0) {
      if (this.hover) this.hover = undefined;
      return;
    }
    let best: Hover | undefined;
    let bestD = 14 * 14;
    for (const layer of this.plane.layers)
      for (const p of layer.points) {
        const d = (u.valToPos(p.x, 'x') - left) ** 2 + (u.valToPos(p.y, 'y') - top) ** 2;
        if (d < bestD) {
          bestD = d;
          best = { layer: layer.name, point: p };
        }
      }
    if (best?.point !== this.hover?.point) this.hover = best;
  }

  /** A layer's legend label: its name, "(binary)" for sign-coded layers, and the ceiling flag. */
  private legendLabel(l: PlaneTrajectory, i: number): string {
    return `${l.name}${l.binaryOutput ? ' (binary)' : ''}${this.flagged(l, i) ? ' (near log₂N)' : ''}`;
  }

  /**
   * The chart as a PNG: heading, the plot, then the colour bar on a row of its own and every layer's
   * legend entry below it, wrapped into as many rows as the width needs.
   */
  private async savePng() {
    const chart = this.plot.chart;
    if (!chart) return;
    const c = chrome(this.theme);
    const blob = await chartPng(chart, this.heading, c, (measure, pr, width) => {
      const rowH = 18 * pr;
      const pad = 10 * pr;
      const labels = this.plane.layers.map((l, i) => this.legendLabel(l, i));
      const widths = labels.map((t) => 18 * pr + measure.measureText(t).width);
      const slots = flowLegend(widths, width - 2 * pad, 12 * pr);
      return {
        height: rowH * (1 + legendRows(slots)) + 6 * pr,
        draw: (ctx, top) => {
          ctx.textBaseline = 'middle';
          const barY = top + rowH / 2;
          ctx.fillStyle = c.text;
          ctx.textAlign = 'left';
          ctx.fillText('epoch 0', pad, barY);
          const barW = 110 * pr;
          const bx = pad + ctx.measureText('epoch 0').width + 6 * pr;
          for (let i = 0; i < barW; i++) {
            ctx.fillStyle = epochColor(i / barW, this.theme);
            ctx.fillRect(bx + i, barY - 5 * pr, 1, 10 * pr);
          }
          ctx.fillStyle = c.text;
          ctx.fillText(String(this.plane.epochs), bx + barW + 6 * pr, barY);
          slots.forEach((slot, i) => {
            const x = pad + slot.x;
            const y = top + rowH * (slot.row + 1.5);
            ctx.fillStyle = layerColor(i, this.theme);
            ctx.fillRect(x, y - 1.5 * pr, 14 * pr, 3 * pr);
            ctx.fillStyle = c.text;
            ctx.fillText(labels[i], x + 18 * pr, y);
          });
        },
      };
    });
    if (blob) {
      this.dispatchEvent(
        new CustomEvent('save-file', {
          detail: { blob, name: this.filename },
          bubbles: true,
          composed: true,
        }),
      );
    }
  }

  private setMode(mode: ReplicaMode) {
    this.dispatchEvent(new CustomEvent('replica-mode', { detail: { mode }, bubbles: true, composed: true }));
  }

  override render() {
    const p = this.plane;
    const h = this.hover;
    const replicas = p.layers[0]?.replicas.length ?? 0;
    return html`
      <header>
        <h2>${this.heading}</h2>
        ${
          this.static
            ? ''
            : html`<div class="row" role="group" aria-label="Replicas shown as">
          <button type="button" aria-pressed=${this.replicaMode === 'band' ? 'true' : 'false'} @click=${() => this.setMode('band')}>mean ± s.d.</button>
          <button type="button" aria-pressed=${this.replicaMode === 'paths' ? 'true' : 'false'} @click=${() => this.setMode('paths')}>each replica</button>
          <button type="button" data-testid="png-plane" aria-label=${`Save ${this.heading} as PNG`} @click=${() => this.savePng()}>PNG</button>
        </div>`
        }
      </header>
      <div class="plot" data-testid="info-plane" data-points=${p.layers.reduce((n, l) => n + l.points.length, 0)}>
        ${
          p.count === 0 || !p.layers.length || this.note
            ? html`<div class="empty" data-testid="plane-note">${this.note || "Each layer's I(X;T) and I(T;Y) appear here as logged epochs are estimated."}</div>`
            : ''
        }
      </div>
      <div class="below">
        <span class="bar" aria-label=${`points coloured by epoch, 0 to ${p.epochs}`}>epoch 0 <span class="gradient" style=${`background: ${epochGradient(this.theme)}`}></span> ${p.epochs}</span>
        <ul aria-label="layers">
          ${p.layers.map(
            (l, i) =>
              html`<li><span class="sw" style=${`background:${layerColor(i, this.theme)}`}></span>${l.name}${l.binaryOutput ? ' (binary)' : ''}${
                this.flagged(l, i)
                  ? html` <span class="flag" title=${this.unreliable?.rule ?? 'the plug-in estimate is near log2 N, where it says little'}>≈ ceiling, unreliable</span>`
                  : ''
              }</li>`,
          )}
        </ul>
      </div>
      <div class="readout" aria-hidden="true">${
        h
          ? `${h.layer} · epoch ${h.point.epoch} · I(X;T) ${formatMetric(h.point.x)} · I(T;Y) ${formatMetric(h.point.y)}${
              replicas > 1 ? ` (s.d. ${formatMetric(h.point.sx, 2)}, ${formatMetric(h.point.sy, 2)})` : ''
            }${h.point.unreliable ? ' · near log₂N: unreliable' : ''}`
          : p.layers.some((l) => l.unreliableShare > 0)
            ? 'Hollow points: the estimate is near log₂N, where the plug-in estimate says little (Nothnagel & Geiger).'
            : replicas > 1
              ? `${replicas} replicas: ${this.replicaMode === 'band' ? 'mean, with a ±1 s.d. ellipse' : 'each replica faint, the mean bold'}.`
              : ''
      }</div>
    `;
  }
}
customElements.define('info-plane', InfoPlane);

declare global {
  interface HTMLElementTagNameMap {
    'info-plane': InfoPlane;
  }
}
