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
