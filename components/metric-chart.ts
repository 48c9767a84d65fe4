import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { chrome, layerColor, seriesColors, type Theme, withAlpha } from '../src/view/colors.ts';
import {
  alignedColumns,
  type CurveData,
  type CurveMetric,
  type CurveSeries,
  lastValue,
  logFit,
} from '../src/view/curves.ts';
import { formatMetric } from '../src/view/format.ts';
import { flowLegend, legendRows } from '../src/view/legend-layout.ts';
import { curveRows, curveSummary } from '../src/view/summaries.ts';
import { chartTable, chartTableStyles } from './chart-table.ts';
import { controlStyles } from './control-styles.ts';
import { chartPng } from './uplot-canvas.ts';
import { UplotController } from './uplot-controller.ts';

/**
 * Loss or accuracy against epoch (uPlot): train and test, each the replica mean with the replicas'
 * min–max band; in the comparison, the DNN's and the BNN's on the same axes (test dashed). Linear or log
 * epoch axis (it grows with the run), linear or log loss axis. Created once, updated with setData, recreated when the series,
 * the axes' kind or the theme change.
 * Properties down: `data`, `metric`, `epochs` (the x axis' end), `logX`, `logY`, `theme`, `heading`,
 * `filename`, `runLabels` (the comparison's run names; colours then go by run), `static` (no
 * interactive controls: for figures).
 * Events up: `axis-change` ({ logX?, logY? }), `save-file` ({ blob, name }).
 */
export class MetricChart extends LitElement {
  static override properties = {
    data: { attribute: false },
    metric: { type: String },
    epochs: { type: Number },
    logX: { type: Boolean },
    logY: { type: Boolean },
    theme: { type: String },
    heading: { type: String },
    filename: { type: String },
    runLabels: { attribute: false },
    runColors: { type: Boolean },
    static: { type: Boolean },
    cursorEpoch: { attribute: false },
    cursorIdx: { state: true },
    tableOpen: { state: true },
  };
  declare data: CurveData;
  declare metric: CurveMetric;
  declare epochs: number;
  declare logX: boolean;
  declare logY: boolean;
  declare theme: Theme;
  declare heading: string;
  declare filename: string;
  declare runLabels: string[];
  /** Colour each run as the overlay's plane colours it (layerColor of its index), not by the comparison's pair. */
  declare runColors: boolean;
  /** No interactive controls (PNG, log-axis checkboxes): the chart is a figure. */
  declare static: boolean;
  /** The epoch under the linked cursor (from any chart of the run): a vertical line, and the values there. */
  declare cursorEpoch?: number | null;
  declare cursorIdx: number | null;
  declare tableOpen: boolean;

  private readonly plot = new UplotController(this, {
    target: () => this.renderRoot.querySelector<HTMLElement>('.plot'),
    size: (w) => {
      const width = Math.max(200, Math.floor(w || 320));
      return { width, height: Math.round(Math.min(240, Math.max(150, width * 0.5))) };
    },
    options: () => this.options(),
    data: () => alignedColumns(this.data) as uPlot.AlignedData,
    shape: () => this.shapeKey(),
    redraw: (u) => this.redraw(u),
  });

  constructor() {
    super();
    this.metric = 'loss';
    this.epochs = 1;
    this.logX = false;
    this.logY = false;
    this.theme = 'light';
    this.heading = 'Loss';
    this.filename = 'loss.png';
    this.runLabels = [];
    this.static = false;
    this.cursorIdx = null;
    this.tableOpen = false;
  }

  static override styles = [
    unsafeCSS(uplotCss),
    controlStyles,
    chartTableStyles,
    css`
      :host { display: block; min-width: 0; }
      header { display: flex; align-items: center; gap: 0.7rem; margin-bottom: 0.2rem; }
      h2 { font-size: 0.95rem; margin: 0; font-weight: 650; flex: 1; }
      header button { font-size: 0.78rem; padding: 0.15rem 0.5rem; }
      .foot { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 0.1rem 0.8rem; }
      .foot .row { gap: 0.6rem; }
      .check { font-size: 0.78rem; gap: 0.2rem; }
      .plot { width: 100%; }
      ul { display: flex; flex-wrap: wrap; gap: 0.1rem 0.8rem; list-style: none; padding: 0; margin: 0; font-size: 0.78rem; font-variant-numeric: tabular-nums; }
      li { display: flex; align-items: center; gap: 0.3rem; }
      .sw { width: 0.9rem; height: 0; border-top: 2px solid; }
      .sw.dash { border-top-style: dashed; }
    `,
  ];

