import { css, html, LitElement } from 'lit';
import type { ConfigIssue, RunConfig } from '../src/config/run-config.ts';
import type { DatasetName } from '../src/data/types.ts';
import { datasetDims, type PreviewImage } from '../src/view/preview.ts';
import type { LiveView } from '../src/view/route.ts';
import './dataset-picker.ts';
import './estimator-controls.ts';
import './network-editor.ts';
import './paper-presets.ts';
import './training-controls.ts';

/**
 * Every control of a run, in the order one sets them up: the paper's experiments (whole configurations),
 * then dataset, network, training, information estimate. Edits bubble up from the panels as `config-edit`,
 * `preset` and `experiment` events.
 * Properties down: `config`, `issues`, `previews`, `sources`, `presetsDisabled`, `note`, `view` (the view
 * the experiments' links open).
 */
export class RunControls extends LitElement {
  static override properties = {
    config: { attribute: false },
    issues: { attribute: false },
    previews: { attribute: false },
    sources: { attribute: false },
    presetsDisabled: { type: Boolean },
    note: { type: String },
    view: { type: String },
  };
  declare config: RunConfig;
  declare issues: ConfigIssue[];
  declare previews: Partial<Record<DatasetName, PreviewImage>>;
  declare sources: Partial<Record<DatasetName, string>>;
  declare presetsDisabled: boolean;
  declare note: string;
  declare view: LiveView;

  constructor() {
    super();
    this.issues = [];
    this.previews = {};
    this.sources = {};
    this.presetsDisabled = false;
    this.note = '';
    this.view = 'playground';
  }

  static override styles = css`
    :host { display: flex; flex-direction: column; gap: 0.9rem; }
    section { background: var(--bp-surface); border: 1px solid var(--bp-border); border-radius: 10px; padding: 0.7rem 0.8rem; }
    .note { font-size: 0.8rem; color: var(--bp-muted); margin: 0.4rem 0 0; }
  `;

  override render() {
    const c = this.config;
    const dims = datasetDims(c.data);
    return html`
      <section><paper-presets .config=${c} view=${this.view}></paper-presets></section>
      <section><dataset-picker .data=${c.data} .previews=${this.previews} .sources=${this.sources} .issues=${this.issues}></dataset-picker></section>
      <section>
        <network-editor .network=${c.network} .inputs=${dims.inputs} .classes=${dims.classes} .issues=${this.issues} ?presetsDisabled=${this.presetsDisabled}></network-editor>
        ${this.note ? html`<p class="note">${this.note}</p>` : ''}
      </section>
      <section><training-controls .config=${c} .issues=${this.issues}></training-controls></section>
      <section><estimator-controls .estimator=${c.estimator} .log=${c.log} .issues=${this.issues}></estimator-controls></section>
    `;
  }
}
customElements.define('run-controls', RunControls);

declare global {
  interface HTMLElementTagNameMap {
    'run-controls': RunControls;
  }
}
