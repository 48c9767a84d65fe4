import { css, html, LitElement, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { type ConfigIssue, DATASETS, type RunConfig } from '../src/config/run-config.ts';
import type { DatasetName } from '../src/data/types.ts';
import type { FieldPath } from '../src/view/edit.ts';
import type { PreviewImage } from '../src/view/preview.ts';
import { emitEdit, type NumberAttrs, numberField } from './config-fields.ts';
import { controlStyles } from './control-styles.ts';
import './data-upload.ts';

const TITLES: Record<DatasetName, [string, string]> = {
  bits12: ['12-bit task', '4096 patterns · 2 classes'],
  mnist: ['MNIST', '28×28 digits · 10 classes'],
  digits: ['8×8 digits', '1797 images · 10 classes'],
  circle: ['Circle', '2-D · 2 classes'],
  xor: ['XOR', '2-D · 2 classes'],
  spiral: ['Spiral', '2-D · 2 classes'],
  gauss: ['Two Gaussians', '2-D · 2 classes'],
  custom: ['Your data', 'a CSV or .npy file'],
};
const TOYS: readonly DatasetName[] = ['circle', 'xor', 'spiral', 'gauss'];

/**
 * The dataset picker: a card with a small preview per dataset (a radio group: arrow keys move between
 * them), where the chosen one comes from, and its options (encoding, samples and noise, MNIST training
 * and test rows, train fraction and split).
 * Properties down: `data` (the configuration's data part), `previews`, `sources`, `issues`.
 * Events up: `config-edit` ({ path, value }).
 */
export class DatasetPicker extends LitElement {
  static override properties = {
    data: { attribute: false },
    previews: { attribute: false },
    sources: { attribute: false },
    issues: { attribute: false },
  };
  declare data: RunConfig['data'];
  declare previews: Partial<Record<DatasetName, PreviewImage>>;
  declare sources: Partial<Record<DatasetName, string>>;
  declare issues: ConfigIssue[];

  constructor() {
    super();
    this.previews = {};
    this.sources = {};
    this.issues = [];
  }

  static override styles = [
    controlStyles,
    css`
      .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(4.6rem, 1fr)); gap: 0.35rem; margin-bottom: 0.55rem; }
      .card { position: relative; display: flex; flex-direction: column; align-items: center; gap: 0.15rem; padding: 0.3rem 0.2rem 0.25rem; border: 1px solid var(--bp-border); border-radius: 8px; cursor: pointer; background: var(--bp-input); font-size: 0.74rem; text-align: center; line-height: 1.15; }
      .card:has(input:checked) { border-color: var(--bp-accent); box-shadow: 0 0 0 1px var(--bp-accent); }
      .card:has(input:focus-visible) { outline: 2px solid var(--bp-accent); outline-offset: 1px; }
      .card input { position: absolute; opacity: 0; pointer-events: none; }
      canvas, .blank { width: 3.2rem; height: 3.2rem; image-rendering: pixelated; border-radius: 4px; background: var(--bp-border); }
      .blank { display: grid; place-items: center; font-size: 0.7rem; color: var(--bp-text); }
      .source { font-size: 0.78rem; color: var(--bp-muted); margin: 0 0 0.5rem; }
      .note { font-size: 0.78rem; margin: 0 0 0.5rem; }
    `,
  ];

  private edit(path: FieldPath, value: unknown) {
    emitEdit(this, path, value);
  }

  private num(label: string, key: keyof RunConfig['data'], attrs: NumberAttrs) {
    return numberField(this, this.issues, label, ['data', key], this.data[key] as number, attrs);
  }

  override updated(changed: PropertyValues<this>) {
    if (!changed.has('previews')) return;
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-name]')) {
      const img = this.previews[canvas.dataset.name as DatasetName];
      if (!img) continue;
      canvas.width = img.width;
      canvas.height = img.height;
      canvas
        .getContext('2d')
        ?.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
    }
  }

  override render() {
    const d = this.data;
    const toy = TOYS.includes(d.name);
    return html`
      <fieldset>
        <legend>Dataset</legend>
        <div class="cards" role="radiogroup" aria-label="Dataset">
          ${DATASETS.map(
            (name) => html`<label class="card" title=${TITLES[name][1]}>
              <input type="radio" name="dataset" value=${name} data-testid=${`dataset-${name}`} .checked=${live(d.name === name)}
                @change=${() => this.edit(['data', 'name'], name)} />
              ${this.previews[name] ? html`<canvas data-name=${name} aria-hidden="true"></canvas>` : html`<div class="blank" aria-hidden="true">${name === 'mnist' ? '28×28' : ''}</div>`}
              <span>${TITLES[name][0]}</span>
            </label>`,
          )}
        </div>
        <p class="source" data-testid="dataset-note">
          <strong>${TITLES[d.name][0]}</strong> (${TITLES[d.name][1]}).
          ${
            d.name === 'bits12'
              ? 'Shwartz-Ziv & Tishby (2017). Its rule was never published: bitplane labels it with a reconstructed rule that reproduces the original 4096 labels exactly.'
              : `${this.sources[d.name] ?? ''}.`
          }
        </p>
        ${d.name === 'custom' ? html`<data-upload .data=${d}></data-upload>` : ''}
        <div class="grid">
          ${
            d.name === 'bits12'
              ? html`<label class="field"><span>Inputs</span>
                <select data-field="data.encoding" .value=${live(d.encoding)} @change=${(e: Event) => this.edit(['data', 'encoding'], (e.target as HTMLSelectElement).value)}>
                  <option value="binary" ?selected=${d.encoding === 'binary'}>{0, 1}</option>
                  <option value="pm1" ?selected=${d.encoding === 'pm1'}>±1</option>
                </select></label>`
              : ''
          }
          ${toy ? html`${this.num('Samples', 'samples', { min: 2, max: 100000, step: '1' })}${this.num('Noise (0–0.5)', 'noise', { min: 0, max: 0.5, step: '0.05' })}` : ''}
          ${d.name === 'mnist' ? html`${this.num('Training images', 'mnistTrain', { min: 1, max: 10000, step: '1' })}${this.num('Test images', 'mnistTest', { min: 1, max: 10000, step: '1' })}` : ''}
          ${
            d.name !== 'mnist'
              ? html`${this.num('Train fraction', 'trainFraction', { min: 0.05, max: 0.95, step: '0.05' })}
                <label class="field"><span>Split</span>
                  <select data-field="data.split" .value=${live(d.split)} @change=${(e: Event) => this.edit(['data', 'split'], (e.target as HTMLSelectElement).value)}>
                    <option value="shuffled" ?selected=${d.split === 'shuffled'}>shuffled (seeded)</option>
                    <option value="first-rows" ?selected=${d.split === 'first-rows'}>first rows (IDNNs, biased)</option>
                  </select></label>`
              : ''
          }
        </div>
        ${d.split === 'first-rows' && d.name !== 'mnist' ? html`<p class="hint">IDNNs' unshuffled split: its test set is not a sample of the data (on the 12-bit task, 84 % ones).</p>` : ''}
        ${d.name === 'mnist' ? html`<p class="hint">MNIST uses its official test set (the first N of its 10,000 images); the browser has the first 10,000 training images.</p>` : ''}
      </fieldset>
    `;
  }
}
customElements.define('dataset-picker', DatasetPicker);

declare global {
  interface HTMLElementTagNameMap {
    'dataset-picker': DatasetPicker;
  }
}
