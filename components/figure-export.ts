import { css, html, LitElement } from 'lit';
import { drawFigure, type FigureInput, type FigureKind, figureSize } from '../src/view/figure-draw.ts';
import { SvgContext } from '../src/view/svg-context.ts';
import { controlStyles } from './control-styles.ts';

const KINDS: Record<FigureKind, string> = {
  figure: 'figure (plane, loss, accuracy)',
  plane: 'information plane',
  loss: 'loss',
  acc: 'accuracy',
};
const FORMATS = { svg: 'SVG', png2: 'PNG 2×', png3: 'PNG 3×' } as const;
type Format = keyof typeof FORMATS;

/**
 * Figures for a paper: the run laid out as one figure (plane, loss and accuracy) or one chart of it, as
 * SVG or as PNG at 2× or 3×, each carrying its caption (dataset, network, epochs, replicas, seed,
 * estimator, adapter, link). Drawn by src/view/figure-draw.ts, not copied from the screen.
 * Properties down: `input` (the figure's data, caption and look; undefined before a run), `baseName`
 * (the file name without extension), `label` (which run, in the comparison). Events up: `save-file` ({ blob, name }).
 */
export class FigureExport extends LitElement {
  static override properties = {
    input: { attribute: false },
    baseName: { type: String },
    label: { type: String },
    kind: { state: true },
    format: { state: true },
  };
  declare input?: FigureInput;
  declare baseName: string;
  /** Which run, where there are several (the comparison's 'DNN', 'BNN'). */
  declare label: string;
  declare kind: FigureKind;
  declare format: Format;

  constructor() {
    super();
    this.baseName = 'bitplane';
    this.label = '';
    this.kind = 'figure';
    this.format = 'svg';
  }

  static override styles = [
    controlStyles,
    css`
      :host { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem; font-size: 0.82rem; }
      span { color: var(--bp-muted); }
      select { width: auto; }
    `,
  ];

  private async export() {
    const input = this.input;
    if (!input) return;
    const { width, height } = figureSize(this.kind, input.caption.length);
    let blob: Blob | null;
    let name: string;
    if (this.format === 'svg') {
      const svg = new SvgContext(width, height);
      drawFigure(svg as unknown as CanvasRenderingContext2D, this.kind, input);
      blob = new Blob([svg.toString()], { type: 'image/svg+xml' });
      name = `${this.baseName}-${this.kind}.svg`;
    } else {
      const scale = this.format === 'png2' ? 2 : 3;
      const canvas = document.createElement('canvas');
      canvas.width = width * scale;
      canvas.height = height * scale;
      const ctx = canvas.getContext('2d')!;
      ctx.scale(scale, scale);
      drawFigure(ctx, this.kind, input);
      blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
      name = `${this.baseName}-${this.kind}@${scale}x.png`;
    }
    if (blob)
      this.dispatchEvent(
        new CustomEvent('save-file', { detail: { blob, name }, bubbles: true, composed: true }),
      );
  }

  override render() {
    const which = this.label ? ` ${this.label}` : '';
    return html`<span>Figure${which}</span>
      <select aria-label=${`figure${which} content`} data-testid="figure-kind" @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as FigureKind)}>
        ${Object.entries(KINDS).map(([k, label]) => html`<option value=${k} ?selected=${k === this.kind}>${label}</option>`)}
      </select>
      <select aria-label=${`figure${which} format`} data-testid="figure-format" @change=${(e: Event) => (this.format = (e.target as HTMLSelectElement).value as Format)}>
        ${Object.entries(FORMATS).map(([k, label]) => html`<option value=${k} ?selected=${k === this.format}>${label}</option>`)}
      </select>
      <button type="button" data-testid="figure-export" ?disabled=${!this.input} @click=${() => this.export()}>Save figure</button>`;
  }
}
customElements.define('figure-export', FigureExport);

declare global {
  interface HTMLElementTagNameMap {
    'figure-export': FigureExport;
  }
}
