import type uPlot from 'uplot';
import { panRange, type Range, spanRange } from '../src/view/plane-read.ts';

/** The plane's zoomed view: both ranges. */
export interface Zoom {
  x: Range;
  y: Range;
}

/**
 * Zoom and pan on a uPlot chart (not an element): a plain drag selects the area to zoom into (uPlot's
 * selection, turned into ranges by `selectionZoom`), Shift-drag pans (`attachPan`, which takes the
 * mousedown before uPlot does), double-click resets. The host keeps the zoom and redraws.
 */
export function attachPan(u: uPlot, ranges: () => Zoom, set: (z: Zoom | undefined) => void): void {
  u.over.addEventListener('dblclick', () => set(undefined));
  u.over.addEventListener(
    'mousedown',
    (down) => {
      if (!down.shiftKey) return;
      down.preventDefault();
      down.stopImmediatePropagation();
      const start = ranges();
      const { width, height } = u.over.getBoundingClientRect();
      const move = (e: MouseEvent) =>
        set({
          x: panRange(start.x, e.clientX - down.clientX, width),
          y: panRange(start.y, e.clientY - down.clientY, height, true),
        });
      const up = () => {
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
      };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    },
    { capture: true },
  );
}

/** The zoom a dragged selection asks for (undefined for a click or a tiny selection); clears the selection. */
export function selectionZoom(u: uPlot): Zoom | undefined {
  const { left, top, width, height } = u.select;
  const zoom =
    width > 4 && height > 4
      ? {
          x: spanRange(left, left + width, (p) => u.posToVal(p, 'x')),
          y: spanRange(top + height, top, (p) => u.posToVal(p, 'y')),
        }
      : undefined;
  if (width || height) u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  return zoom;
}
