import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { chrome, layerColor, type Theme } from '../src/view/colors.ts';
import type { CurveData } from '../src/view/curves.ts';
import type { PlaneData, PlanePoint, PlaneTrajectory } from '../src/view/plane.ts';
import { drawPlane, shownPoints } from '../src/view/plane-draw.ts';
import { nearestPoint, type PlaneHit, type Range, readoutText } from '../src/view/plane-read.ts';
import { planeRows, planeSummary } from '../src/view/summaries.ts';
import { chartTable, chartTableStyles } from './chart-table.ts';
import { controlStyles } from './control-styles.ts';
import { attachPan, selectionZoom, type Zoom } from './plane-zoom.ts';
import './plane-legend.ts';
import { planeFoot } from './plane-png.ts';
import { chartPng } from './uplot-canvas.ts';
import { UplotController } from './uplot-controller.ts';

export type ReplicaMode = 'band' | 'paths';

/** The plane's note for a network without hidden layers: there is nothing to follow through the plane. */
export const NO_HIDDEN_LAYER =
  'No hidden layer to track: this network maps the inputs straight to the output. Add a layer (+ layer) to follow it through the information plane; loss and accuracy still train.';

/**
 * The information plane (uPlot, mode 2): x = I(X;T), y = I(T;Y), bits. One trajectory per layer (its
 * line in the layer's colour), points coloured by epoch (viridis, with a colour bar), replicas as the
 * mean with a ±1 s.d. band (ellipses) or as faint individual paths, the log2 N and H(Y) ceilings dashed,
 * and points whose estimate sits near log2 N drawn hollow (unreliable). The chart is created once and
 * updated with setData; it is recreated when the layers or the theme change. The legend marks a layer
 * "≈ ceiling, unreliable" when its latest point is near log2 N, unless `unreliable` says which and why.
 *
 * Reading it: hovering a point reads out its layer, replica (or the mean), epoch, I(X;T), I(T;Y) and
 * the loss and accuracy at that epoch (`curves`); the epoch under the cursor is sent up and comes back
 * down as `cursorEpoch` (linked with the loss and accuracy charts), its points ringed. Drag to zoom,
 * Shift-drag to pan, double-click to reset; the legend hides or isolates layers, the scrubber replays
 * the trajectories up to an epoch (plane-legend.ts). Zoom, hidden layers and the scrubbed epoch are this
 * chart's own view state.
 * Properties down: `plane`, `theme`, `replicaMode`, `heading`, `filename`, `xRange`/`yRange` (shared axes),
 * `static` (no interactive controls: for figures), `unreliable`, `note` (replaces the empty plot's
 * placeholder), `curves` ({ loss, acc }), `cursorEpoch`.
 * Events up: `replica-mode` ({ mode }), `save-file` ({ blob, name }), `epoch-cursor` ({ epoch | null }).
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
    curves: { attribute: false },
    cursorEpoch: { attribute: false },
    hover: { state: true },
    hiddenLayers: { state: true },
    upTo: { state: true },
    zoom: { state: true },
    tableOpen: { state: true },
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
  /** The run's loss and accuracy curves, for the read-out at the hovered epoch. */
  declare curves?: { loss: CurveData; acc: CurveData };
  /** The epoch under the linked cursor (from any chart of the run). */
  declare cursorEpoch?: number | null;
  declare hover?: PlaneHit;
  /** Layers not drawn (legend clicks). */
  declare hiddenLayers: ReadonlySet<number>;
  /** The scrubbed epoch; undefined: live, everything so far. */
  declare upTo?: number;
  /** The zoomed (or panned) ranges; undefined: the full ranges. */
  declare zoom?: Zoom;
  declare tableOpen: boolean;

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
      if (!this.static)
        attachPan(
          u,
          () => this.ranges(),
          (z) => (this.zoom = z),
        );
    },
  });

  constructor() {
    super();
    this.theme = 'light';
    this.replicaMode = 'band';
    this.heading = 'Information plane';
    this.filename = 'information-plane.png';
    this.static = false;
    this.hiddenLayers = new Set();
    this.tableOpen = false;
  }

  /** Whether the legend marks the layer "≈ ceiling, unreliable". */
  private flagged(l: PlaneTrajectory, i: number): boolean {
    return this.unreliable ? (this.unreliable.layers[i] ?? false) : l.unreliableNow;
  }

  static override styles = [
    unsafeCSS(uplotCss),
    controlStyles,
    chartTableStyles,
    css`
      :host { display: block; min-width: 0; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 0.8rem; margin-bottom: 0.25rem; }
      h2 { font-size: 0.95rem; margin: 0; font-weight: 650; }
      header .row { margin-left: auto; }
      header button { font-size: 0.78rem; padding: 0.15rem 0.5rem; }
      .plot { position: relative; width: 100%; }
      .empty { position: absolute; inset: 20% 12% auto 18%; text-align: center; color: var(--bp-muted); font-size: 0.85rem; pointer-events: none; }
      .readout { min-height: 1.2em; font-size: 0.78rem; color: var(--bp-muted); font-variant-numeric: tabular-nums; }
    `,
  ];

  private ranges(): { x: Range; y: Range } {
    return this.zoom ?? { x: this.xRange ?? this.plane.xRange, y: this.yRange ?? this.plane.yRange };
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
      cursor: {
        points: { show: false },
        drag: this.static ? { x: false, y: false, setScale: false } : { x: true, y: true, setScale: false },
      },
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
        setSelect: [
          (u) => {
            const z = selectionZoom(u);
            if (z) this.zoom = z;
          },
        ],
      },
    };
  }

  override updated(changed: PropertyValues<this>) {
    this.plot.changed(
      ['plane', 'xRange', 'yRange', 'replicaMode', 'hiddenLayers', 'upTo', 'zoom', 'cursorEpoch'].some((k) =>
        changed.has(k as keyof InfoPlane),
      ),
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
      {
        theme: this.theme,
        replicaMode: this.replicaMode,
        hidden: this.hiddenLayers,
        upTo: this.upTo,
        mark: this.cursorEpoch ?? undefined,
      },
    );
  }

  /** The shown point nearest the cursor (within 14 px), for the read-out; its epoch goes up as the cursor. */
  private pick(u: uPlot) {
    const { left, top } = u.cursor;
    const hit =
      left === undefined || top === undefined || left < 0
        ? undefined
        : nearestPoint(
            this.plane,
            { x: (v) => u.valToPos(v, 'x'), y: (v) => u.valToPos(v, 'y') },
            left,
            top,
            { replicaMode: this.replicaMode, hidden: this.hiddenLayers, upTo: this.upTo, radius: 14 },
          );
    const same = (a?: PlaneHit, b?: PlaneHit) =>
      a?.layer === b?.layer && a?.replica === b?.replica && a?.epoch === b?.epoch;
    if (same(hit, this.hover)) return;
    this.hover = hit;
    this.dispatchEvent(
      new CustomEvent('epoch-cursor', {
        detail: { epoch: hit?.epoch ?? null },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private toggleLayer(layer: number, isolate: boolean) {
    const all = this.plane.layers.map((_, i) => i);
    if (isolate) {
      const alone = all.every((i) => (i === layer) !== this.hiddenLayers.has(i));
      this.hiddenLayers = alone ? new Set() : new Set(all.filter((i) => i !== layer));
    } else {
      const next = new Set(this.hiddenLayers);
      if (next.has(layer)) next.delete(layer);
      else next.add(layer);
      this.hiddenLayers = next;
    }
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
    const labels = this.plane.layers.map((l, i) => this.legendLabel(l, i));
    const blob = await chartPng(chart, this.heading, c, planeFoot(this.plane.epochs, labels, this.theme));
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
          ${this.zoom ? html`<button type="button" data-testid="zoom-reset" @click=${() => (this.zoom = undefined)}>reset zoom</button>` : ''}
          <button type="button" data-testid="png-plane" aria-label=${`Save ${this.heading} as PNG`} @click=${() => this.savePng()}>PNG</button>
        </div>`
        }
      </header>
      <div class="plot" data-testid="info-plane" role="img" aria-label=${planeSummary(p, this.heading)} data-points=${p.layers.reduce((n, l) => n + l.points.length, 0)}
        data-shown=${p.layers.reduce((n, l, i) => n + (this.hiddenLayers.has(i) ? 0 : shownPoints(l.points, this.upTo).length), 0)}
        data-x-range=${this.ranges().x.join(',')} data-y-range=${this.ranges().y.join(',')}>
        ${
          p.count === 0 || !p.layers.length || this.note
            ? html`<div class="empty" data-testid="plane-note">${this.note || "Each layer's I(X;T) and I(T;Y) appear here as logged epochs are estimated."}</div>`
            : ''
        }
      </div>
      <plane-legend .plane=${p} theme=${this.theme} .hiddenLayers=${this.hiddenLayers} .upTo=${this.upTo} ?static=${this.static}
        .flags=${p.layers.map((l, i) => this.flagged(l, i))} rule=${this.unreliable?.rule ?? 'the plug-in estimate is near log2 N, where it says little'}
        @layer-toggle=${(e: CustomEvent<{ layer: number; isolate: boolean }>) => this.toggleLayer(e.detail.layer, e.detail.isolate)}
        @scrub=${(e: CustomEvent<{ epoch: number | undefined }>) => (this.upTo = e.detail.epoch)}></plane-legend>
      <div class="readout" data-testid="plane-readout">${
        h
          ? readoutText(h, replicas, this.curves)
          : p.layers.some((l) => l.unreliableShare > 0)
            ? 'Hollow points: the estimate is near log₂N, where the plug-in estimate says little (Nothnagel & Geiger).'
            : replicas > 1
              ? `${replicas} replicas: ${this.replicaMode === 'band' ? 'mean, with a ±1 s.d. ellipse' : 'each replica faint, the mean bold'}.`
              : ''
      }</div>
      ${
        this.static
          ? ''
          : chartTable(
              `${this.heading}: data`,
              this.tableOpen,
              (open) => (this.tableOpen = open),
              () => ({
                header: ['layer', 'epoch', 'I(X;T), bits', 'I(T;Y), bits'],
                rows: planeRows(p),
              }),
            )
      }
    `;
  }
}
customElements.define('info-plane', InfoPlane);

declare global {
  interface HTMLElementTagNameMap {
    'info-plane': InfoPlane;
  }
}
