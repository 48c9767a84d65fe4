import { css, html, LitElement } from 'lit';
import { live } from 'lit/directives/live.js';
import type { RunConfig } from '../src/config/run-config.ts';
import type { TransportView } from '../src/run/controller.ts';
import { type DnnKind, PRESET_LABELS } from '../src/run/presets.ts';
import { runCaption, runTitle } from '../src/view/caption.ts';
import type { Theme } from '../src/view/colors.ts';
import { curveData } from '../src/view/curves.ts';
import { exportName, lastEpoch } from '../src/view/export.ts';
import { emptyPlane, planeData, sharedRanges } from '../src/view/plane.ts';
import { controlStyles, liveViewStyles } from './control-styles.ts';
import './copy-link.ts';
import './figure-export.ts';
import type { ReplicaMode } from './info-plane.ts';
import { NO_HIDDEN_LAYER } from './info-plane.ts';
import './metric-chart.ts';
import './results-export.ts';
import './run-transport.ts';

/**
 * DNN vs BNN: the same data, seed, optimizer and schedule trained as a DNN (tanh or ReLU) and as a BNN,
 * one epoch of each in turn; their information planes side by side on shared axes, and their losses and
 * accuracies on the same charts.
 * Properties down: `dnn`, `bnn` (the two configurations), `transport`, `dnnKind`, `theme`, `replicaMode`,
 * `logX`, `logY`, `shareUrl`, `disabled`. Events up: `dnn-kind` ({ kind }), and the charts' events.
 */
export class CompareView extends LitElement {
  static override properties = {
    dnn: { attribute: false },
    bnn: { attribute: false },
    transport: { attribute: false },
    dnnKind: { type: String },
    theme: { type: String },
    replicaMode: { type: String },
    logX: { type: Boolean },
    logY: { type: Boolean },
    shareUrl: { type: String },
    disabled: { type: Boolean },
    cursorEpoch: { state: true },
  };
  declare dnn: RunConfig;
  declare bnn: RunConfig;
  declare transport: TransportView;
  declare dnnKind: DnnKind;
  declare theme: Theme;
  declare replicaMode: ReplicaMode;
  declare logX: boolean;
  declare logY: boolean;
  declare shareUrl: string;
  declare disabled: boolean;
  /** The epoch under the cursor of any of the four charts: shown on all of them (view state only). */
  declare cursorEpoch: number | null;

  constructor() {
    super();
    this.cursorEpoch = null;
  }

  static override styles = [
    controlStyles,
    liveViewStyles,
    css`
      @media (max-width: 900px) { .pair { grid-template-columns: minmax(0, 1fr); } }
    `,
  ];

