import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type uPlot from 'uplot';
import { createChart } from './uplot-canvas.ts';

/** What a chart element tells the controller: where the chart goes and how it is built. */
export interface ChartSpec {
  /** The element the chart is placed in (rendered by the host). */
  target(): HTMLElement | null;
  /** The chart's size for the target's width. */
  size(width: number): { width: number; height: number };
  options(): uPlot.Options;
  data(): uPlot.AlignedData;
  /**
   * What the chart's construction depends on (series, axes' kind, theme): when it changes, the chart is
   * built again; otherwise new data is drawn into the same chart with `redraw`.
   */
  shape(): string;
  /** Draws the current data into the existing chart (setData, scales). */
  redraw(u: uPlot): void;
  /** Called after each build (e.g. to shape glyphs once). */
  created?(u: uPlot): void;
}

/**
 * The one lifecycle of every uPlot chart element: the chart is built after the host's first render,
 * resized with its box (ResizeObserver), redrawn at most once per animation frame when the host says
 * its data changed, built again when its shape changes (in the next frame), drawn again when a lost GPU
 * process gives the canvas back (`contextrestored`), destroyed when the host is detached and built
 * again when it is attached again (a view switch: firstUpdated does not run twice).
 */
export class UplotController implements ReactiveController {
  chart?: uPlot;
  private resize?: ResizeObserver;
  private frame = 0;
  private built = '';

  constructor(
    private readonly host: ReactiveControllerHost & { readonly hasUpdated: boolean },
    private readonly spec: ChartSpec,
  ) {
    host.addController(this);
  }

  hostConnected() {
    // Re-attached after a view switch: the next update builds the chart again.
    if (this.host.hasUpdated && !this.chart) this.host.requestUpdate();
  }

  hostUpdated() {
    if (!this.chart) this.create();
  }

  hostDisconnected() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resize?.disconnect();
    this.resize = undefined;
    this.chart?.destroy();
    this.chart = undefined;
  }

  /**
   * Called from the host's `updated`: rebuilds the chart in the next frame when its shape changed,
   * otherwise redraws it in the next frame when `dataChanged` (one draw per frame at most, not in the
   * task that delivered the data).
   */
  changed(dataChanged: boolean) {
    if (!this.chart) return;
    if (this.spec.shape() !== this.built) {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.create();
      });
      return;
    }
    if (dataChanged && !this.frame)
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        if (this.chart) this.spec.redraw(this.chart);
      });
  }

  private sizeNow(target: HTMLElement) {
    return this.spec.size(target.clientWidth);
  }

  private create() {
    const target = this.spec.target();
    if (!target) return;
    this.chart?.destroy();
    this.built = this.spec.shape();
    const u = createChart({ ...this.spec.options(), ...this.sizeNow(target) }, this.spec.data(), target);
    this.chart = u;
    // A GPU process crash (a lost device) clears the page's canvases: draw again when it is restored.
    u.ctx.canvas.addEventListener('contextrestored', () => u.redraw(false));
    if (!this.resize) {
      this.resize = new ResizeObserver(() => {
        const chart = this.chart;
        if (!chart) return;
        const s = this.sizeNow(target);
        if (s.width !== chart.width || s.height !== chart.height) chart.setSize(s);
      });
      this.resize.observe(target);
    }
    this.spec.created?.(u);
  }
}
