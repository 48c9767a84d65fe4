import { css, html, LitElement, noChange } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  type ConfigIssue,
  INITS,
  isQuantizer,
  KBIT_ACTIVATIONS,
  kbitActivation,
  LAYER_ACTIVATIONS,
  type LayerConfig,
  QUANTIZERS,
  type RunConfig,
} from '../src/config/run-config.ts';
import { PRESET_LABELS, PRESETS, type PresetName, presetOf } from '../src/run/presets.ts';
import { type FieldPath, issuesAt, issueText, numberFrom } from '../src/view/edit.ts';
import { emitEdit } from './config-fields.ts';
import { controlStyles } from './control-styles.ts';

const FLOAT_ACTIVATIONS = LAYER_ACTIVATIONS.filter((a) => !isQuantizer(a) && !kbitActivation(a));
/** The weights' bit widths the editor offers: float, 1 (binary), ternary, 2, 4, 8 (docs/METHOD.md §2). */
const WEIGHT_OPTIONS: [LayerConfig['weights'], string][] = [
  ['float', 'float'],
  ['binary', '1-bit'],
  ['ternary', 'ternary'],
  ['q2', '2-bit'],
  ['q4', '4-bit'],
  ['q8', '8-bit'],
];
const MAX_LAYERS = 16;

/**
 * The network editor: the hidden layers between the inputs and the softmax output, each with its width,
 * float or binary weights, batch normalization and activation (or quantizer); add and remove layers;
 * the presets DNN-tanh, DNN-ReLU and BNN (widths kept); the output layer's weights and the initialisation.
 * Properties down: `network`, `inputs`, `classes`, `issues`, `presetsDisabled` (the comparison chooses
 * the kinds itself). Events up: `config-edit` ({ path, value }), `preset` ({ name }).
 */
export class NetworkEditor extends LitElement {
  static override properties = {
    network: { attribute: false },
    inputs: { type: Number },
    classes: { type: Number },
    issues: { attribute: false },
    presetsDisabled: { type: Boolean },
  };
  declare network: RunConfig['network'];
  declare inputs: number;
  declare classes: number;
  declare issues: ConfigIssue[];
  declare presetsDisabled: boolean;

  constructor() {
    super();
    this.issues = [];
    this.presetsDisabled = false;
  }

  static override styles = [
    controlStyles,
    css`
      .presets { margin-bottom: 0.5rem; }
      table { width: 100%; border-collapse: collapse; font-size: 0.82rem; }
      th { text-align: left; font-weight: 500; color: var(--bp-muted); padding: 0 0.2rem 0.2rem; font-size: 0.74rem; }
      td { padding: 0.12rem 0.2rem; vertical-align: middle; }
      td.n { color: var(--bp-muted); width: 1.4rem; }
      td.w { width: 3.6rem; }
      td.k { width: 4.4rem; }
      td.bn { width: 2rem; text-align: center; }
      td.x { width: 1.8rem; }
      .io td { color: var(--bp-muted); font-size: 0.78rem; }
      button.remove { padding: 0.1rem 0.4rem; line-height: 1; }
      .foot { margin-top: 0.45rem; }
    `,
  ];

  private edit(path: FieldPath, value: unknown) {
    emitEdit(this, path, value);
  }

  private setLayers(hidden: LayerConfig[]) {
    this.edit(['network', 'hidden'], hidden);
  }

  private changeLayer(i: number, patch: Partial<LayerConfig>) {
    const hidden = this.network.hidden.map((l, j) => (j === i ? { ...l, ...patch } : l));
    this.setLayers(hidden);
  }

  private addLayer() {
    const h = this.network.hidden;
    const last = h[h.length - 1] ?? { width: 8, weights: 'binary', batchNorm: true, activation: 'ste_sign' };
    this.setLayers([...h, { ...last, width: Math.max(2, Math.round(last.width / 2)) }]);
  }

  private preset(name: PresetName) {
    this.dispatchEvent(new CustomEvent('preset', { detail: { name }, bubbles: true, composed: true }));
  }

