import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { chrome, epochColor, epochGradient, layerColor, type Theme, withAlpha } from '../src/view/colors.ts';
import { formatMetric } from '../src/view/format.ts';
import { epochFraction, type PlaneData, type PlanePoint, type PlaneTrajectory } from '../src/view/plane.ts';
import { controlStyles } from './control-styles.ts';
import { chartPng, createChart } from './uplot-canvas.ts';

export type ReplicaMode = 'band' | 'paths';

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
 * `static` (no interactive controls: for figures), `unreliable`.
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
  declare hover?: Hover;

  private chart?: uPlot;
  private resize?: ResizeObserver;
  private layerCount = -1;

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

  private size(): { width: number; height: number } {
    const el = this.renderRoot.querySelector<HTMLElement>('.plot');
    const width = Math.max(220, Math.floor(el?.clientWidth ?? 480));
    return { width, height: Math.round(Math.min(500, Math.max(230, width * 0.8))) };
  }

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
      ...this.size(),
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

  override firstUpdated() {
    this.create();
    // Shape the labels' glyphs once now (the subscript in log₂N needs a fallback font, which takes a
    // while to find the first time), not in the middle of a run when the first ceilings arrive.
    const ctx = this.chart!.ctx;
    for (const weight of ['', '600 ']) {
      ctx.font = `${weight}${11 * uPlot.pxRatio}px system-ui, sans-serif`;
      ctx.measureText('log₂N = 12.5 H(Y) = 0.999 out 123456789');
    }
    this.resize = new ResizeObserver(() => {
      if (!this.chart) return;
      const s = this.size();
      if (s.width !== this.chart.width || s.height !== this.chart.height) this.chart.setSize(s);
    });
    this.resize.observe(this.renderRoot.querySelector('.plot')!);
  }

  private create() {
    this.chart?.destroy();
    this.layerCount = this.plane.layers.length;
    this.chart = createChart(
      this.options(),
      this.data(),
      this.renderRoot.querySelector<HTMLElement>('.plot')!,
    );
    // A GPU process crash (a lost device) clears the page's canvases: draw again when it is restored.
    const u = this.chart!;
    u.ctx.canvas.addEventListener('contextrestored', () => u.redraw(false));
  }

  override updated(changed: PropertyValues<this>) {
    if (!this.chart) return;
    if (changed.has('theme') || this.plane.layers.length !== this.layerCount) {
      this.layerCount = this.plane.layers.length;
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.create();
      });
      return;
    }
    if (
      changed.has('plane') ||
      changed.has('xRange') ||
      changed.has('yRange') ||
      changed.has('replicaMode')
    ) {
      // Drawn in the next frame, not in the task that delivered the epoch: one draw per frame at most.
      if (!this.frame) this.frame = requestAnimationFrame(() => this.redraw());
    }
  }

  private frame = 0;

  private redraw() {
    this.frame = 0;
    const u = this.chart;
    if (!u) return;
    const r = this.ranges();
    u.batch(() => {
      u.setData(this.data(), false);
      u.setScale('x', { min: r.x[0], max: r.x[1] });
      u.setScale('y', { min: r.y[0], max: r.y[1] });
    });
    u.redraw(false);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.chart?.destroy();
    this.chart = undefined;
  }

  override connectedCallback() {
    super.connectedCallback();
    // Re-attached after a view switch: build the chart again (firstUpdated does not run twice).
    if (this.hasUpdated && !this.chart) {
      void this.updateComplete.then(() => {
        if (!this.chart) {
          this.create();
          this.resize?.observe(this.renderRoot.querySelector('.plot')!);
        }
      });
    }
  }

  /** Everything inside the plot area: ceilings, bands or replica paths, trajectories, points. */
  private draw(u: uPlot) {
    const ctx = u.ctx;
    const pr = uPlot.pxRatio;
    const c = chrome(this.theme);
    const { left, top, width, height } = u.bbox;
    const X = (v: number) => u.valToPos(v, 'x', true);
    const Y = (v: number) => u.valToPos(v, 'y', true);
    const plane = this.plane;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();

    if (plane.ceilings) {
      ctx.strokeStyle = c.ceiling;
      ctx.lineWidth = 1.2 * pr;
      ctx.setLineDash([6 * pr, 4 * pr]);
      const cx = X(plane.ceilings.ixt);
      const cy = Y(plane.ceilings.ity);
      ctx.beginPath();
      ctx.moveTo(cx, top);
      ctx.lineTo(cx, top + height);
      ctx.moveTo(left, cy);
      ctx.lineTo(left + width, cy);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = c.ceiling;
      ctx.font = `${11 * pr}px system-ui, sans-serif`;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText(`H(Y) = ${formatMetric(plane.ceilings.ity, 3)}`, left + width - 4 * pr, cy - 3 * pr);
      ctx.save();
      ctx.translate(cx - 4 * pr, top + height - 4 * pr);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'left';
      ctx.fillText(`log₂N = ${formatMetric(plane.ceilings.ixt, 3)}`, 0, 0);
      ctx.restore();
    }

    plane.layers.forEach((layer, li) => {
      const color = layerColor(li, this.theme);
      if (this.replicaMode === 'band') {
        ctx.fillStyle = withAlpha(color, 0.14);
        for (const p of layer.points) {
          const rx = Math.abs(X(p.x + p.sx) - X(p.x));
          const ry = Math.abs(Y(p.y + p.sy) - Y(p.y));
          if (rx < 0.5 && ry < 0.5) continue;
          ctx.beginPath();
          ctx.ellipse(X(p.x), Y(p.y), Math.max(rx, 0.5), Math.max(ry, 0.5), 0, 0, 2 * Math.PI);
          ctx.fill();
        }
      } else {
        ctx.strokeStyle = withAlpha(color, 0.35);
        ctx.lineWidth = 1 * pr;
        for (const path of layer.replicas) {
          ctx.beginPath();
          path.forEach((p, i) => {
            if (i) ctx.lineTo(X(p.x), Y(p.y));
            else ctx.moveTo(X(p.x), Y(p.y));
          });
          ctx.stroke();
        }
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.6 * pr;
      ctx.beginPath();
      layer.points.forEach((p, i) => {
        if (i) ctx.lineTo(X(p.x), Y(p.y));
        else ctx.moveTo(X(p.x), Y(p.y));
      });
      ctx.stroke();
    });

    // Points above every line, oldest first so the newest epochs stay visible.
    const radius = (this.plane.count > 120 ? 2.4 : 3.4) * pr;
    plane.layers.forEach((layer, li) => {
      for (const p of layer.points) {
        const fill = epochColor(epochFraction(p.epoch, plane.epochs), this.theme);
        ctx.beginPath();
        ctx.arc(X(p.x), Y(p.y), radius, 0, 2 * Math.PI);
        if (p.unreliable) {
          ctx.fillStyle = c.background;
          ctx.fill();
          ctx.strokeStyle = fill;
          ctx.lineWidth = 1.6 * pr;
          ctx.stroke();
        } else {
          ctx.fillStyle = fill;
          ctx.fill();
          ctx.strokeStyle = withAlpha(c.background, 0.9);
          ctx.lineWidth = 0.8 * pr;
          ctx.stroke();
        }
      }
      const last = layer.points[layer.points.length - 1];
      if (last) {
        ctx.fillStyle = layerColor(li, this.theme);
        ctx.font = `600 ${11 * pr}px system-ui, sans-serif`;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        ctx.fillText(
          layer.name === 'output' ? 'out' : String(li + 1),
          X(last.x) + radius + 3 * pr,
          Y(last.y),
        );
      }
    });
    ctx.restore();
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

  /** The chart as a PNG: heading, the plot, the layers and the colour bar. */
  private async savePng() {
    if (!this.chart) return;
    const c = chrome(this.theme);
    const blob = await chartPng(this.chart, this.heading, c, 34, (ctx, y, pr, width) => {
      let x = 10 * pr;
      this.plane.layers.forEach((l, i) => {
        ctx.fillStyle = layerColor(i, this.theme);
        ctx.fillRect(x, y - 1.5 * pr, 14 * pr, 3 * pr);
        x += 18 * pr;
        ctx.fillStyle = c.text;
        const label = `${l.name}${this.flagged(l, i) ? ' (near log₂N)' : ''}`;
        ctx.fillText(label, x, y);
        x += ctx.measureText(label).width + 12 * pr;
      });
      const barW = 110 * pr;
      const bx = width - barW - 70 * pr;
      for (let i = 0; i < barW; i++) {
        ctx.fillStyle = epochColor(i / barW, this.theme);
        ctx.fillRect(bx + i, y - 5 * pr, 1, 10 * pr);
      }
      ctx.fillStyle = c.text;
      ctx.textAlign = 'right';
      ctx.fillText('epoch 0', bx - 4 * pr, y);
      ctx.textAlign = 'left';
      ctx.fillText(String(this.plane.epochs), bx + barW + 4 * pr, y);
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
        ${p.count === 0 ? html`<div class="empty">Each layer's I(X;T) and I(T;Y) appear here as logged epochs are estimated.</div>` : ''}
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
