/**
 * Lays legend entries out in rows that fit a width, left to right, wrapping to a new row when the next
 * entry would cross the right edge (an entry wider than the whole width gets a row of its own). Used by
 * the charts' PNG export, whose legend strip must show every layer however many there are.
 */
export interface LegendSlot {
  /** Left edge of the entry, from the strip's left edge. */
  x: number;
  /** Row index, from 0. */
  row: number;
}

export function flowLegend(widths: readonly number[], available: number, gap: number): LegendSlot[] {
  const slots: LegendSlot[] = [];
  let x = 0;
  let row = 0;
  for (const w of widths) {
    if (x > 0 && x + w > available) {
      row++;
      x = 0;
    }
    slots.push({ x, row });
    x += w + gap;
  }
  return slots;
}

/** Number of rows a layout uses (0 when empty). */
export function legendRows(slots: readonly LegendSlot[]): number {
  return slots.reduce((n, s) => Math.max(n, s.row + 1), 0);
}