  private color(s: CurveSeries): string {
    const p = seriesColors(this.theme);
    if (this.runColors) return layerColor(s.run, this.theme);
    if (this.runLabels.length > 1) return s.run === 0 ? p.dnn : p.bnn;
    return s.split === 'train' ? p.train : p.test;
  }

  private dashed(s: CurveSeries): boolean {
    return (this.runColors || this.runLabels.length > 1) && s.split === 'test';
  }

  /** From the first epoch to the last logged one (at least 10 epochs or the whole run, if shorter). */
  private xRange(): [number, number] {
    const last = this.data.x[this.data.x.length - 1] ?? 0;
    const end = Math.max(last, Math.min(this.epochs, 10), this.logX ? 2 : 1);
    return this.logX ? [1, end] : [0, end];
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
      labelSize: 22,
    });
    const acc = this.metric === 'acc';
    const yRange: uPlot.Scale.Range = acc
      ? (_u, min, max) =>
          min == null || max == null
            ? [0, 1]
            : [
                Math.max(0, Math.floor(min * 10) / 10),
                Math.min(1, Math.max(Math.ceil(max * 10) / 10, Math.floor(min * 10) / 10 + 0.1)),
              ]
      : this.logY
        ? (_u, min, max) =>
            // Fitted to the data (a little margin), not snapped to whole decades: a loss between
            // 0.55 and 0.8 must not sit flat in a 0.1–10 axis.
            min == null || max == null || !(min > 0) ? [0.1, 10] : logFit(min, max)
        : (_u, _min, max) => [0, max == null || !(max > 0) ? 1 : max * 1.08];
    const series: uPlot.Series[] = [{ label: 'epoch' }];
    const bands: uPlot.Band[] = [];
    this.data.series.forEach((s, k) => {
      const color = this.color(s);
      series.push(
        {
          label: s.label,
          stroke: color,
          width: 1.7,
          dash: this.dashed(s) ? [6, 4] : undefined,
          points: { size: 4 },
        },
        { label: `${s.label} min`, stroke: 'transparent', width: 0, points: { show: false } },
        { label: `${s.label} max`, stroke: 'transparent', width: 0, points: { show: false } },
      );
      bands.push({ series: [3 + 3 * k, 2 + 3 * k], fill: withAlpha(color, 0.16) });
    });
    return {
      width: 320,
      height: 160,
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
      scales: {
        // Read live: a static [min, max] would override every later setScale.
        x: { time: false, auto: false, distr: this.logX ? 3 : 1, range: () => this.xRange() },
        y: { distr: this.logY && !acc ? 3 : 1, range: yRange },
      },
      axes: [
        axis(this.logX ? 'epoch (log)' : 'epoch'),
        axis(acc ? 'accuracy' : this.logY ? 'loss (log)' : 'loss'),
      ],
      series,
      bands,
      hooks: {
        // What the chart shows now, for tests and tools: the end of its epoch axis, its y range.
        setScale: [
          (u, key) => {
            const box = u.root.parentElement;
            if (key === 'x') box?.setAttribute('data-x-max', String(u.scales.x.max));
            if (key === 'y') {
              box?.setAttribute('data-y-min', String(u.scales.y.min));
              box?.setAttribute('data-y-max', String(u.scales.y.max));
            }
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx ?? null;
            if (i === this.cursorIdx) return;
            this.cursorIdx = i;
            const epoch = i === null ? null : (this.data.x[i] ?? null);
            this.dispatchEvent(
              new CustomEvent('epoch-cursor', { detail: { epoch }, bubbles: true, composed: true }),
            );
          },
        ],
        draw: [(u) => this.drawCursor(u)],
      },
    };
  }

  private shapeKey(): string {
    return JSON.stringify([
      this.theme,
      this.logX,
      this.logY,
      this.metric,
      this.runLabels,
      this.data.series.map((s) => s.label),
    ]);
  }

  override updated(changed: PropertyValues<this>) {
    this.plot.changed(changed.has('data') || changed.has('epochs') || changed.has('cursorEpoch'));
  }

  /** The linked cursor from another chart: a vertical line at its epoch (this chart's own cursor has uPlot's). */
  private drawCursor(u: uPlot) {
    const e = this.cursorEpoch;
    if (e === undefined || e === null || this.cursorIdx !== null) return;
    const x = u.valToPos(e, 'x', true);
    const { top, height, left, width } = u.bbox;
    if (!(x >= left && x <= left + width)) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = chrome(this.theme).text;
    ctx.lineWidth = uPlot.pxRatio;
    ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.restore();
  }

  private redraw(u: uPlot) {
    const [lo, hi] = this.xRange();
    u.batch(() => {
      u.setData(alignedColumns(this.data) as uPlot.AlignedData);
      u.setScale('x', { min: lo, max: hi });
    });
  }

  /** The chart as a PNG: heading, the plot, and every series' legend entry, wrapped to the width. */
  private async savePng() {
    const chart = this.plot.chart;
    if (!chart) return;
    const c = chrome(this.theme);
    const blob = await chartPng(chart, this.heading, c, (measure, pr, width) => {
      const rowH = 18 * pr;
      const pad = 10 * pr;
      const series = this.data.series;
      const widths = series.map((s) => 20 * pr + measure.measureText(s.label).width);
      const slots = flowLegend(widths, width - 2 * pad, 14 * pr);
      return {
        height: rowH * legendRows(slots) + 6 * pr,
        draw: (ctx, top) => {
          ctx.textBaseline = 'middle';
          slots.forEach((slot, i) => {
            const s = series[i];
            const x = pad + slot.x;
            const y = top + rowH * (slot.row + 0.5);
            ctx.strokeStyle = this.color(s);
            ctx.lineWidth = 2 * pr;
            ctx.setLineDash(this.dashed(s) ? [5 * pr, 3 * pr] : []);
            ctx.beginPath();
            ctx.moveTo(x, y);
            ctx.lineTo(x + 16 * pr, y);
            ctx.stroke();
            ctx.fillStyle = c.text;
            ctx.fillText(s.label, x + 20 * pr, y);
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

  private axisChange(patch: { logX?: boolean; logY?: boolean }) {
    this.dispatchEvent(new CustomEvent('axis-change', { detail: patch, bubbles: true, composed: true }));
  }

  override render() {
    const linked =
      this.cursorEpoch === undefined || this.cursorEpoch === null
        ? -1
        : this.data.x.indexOf(this.cursorEpoch);
    const i = this.cursorIdx ?? (linked >= 0 ? linked : null);
    const at = (s: CurveSeries) => (i !== null && i < s.mean.length ? s.mean[i] : lastValue(s));
    const epoch = i !== null ? this.data.x[i] : this.data.x[this.data.x.length - 1];
    return html`
      <header>
        <h2>${this.heading}</h2>
        ${this.static ? '' : html`<button type="button" data-testid=${`png-${this.metric}`} aria-label=${`Save ${this.heading} as PNG`} @click=${() => this.savePng()}>PNG</button>`}
      </header>
      <div class="plot" data-testid=${`chart-${this.metric}`} role="img" aria-label=${curveSummary(this.data, this.heading)} data-cursor-epoch=${i !== null ? String(this.data.x[i]) : ''}></div>
      <div class="foot">
        <ul aria-label=${`${this.heading}${epoch !== undefined ? ` at epoch ${epoch}` : ''}`}>
          ${epoch !== undefined ? html`<li>epoch ${epoch}</li>` : ''}
          ${this.data.series.map(
            (s) =>
              html`<li><span class=${this.dashed(s) ? 'sw dash' : 'sw'} style=${`border-color:${this.color(s)}`}></span>${s.label} ${formatMetric(at(s))}</li>`,
          )}
        </ul>
        ${this.static ? '' : this.axisControls()}
      </div>
      ${
        this.static
          ? ''
          : chartTable(
              `${this.heading}: data`,
              this.tableOpen,
              (open) => (this.tableOpen = open),
              () => curveRows(this.data),
            )
      }
    `;
  }

  /** The log-axis checkboxes. */
  private axisControls() {
    return html`<div class="row">
          <label class="check"><input type="checkbox" .checked=${this.logX} @change=${(e: Event) => this.axisChange({ logX: (e.target as HTMLInputElement).checked })} />log epochs</label>
          ${
            this.metric === 'loss'
              ? html`<label class="check"><input type="checkbox" .checked=${this.logY} @change=${(e: Event) => this.axisChange({ logY: (e.target as HTMLInputElement).checked })} />log loss</label>`
              : ''
          }
        </div>`;
  }
}
customElements.define('metric-chart', MetricChart);

declare global {
  interface HTMLElementTagNameMap {
    'metric-chart': MetricChart;
  }
}
