import { css, html, LitElement } from 'lit';
import type { RunConfig } from '../src/config/run-config.ts';
import type { TransportView } from '../src/run/controller.ts';
import { capacityWarnings, estimateSeconds } from '../src/view/advice.ts';
import { runCaption, runTitle } from '../src/view/caption.ts';
import type { Theme } from '../src/view/colors.ts';
import { curveData } from '../src/view/curves.ts';
import { exportName, lastEpoch } from '../src/view/export.ts';
import { formatDuration } from '../src/view/format.ts';
import { emptyPlane, planeData } from '../src/view/plane.ts';
import { datasetDims } from '../src/view/preview.ts';
import './copy-link.ts';
import './figure-export.ts';
import './plane-explainer.ts';
import type { ReplicaMode } from './info-plane.ts';
import { NO_HIDDEN_LAYER } from './info-plane.ts';
import './metric-chart.ts';
import './results-export.ts';
import './run-transport.ts';

/**
 * The playground's stage: the transport and the link on top, then the information plane beside the
 * loss and accuracy curves, all live while the run trains, with one epoch cursor linked across the three.
 * Properties down: `config`, `transport`, `theme`, `replicaMode`, `logX`, `logY`, `shareUrl`, `disabled`.
 * Events from its children bubble up to the app (transport, save-file, replica-mode, axis-change).
 */
export class PlaygroundView extends LitElement {
  static override properties = {
    config: { attribute: false },
    transport: { attribute: false },
    theme: { type: String },
    replicaMode: { type: String },
    logX: { type: Boolean },
    logY: { type: Boolean },
    shareUrl: { type: String },
    disabled: { type: Boolean },
    cursorEpoch: { state: true },
    msPerUnit: { attribute: false },
  };
  declare config: RunConfig;
  declare transport: TransportView;
  declare theme: Theme;
  declare replicaMode: ReplicaMode;
  declare logX: boolean;
  declare logY: boolean;
  declare shareUrl: string;
  declare disabled: boolean;
  /** The epoch under the cursor of any of the three charts: shown on all of them (view state only). */
  declare cursorEpoch: number | null;
  /** This adapter's measured training pace (ms per work unit), for the estimate before Play. */
  declare msPerUnit?: number;

  constructor() {
    super();
    this.cursorEpoch = null;
  }

  static override styles = css`
    :host { display: flex; flex-direction: column; gap: 0.7rem; min-width: 0; }
    .bar { display: flex; flex-direction: column; gap: 0.5rem; background: var(--bp-surface); border: 1px solid var(--bp-border); border-radius: 10px; padding: 0.6rem 0.8rem; }
    .line { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
    copy-link { flex: 1 1 18rem; }
    .warn { margin: 0; padding: 0.35rem 0.7rem; border-radius: 6px; border-left: 4px solid var(--bp-accent); font-size: 0.82rem; }
    .stop { margin: 0; padding: 0.45rem 0.7rem; border-radius: 6px; border-left: 4px solid var(--bp-bad); background: var(--bp-bad-bg); font-size: 0.85rem; }
    .charts { display: grid; grid-template-columns: minmax(0, 1.45fr) minmax(0, 1fr); gap: 0.7rem; }
    .panel { background: var(--bp-surface); border: 1px solid var(--bp-border); border-radius: 10px; padding: 0.55rem 0.7rem 0.4rem; min-width: 0; }
    .side { display: flex; flex-direction: column; gap: 0.7rem; min-width: 0; }
    @media (max-width: 1100px) { .charts { grid-template-columns: minmax(0, 1fr); } }
  `;

  /** Before Play: the run's time on this adapter at the pace measured here, or how to get one. */
  private estimate(): string {
    const s = estimateSeconds(this.config, datasetDims(this.config.data), this.msPerUnit);
    return Number.isFinite(s)
      ? `about ${formatDuration(s)} on this adapter (at the pace of the last run here)`
      : 'time estimate: after a first epoch (Step) on this adapter';
  }

  override render() {
    const t = this.transport;
    const record = t.records[0];
    const plane = record ? planeData(record) : emptyPlane(this.config.epochs);
    const runs = record ? [{ label: '', record }] : [];
    const opts = { logX: this.logX, logY: this.logY };
    const curves = { loss: curveData(runs, 'loss', opts), acc: curveData(runs, 'acc', opts) };
    return html`
      <div class="bar">
        <run-transport .view=${t} ?disabled=${this.disabled} estimate=${this.estimate()}></run-transport>
        ${capacityWarnings(this.config, datasetDims(this.config.data)).map(
          (w) => html`<p class="warn" data-testid="capacity-warning">Network too small: ${w}</p>`,
        )}
        <div class="line">
          <copy-link .url=${this.shareUrl}></copy-link>
          <results-export .runs=${runs}></results-export>
          <figure-export .input=${
            record
              ? {
                  plane,
                  loss: curveData(runs, 'loss', { logX: false, logY: false }),
                  acc: curveData(runs, 'acc', { logX: false, logY: false }),
                  epochs: this.config.epochs,
                  runs: 1,
                  title: runTitle(this.config),
                  caption: runCaption(this.config, record.adapter.name, this.shareUrl),
                  theme: this.theme,
                  replicaMode: this.replicaMode,
                }
              : undefined
          } baseName=${exportName({ config: this.config }, 'x', '', { epoch: record ? lastEpoch(record) : 0 }).slice(0, -2)}></figure-export>
        </div>
        ${t.message ? html`<p class="stop" role="alert" data-testid="run-message">${t.message}</p>` : ''}
      </div>
      <div class="charts" @epoch-cursor=${(e: CustomEvent<{ epoch: number | null }>) => (this.cursorEpoch = e.detail.epoch)}>
        <div class="panel">
          <info-plane .plane=${plane} .curves=${curves} .cursorEpoch=${this.cursorEpoch} note=${this.config.network.hidden.length ? '' : NO_HIDDEN_LAYER} theme=${this.theme} replicaMode=${this.replicaMode}
            filename=${exportName({ config: this.config }, 'png', 'information-plane')}></info-plane>
          <plane-explainer></plane-explainer>
        </div>
        <div class="side">
          <div class="panel">
            <metric-chart metric="loss" heading="Loss (cross-entropy)" .data=${curves.loss} .cursorEpoch=${this.cursorEpoch} .epochs=${this.config.epochs}
              ?logX=${this.logX} ?logY=${this.logY} theme=${this.theme} filename=${exportName({ config: this.config }, 'png', 'loss')}></metric-chart>
          </div>
          <div class="panel">
            <metric-chart metric="acc" heading="Accuracy" .data=${curves.acc} .cursorEpoch=${this.cursorEpoch} .epochs=${this.config.epochs}
              ?logX=${this.logX} theme=${this.theme} filename=${exportName({ config: this.config }, 'png', 'accuracy')}></metric-chart>
          </div>
        </div>
      </div>
    `;
  }
}
customElements.define('playground-view', PlaygroundView);

declare global {
  interface HTMLElementTagNameMap {
    'playground-view': PlaygroundView;
  }
}
