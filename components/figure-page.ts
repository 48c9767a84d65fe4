/**
 * The figure page's entry (figure.html; not an element): `window.renderFigure(record, title)` shows one
 * result record as a <figure-sheet> (replacing the previous one) and resolves once its charts have drawn,
 * with their coloured-pixel counts. src/cli/figures.ts calls it from Node through Playwright, then
 * screenshots the sheet.
 */
import type { RunRecord } from '../src/run/record.ts';
import type { FigureInk, RenderFigure } from '../src/view/figure.ts';
import './figure-sheet.ts';

const renderFigure: RenderFigure = async (record: RunRecord, title: string): Promise<FigureInk> => {
  document.querySelector('figure-sheet')?.remove();
  const sheet = document.createElement('figure-sheet');
  sheet.record = record;
  sheet.heading = title;
  document.body.append(sheet);
  return sheet.whenDrawn();
};

declare global {
  interface Window {
    renderFigure: RenderFigure;
  }
}
window.renderFigure = renderFigure;