  override render() {
    const t = this.transport;
    const [dnnRec, bnnRec] = t.records;
    const dnnPlane = dnnRec ? planeData(dnnRec) : emptyPlane(this.dnn.epochs);
    const bnnPlane = bnnRec ? planeData(bnnRec) : emptyPlane(this.bnn.epochs);
    const shared = sharedRanges([dnnPlane, bnnPlane]);
    const dnnLabel = PRESET_LABELS[this.dnnKind];
    const runs =
      dnnRec && bnnRec
        ? [
            { label: 'DNN', record: dnnRec },
            { label: 'BNN', record: bnnRec },
          ]
        : [];
    const opts = { logX: this.logX, logY: this.logY };
    const curves = { loss: curveData(runs, 'loss', opts), acc: curveData(runs, 'acc', opts) };
    const cursor = this.cursorEpoch;
    return html`
      <div class="bar">
        <run-transport .view=${t} ?disabled=${this.disabled}></run-transport>
        <div class="line">
          <label class="check">DNN
            <select data-testid="dnn-kind" .value=${live(this.dnnKind)}
              @change=${(e: Event) => this.dispatchEvent(new CustomEvent('dnn-kind', { detail: { kind: (e.target as HTMLSelectElement).value }, bubbles: true, composed: true }))}>
              <option value="dnn-tanh" ?selected=${this.dnnKind === 'dnn-tanh'}>tanh</option>
              <option value="dnn-relu" ?selected=${this.dnnKind === 'dnn-relu'}>ReLU</option>
            </select></label>
          <p class="about">Same data, seed, optimizer and logged epochs; hidden widths ${this.bnn.network.hidden.map((l) => l.width).join('-') || '(none)'};
            ${dnnLabel}: float weights · BNN: binary weights, batch normalization, ste_sign.</p>
        </div>
        <div class="line">
          <copy-link .url=${this.shareUrl}></copy-link>
          <results-export .runs=${runs}></results-export>
          ${
            dnnRec && bnnRec
              ? [
                  { label: 'DNN', config: this.dnn, plane: dnnPlane, record: dnnRec, net: this.dnnKind },
                  { label: 'BNN', config: this.bnn, plane: bnnPlane, record: bnnRec, net: 'bnn' },
                ].map(
                  (
                    r,
                  ) => html`<figure-export label=${r.label} baseName=${exportName({ config: r.config }, 'x', '', { net: `${r.net}-in-${this.dnnKind}-vs-bnn`, epoch: lastEpoch(r.record) }).slice(0, -2)}
                    .input=${{
                      plane: { ...r.plane, xRange: shared.xRange, yRange: shared.yRange },
                      loss: curveData(runs, 'loss', { logX: false, logY: false }),
                      acc: curveData(runs, 'acc', { logX: false, logY: false }),
                      epochs: this.bnn.epochs,
                      runs: 2,
                      title: `${r.label}: ${runTitle(r.config)} (with the ${r.label === 'DNN' ? 'BNN' : 'DNN'}'s curves)`,
                      caption: runCaption(r.config, r.record.adapter.name, this.shareUrl),
                      theme: this.theme,
                      replicaMode: this.replicaMode,
                    }}></figure-export>`,
                )
              : ''
          }
        </div>
        ${t.message ? html`<p class="stop" role="alert" data-testid="run-message">${t.message}</p>` : ''}
      </div>
      <div class="pair" @epoch-cursor=${(e: CustomEvent<{ epoch: number | null }>) => (this.cursorEpoch = e.detail.epoch)}>
        <div class="panel"><info-plane .plane=${dnnPlane} .curves=${curves} .cursorEpoch=${cursor} note=${this.dnn.network.hidden.length ? '' : NO_HIDDEN_LAYER} .xRange=${shared.xRange} .yRange=${shared.yRange} theme=${this.theme} replicaMode=${this.replicaMode}
          heading=${`${dnnLabel}: information plane`} filename=${exportName({ config: this.dnn }, 'png', 'information-plane', { net: this.dnnKind })}></info-plane></div>
        <div class="panel"><info-plane .plane=${bnnPlane} .curves=${curves} .cursorEpoch=${cursor} note=${this.bnn.network.hidden.length ? '' : NO_HIDDEN_LAYER} .xRange=${shared.xRange} .yRange=${shared.yRange} theme=${this.theme} replicaMode=${this.replicaMode}
          heading="BNN: information plane" filename=${exportName({ config: this.bnn }, 'png', 'information-plane')}></info-plane></div>
        <div class="panel"><metric-chart metric="loss" heading="Loss: DNN and BNN" .data=${curves.loss} .cursorEpoch=${cursor} .epochs=${this.bnn.epochs}
          .runLabels=${['DNN', 'BNN']} ?logX=${this.logX} ?logY=${this.logY} theme=${this.theme} filename=${exportName({ config: this.bnn }, 'png', 'loss', { net: `${this.dnnKind}-vs-bnn` })}></metric-chart></div>
        <div class="panel"><metric-chart metric="acc" heading="Accuracy: DNN and BNN" .data=${curves.acc} .cursorEpoch=${cursor} .epochs=${this.bnn.epochs}
          .runLabels=${['DNN', 'BNN']} ?logX=${this.logX} theme=${this.theme} filename=${exportName({ config: this.bnn }, 'png', 'accuracy', { net: `${this.dnnKind}-vs-bnn` })}></metric-chart></div>
      </div>
    `;
  }
}
customElements.define('compare-view', CompareView);

declare global {
  interface HTMLElementTagNameMap {
    'compare-view': CompareView;
  }
}
