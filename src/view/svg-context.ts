/**
 * A 2-D drawing context that writes SVG: the subset of CanvasRenderingContext2D the figure drawings use
 * (paths of lines, arcs and ellipses; fill and stroke with dashes; rectangles; text with alignment;
 * save/restore; translate and rotate; one clip rectangle or path). The same drawing code then gives a
 * PNG (on a canvas) and a vector SVG. Text is measured approximately (0.56 em per character): enough to
 * lay legends out.
 */
interface State {
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  dash: number[];
  transform: string;
  clip: string;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => String(Math.round(v * 100) / 100);

export class SvgContext {
  private readonly parts: string[] = [];
  private readonly stack: State[] = [];
  private s: State = {
    fillStyle: '#000',
    strokeStyle: '#000',
    lineWidth: 1,
    font: '10px sans-serif',
    textAlign: 'start',
    textBaseline: 'alphabetic',
    dash: [],
    transform: '',
    clip: '',
  };
  private d = '';
  private clips = 0;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  get fillStyle() {
    return this.s.fillStyle;
  }
  set fillStyle(v: string) {
    this.s.fillStyle = v;
  }
  get strokeStyle() {
    return this.s.strokeStyle;
  }
  set strokeStyle(v: string) {
    this.s.strokeStyle = v;
  }
  get lineWidth() {
    return this.s.lineWidth;
  }
  set lineWidth(v: number) {
    this.s.lineWidth = v;
  }
  get font() {
    return this.s.font;
  }
  set font(v: string) {
    this.s.font = v;
  }
  get textAlign() {
    return this.s.textAlign;
  }
  set textAlign(v: CanvasTextAlign) {
    this.s.textAlign = v;
  }
  get textBaseline() {
    return this.s.textBaseline;
  }
  set textBaseline(v: CanvasTextBaseline) {
    this.s.textBaseline = v;
  }

  save() {
    this.stack.push({ ...this.s, dash: [...this.s.dash] });
  }
  restore() {
    const s = this.stack.pop();
    if (s) this.s = s;
  }
  translate(x: number, y: number) {
    this.s.transform += ` translate(${n(x)} ${n(y)})`;
  }
  rotate(a: number) {
    this.s.transform += ` rotate(${n((a * 180) / Math.PI)})`;
  }
  setLineDash(d: number[]) {
    this.s.dash = [...d];
  }

  beginPath() {
    this.d = '';
  }
  closePath() {
    this.d += 'Z';
  }
  moveTo(x: number, y: number) {
    this.d += `M${n(x)} ${n(y)}`;
  }
  lineTo(x: number, y: number) {
    this.d += `L${n(x)} ${n(y)}`;
  }
  rect(x: number, y: number, w: number, h: number) {
    this.d += `M${n(x)} ${n(y)}h${n(w)}v${n(h)}h${n(-w)}Z`;
  }
  /** Full circles only (as the drawings use them). */
  arc(x: number, y: number, r: number) {
    this.ellipse(x, y, r, r);
  }
  /** Full, unrotated ellipses only. */
  ellipse(x: number, y: number, rx: number, ry: number) {
    this.d += `M${n(x - rx)} ${n(y)}a${n(rx)} ${n(ry)} 0 1 0 ${n(2 * rx)} 0a${n(rx)} ${n(ry)} 0 1 0 ${n(-2 * rx)} 0Z`;
  }

  private attrs(): string {
    const t = this.s.transform.trim();
    return `${t ? ` transform="${t}"` : ''}${this.s.clip ? ` clip-path="url(#${this.s.clip})"` : ''}`;
  }

  clip() {
    const id = `c${this.clips++}`;
    this.parts.push(`<clipPath id="${id}"><path d="${this.d}"${this.attrs()}/></clipPath>`);
    this.s.clip = id;
  }
  fill() {
    this.parts.push(`<path d="${this.d}" fill="${esc(this.s.fillStyle)}"${this.attrs()}/>`);
  }
  stroke() {
    const dash = this.s.dash.length ? ` stroke-dasharray="${this.s.dash.map(n).join(' ')}"` : '';
    this.parts.push(
      `<path d="${this.d}" fill="none" stroke="${esc(this.s.strokeStyle)}" stroke-width="${n(this.s.lineWidth)}"${dash}${this.attrs()}/>`,
    );
  }
  fillRect(x: number, y: number, w: number, h: number) {
    this.parts.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${esc(this.s.fillStyle)}"${this.attrs()}/>`,
    );
  }

  private fontSize(): number {
    return Number(/(\d+(?:\.\d+)?)px/.exec(this.s.font)?.[1] ?? 10);
  }

  measureText(text: string): { width: number } {
    return { width: text.length * this.fontSize() * 0.56 };
  }

  fillText(text: string, x: number, y: number) {
    const anchor = { left: 'start', start: 'start', right: 'end', end: 'end', center: 'middle' }[
      this.s.textAlign
    ];
    const baseline = {
      top: 'hanging',
      hanging: 'hanging',
      middle: 'central',
      alphabetic: 'alphabetic',
      ideographic: 'ideographic',
      bottom: 'text-after-edge',
    }[this.s.textBaseline];
    const weight = /\b([6-9]00|bold)\b/.exec(this.s.font) ? ' font-weight="600"' : '';
    this.parts.push(
      `<text x="${n(x)}" y="${n(y)}" font-family="system-ui, sans-serif" font-size="${n(this.fontSize())}"${weight} fill="${esc(this.s.fillStyle)}" text-anchor="${anchor}" dominant-baseline="${baseline}"${this.attrs()}>${esc(text)}</text>`,
    );
  }

  /** The SVG document. */
  toString(): string {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${n(this.width)}" height="${n(this.height)}" viewBox="0 0 ${n(this.width)} ${n(this.height)}">\n${this.parts.join('\n')}\n</svg>\n`;
  }
}
