import { css, html, LitElement, nothing } from 'lit';
import type { RunRecord } from '../src/run/record.ts';
import { runTitle } from '../src/view/caption.ts';
import type { Theme } from '../src/view/colors.ts';
import { curveData } from '../src/view/curves.ts';
import { exportName, lastEpoch } from '../src/view/export.ts';
import { overlayLabel, overlayPlane, sharedLayerCount } from '../src/view/overlay.ts';
import { planeData } from '../src/view/plane.ts';
import type { ReplicaMode } from './info-plane.ts';
import './info-plane.ts';
import './metric-chart.ts';
import './results-export.ts';

/**
 * Kept or opened runs, viewed as a live run is: one run's information plane with its loss and accuracy
 * (the read-outs, the epoch cursor, the exports), or two and more runs overlaid on shared axes: the chosen
 * layer of each run in one plane, and all their curves together, each run labelled and coloured alike in
 * the three charts. Properties down: `records`, `theme`, `replicaMode`, `logX`, `logY`.
 */
export class RecordView extends LitElement {
  static override properties = {
    records: { attribute: false },
    theme: { type: String },
    replicaMode: { type: String },
    logX: { type: Boolean },
    logY: { type: Boolean },
    layer: { state: true },
    cursorEpoch: { state: true },
  };
  declare records: RunRecord[];
  declare theme: Theme;
  declare replicaMode: ReplicaMode;
  declare logX: boolean;
  declare logY: boolean;
  /** The overlay's layer (index among the estimated layers). */
  declare layer: number;
  declare cursorEpoch: number | null;

  constructor() {
    super();
    this.records = [];
    this.layer = 0;
    this.cursorEpoch = null;
  }

  static override styles = css`
    :host { display: flex; flex-direction: column; gap: 0.7rem; min-width: 0; }
    .bar { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; align-items: center; background: var(--bp-surface); border: 1px solid var(--bp-border); border-radius: 10px; padding: 0.6rem 0.8rem; font-size: 0.85rem; }
    h2 { font-size: 1rem; margin: 0; }
    select { font: inherit; }
    .charts { display: grid; grid-template-columns: minmax(0, 1.45fr) minmax(0, 1fr); gap: 0.7rem; }
    .panel { background: var(--bp-surface); border: 1px solid var(--bp-border); border-radius: 10px; padding: 0.55rem 0.7rem 0.4rem; min-width: 0; }
    .side { display: flex; flex-direction: column; gap: 0.7rem; min-width: 0; }
    @media (max-width: 1100px) { .charts { grid-template-columns: minmax(0, 1fr); } }
  `;

  override render() {
    if (!this.records.length) return nothing;
    const one = this.records.length === 1;
    const runs = this.records.map((record, i) => ({ label: one ? '' : overlayLabel(i, record), record }));
    const n = sharedLayerCount(runs);
    const layer = Math.min(this.layer, Math.max(0, n - 1));
    const plane = one ? planeData(runs[0].record) : overlayPlane(runs, layer);
    const opts = { logX: this.logX, logY: this.logY };
    const curves = { loss: curveData(runs, 'loss', opts), acc: curveData(runs, 'acc', opts) };
    const first = runs[0].record;
    const epochs = Math.max(...this.records.map((r) => r.config.epochs));
    const name = (what: string) =>
      one
        ? exportName(first, 'png', what, { epoch: lastEpoch(first) })
        : `bitplane-overlay-${runs.length}-runs-${what}.png`;
    const labels = runs.map((r) => r.label);
    return html`
      <div class="bar" data-testid="record-view" data-runs=${runs.length}>
        ${
          one
            ? html`<h2>${runTitle(first.config)}</h2><span>${first.status}, epoch ${lastEpoch(first)} of ${first.config.epochs}${first.message ? ` (${first.message})` : ''}</span>
                <results-export .runs=${runs}></results-export>`
            : html`<h2>${runs.length} runs overlaid</h2>
                <label>Layer <select data-testid="overlay-layer" @change=${(e: Event) => (this.layer = Number((e.target as HTMLSelectElement).value))}>
                  ${Array.from({ length: n }, (_, k) => html`<option value=${k} ?selected=${k === layer}>hidden ${k + 1}</option>`)}
                </select></label>`
        }
      </div>
      <div class="charts" @epoch-cursor=${(e: CustomEvent<{ epoch: number | null }>) => (this.cursorEpoch = e.detail.epoch)}>
        <div class="panel">
          <info-plane .plane=${plane} .curves=${one ? curves : undefined} .cursorEpoch=${this.cursorEpoch} theme=${this.theme} replicaMode=${this.replicaMode}
            heading=${one ? 'Information plane' : `Information plane, hidden layer ${layer + 1} of each run`} filename=${name('information-plane')}></info-plane>
        </div>
        <div class="side">
          <div class="panel">
            <metric-chart metric="loss" heading="Loss (cross-entropy)" .data=${curves.loss} .runLabels=${labels} ?runColors=${!one} .cursorEpoch=${this.cursorEpoch} .epochs=${epochs}
              ?logX=${this.logX} ?logY=${this.logY} theme=${this.theme} filename=${name('loss')}></metric-chart>
          </div>
          <div class="panel">
            <metric-chart metric="acc" heading="Accuracy" .data=${curves.acc} .runLabels=${labels} ?runColors=${!one} .cursorEpoch=${this.cursorEpoch} .epochs=${epochs}
              ?logX=${this.logX} theme=${this.theme} filename=${name('accuracy')}></metric-chart>
          </div>
        </div>
      </div>
    `;
  }
}
customElements.define('record-view', RecordView);

declare global {
  interface HTMLElementTagNameMap {
    'record-view': RecordView;
  }
}
