import { chrome, epochColor, layerColor, type Theme } from '../src/view/colors.ts';
import { flowLegend, legendRows } from '../src/view/legend-layout.ts';
import type { PngFoot } from './uplot-canvas.ts';

/**
 * The information plane's PNG legend strip (for chartPng): the epoch colour bar on a row of its own,
 * then every layer's entry (swatch and label) below it, wrapped into as many rows as the width needs,
 * so no entry is drawn over another or cut off.
 */
export function planeFoot(
  epochs: number,
  labels: readonly string[],
  theme: Theme,
): (measure: CanvasRenderingContext2D, pr: number, width: number) => PngFoot {
  const c = chrome(theme);
  return (measure, pr, width) => {
    const rowH = 18 * pr;
    const pad = 10 * pr;
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
          ctx.fillStyle = epochColor(i / barW, theme);
          ctx.fillRect(bx + i, barY - 5 * pr, 1, 10 * pr);
        }
        ctx.fillStyle = c.text;
        ctx.fillText(String(epochs), bx + barW + 6 * pr, barY);
        slots.forEach((slot, i) => {
          const x = pad + slot.x;
          const y = top + rowH * (slot.row + 1.5);
          ctx.fillStyle = layerColor(i, theme);
          ctx.fillRect(x, y - 1.5 * pr, 14 * pr, 3 * pr);
          ctx.fillStyle = c.text;
          ctx.fillText(labels[i], x + 18 * pr, y);
        });
      },
    };
  };
}
