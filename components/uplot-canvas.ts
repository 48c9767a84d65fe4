import uPlot from 'uplot';

/**
 * Creates a uPlot chart whose canvas is CPU-backed (`willReadFrequently`), for the chart elements (not an
 * element itself). The charts are small; on a CPU canvas, drawing them never waits on the GPU process,
 * which may be busy with a training epoch (with a software adapter, for hundreds of milliseconds). uPlot
 * makes its canvas itself, so the option is passed by wrapping getContext while the constructor runs.
 */
export function createChart(opts: uPlot.Options, data: uPlot.AlignedData, target: HTMLElement): uPlot {
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext;
  const call = original as (
    this: HTMLCanvasElement,
    type: string,
    options?: object,
  ) => RenderingContext | null;
  proto.getContext = function (this: HTMLCanvasElement, type: string, options?: object) {
    return call.call(this, type, type === '2d' ? { willReadFrequently: true, ...options } : options);
  } as typeof original;
  try {
    return new uPlot(opts, data, target);
  } finally {
    proto.getContext = original;
  }
}

/** The legend strip under an exported chart: its height (device pixels) and how it is drawn. */
export interface PngFoot {
  height: number;
  /** Draws the strip whose top edge is at `top` (device pixels); the font is the 11 px label font. */
  draw(ctx: CanvasRenderingContext2D, top: number): void;
}

const LABEL_FONT = (pr: number) => `${11 * pr}px system-ui, sans-serif`;

/**
 * A chart as a PNG for export: `heading` above the plot, a legend strip below laid out by `foot` (which
 * may measure text with the context it is given, at the label font, and the output width), on the
 * theme's background. Both chart elements frame their exports so.
 */
export async function chartPng(
  u: uPlot,
  heading: string,
  colors: { background: string; text: string },
  foot: (ctx: CanvasRenderingContext2D, pr: number, width: number) => PngFoot,
): Promise<Blob | null> {
  const pr = uPlot.pxRatio;
  const src = u.ctx.canvas;
  const head = 30 * pr;
  const out = document.createElement('canvas');
  out.width = src.width;
  const ctx = out.getContext('2d')!;
  ctx.font = LABEL_FONT(pr);
  const strip = foot(ctx, pr, out.width);
  // Setting the height clears the context's state: the fonts are set again below.
  out.height = src.height + head + strip.height;
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = colors.text;
  ctx.font = `600 ${14 * pr}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(heading, 10 * pr, head / 2);
  ctx.drawImage(src, 0, head);
  ctx.font = LABEL_FONT(pr);
  strip.draw(ctx, head + src.height);
  return new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'));
}
