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

/**
 * A chart as a PNG for export: `heading` above the plot, a legend strip below drawn by `drawFoot` (at
 * height `foot`, centre line y), on the theme's background. Both chart elements frame their exports so.
 */
export async function chartPng(
  u: uPlot,
  heading: string,
  colors: { background: string; text: string },
  foot: number,
  drawFoot: (ctx: CanvasRenderingContext2D, y: number, pr: number, width: number) => void,
): Promise<Blob | null> {
  const pr = uPlot.pxRatio;
  const src = u.ctx.canvas;
  const head = 30 * pr;
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height + head + foot * pr;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = colors.text;
  ctx.font = `600 ${14 * pr}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(heading, 10 * pr, head / 2);
  ctx.drawImage(src, 0, head);
  ctx.font = `${11 * pr}px system-ui, sans-serif`;
  drawFoot(ctx, head + src.height + (foot * pr) / 2, pr, out.width);
  return new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'));
}