  override render() {
    const { hidden, outputWeights, init } = this.network;
    const current = presetOf({ network: this.network } as RunConfig);
    const layerIssues = issuesAt(this.issues, ['network', 'hidden']);
    return html`
      <fieldset>
        <legend>Network</legend>
        <div class="row presets" role="group" aria-label="Presets">
          ${PRESETS.map(
            (
              p,
            ) => html`<button type="button" data-testid=${`preset-${p}`} aria-pressed=${current === p ? 'true' : 'false'}
              ?disabled=${this.presetsDisabled} @click=${() => this.preset(p)}>${PRESET_LABELS[p]}</button>`,
          )}
        </div>
        <table>
          <thead><tr><th></th><th>width</th><th>weights</th><th title="batch normalization">BN</th><th>activation</th><th></th></tr></thead>
          <tbody>
            <tr class="io"><td class="n">in</td><td colspan="5">${this.inputs ?? '…'} inputs</td></tr>
            ${hidden.map((l, i) => {
              const bad = (k: string) => issuesAt(this.issues, ['network', 'hidden', i, k]).length > 0;
              return html`<tr data-testid="layer-row">
                <td class="n">${i + 1}</td>
                <td class="w"><input type="number" min="1" max="4096" step="1" aria-label=${`layer ${i + 1} width`} .value=${bad('width') ? noChange : live(String(l.width))}
                  aria-invalid=${bad('width') ? 'true' : 'false'}
                  @change=${(e: Event) => this.changeLayer(i, { width: numberFrom((e.target as HTMLInputElement).value) })} /></td>
                <td class="k"><select aria-label=${`layer ${i + 1} weights`} .value=${live(l.weights)} @change=${(e: Event) => this.changeLayer(i, { weights: (e.target as HTMLSelectElement).value as LayerConfig['weights'] })}>
                  ${WEIGHT_OPTIONS.map(([v, text]) => html`<option value=${v} ?selected=${l.weights === v}>${text}</option>`)}
                </select></td>
                <td class="bn"><input type="checkbox" aria-label=${`layer ${i + 1} batch normalization`} .checked=${live(l.batchNorm)}
                  @change=${(e: Event) => this.changeLayer(i, { batchNorm: (e.target as HTMLInputElement).checked })} /></td>
                <td><select aria-label=${`layer ${i + 1} activation`} .value=${live(l.activation)} aria-invalid=${bad('activation') ? 'true' : 'false'}
                  @change=${(e: Event) => this.changeLayer(i, { activation: (e.target as HTMLSelectElement).value as LayerConfig['activation'] })}>
                  <optgroup label="quantizers (binary output)">
                    ${QUANTIZERS.map((a) => html`<option value=${a} ?selected=${l.activation === a}>${a}</option>`)}
                  </optgroup>
                  <optgroup label="k-bit (2^k levels in [−1, 1])">
                    ${KBIT_ACTIVATIONS.map((a) => html`<option value=${a} ?selected=${l.activation === a}>${a}</option>`)}
                  </optgroup>
                  <optgroup label="float">
                    ${FLOAT_ACTIVATIONS.map((a) => html`<option value=${a} ?selected=${l.activation === a}>${a}</option>`)}
                  </optgroup>
                </select></td>
                <td class="x"><button type="button" class="remove" aria-label=${`remove layer ${i + 1}`} title="remove layer"
                  @click=${() => this.setLayers(hidden.filter((_, j) => j !== i))}>×</button></td>
              </tr>`;
            })}
            <tr class="io"><td class="n">out</td><td colspan="5">${this.classes ?? '…'} classes, softmax</td></tr>
          </tbody>
        </table>
        ${layerIssues.map((i) => html`<p class="error" data-testid="layer-issue">${issueText(i)}</p>`)}
        <div class="row foot">
          <button type="button" data-testid="add-layer" ?disabled=${hidden.length >= MAX_LAYERS} @click=${() => this.addLayer()}>+ layer</button>
          <label class="check">output weights
            <select aria-label="output layer weights" .value=${live(outputWeights)} @change=${(e: Event) => this.edit(['network', 'outputWeights'], (e.target as HTMLSelectElement).value)}>
              <option value="float" ?selected=${outputWeights === 'float'}>float</option>
              <option value="binary" ?selected=${outputWeights === 'binary'}>binary</option>
            </select></label>
          <label class="check">init
            <select aria-label="initialisation" .value=${live(init)} @change=${(e: Event) => this.edit(['network', 'init'], (e.target as HTMLSelectElement).value)}>
              ${INITS.map((x) => html`<option value=${x} ?selected=${init === x}>${x}</option>`)}
            </select></label>
        </div>
      </fieldset>
    `;
  }
}
customElements.define('network-editor', NetworkEditor);

declare global {
  interface HTMLElementTagNameMap {
    'network-editor': NetworkEditor;
  }
}
