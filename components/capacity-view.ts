import { css, html, LitElement } from 'lit';
import type { RunConfig } from '../src/config/run-config.ts';
import type { TransportView } from '../src/run/controller.ts';
import type { CapacityKind } from '../src/run/presets.ts';
import { accuracyText, capacityPanels } from '../src/view/capacity.ts';
import { runCaption, runTitle } from '../src/view/caption.ts';
import { layerColor, type Theme } from '../src/view/colors.ts';
import { curveData } from '../src/view/curves.ts';
import { exportName, lastEpoch } from '../src/view/export.ts';
import { controlStyles, liveViewStyles } from './control-styles.ts';
import './copy-link.ts';
import './figure-export.ts';
import type { ReplicaMode } from './info-plane.ts';
import { NO_HIDDEN_LAYER } from './info-plane.ts';
import './metric-chart.ts';
import './results-export.ts';
import './run-transport.ts';

/**
 * Capacity as a dial: the same widths, data, seed, optimizer and schedule trained five times, with every
 * hidden layer at k = 1 (BNN), 2, 4, 8 bits (weights and activations together, batch normalization) and
 * as float (hardtanh after batch normalization: q_k without the rounding), one epoch of each in turn
 * (src/run/presets.ts `capacityConfigs`). One information plane per network, all five on the same axes
 * (src/view/capacity.ts), a legend with each network's colour and latest train / test accuracy, and the
 * five networks' losses and accuracies on shared charts (coloured as in the legend). Each network saves
 * a figure: its plane on the shared axes with all five networks' curves.
 * Properties down: `runs` (the five configurations, fewest bits first), `transport`, `theme`,
 * `replicaMode`, `logX`, `logY`, `shareUrl`, `disabled`. Events up: the charts' events.
 */
export class CapacityView extends LitElement {
  static override properties = {
    runs: { attribute: false },
    transport: { attribute: false },
    theme: { type: String },
    replicaMode: { type: String },
    logX: { type: Boolean },
    logY: { type: Boolean },
    shareUrl: { type: String },
    disabled: { type: Boolean },
    cursorEpoch: { state: true },
  };
  declare runs: { kind: CapacityKind; label: string; config: RunConfig }[];
  declare transport: TransportView;
  declare theme: Theme;
  declare replicaMode: ReplicaMode;
  declare logX: boolean;
  declare logY: boolean;
  declare shareUrl: string;
  declare disabled: boolean;
  /** The epoch under the cursor of any chart: shown on all of them (view state only). */
  declare cursorEpoch: number | null;

  constructor() {
    super();
    this.cursorEpoch = null;
  }

  static override styles = [
    controlStyles,
    liveViewStyles,
    css`
      .grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.7rem; }
      .grid .panel { border-top-width: 4px; }
      .grid figure-export { margin: 0.3rem 0 0.2rem; }
      .legend h3 { font-size: 0.95rem; margin: 0.1rem 0 0.5rem; }
      .legend ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.45rem; }
      .legend li { display: grid; grid-template-columns: 1rem 6.5rem 1fr; gap: 0.5rem; align-items: baseline; font-size: 0.85rem; }
      .swatch { width: 0.9rem; height: 0.9rem; border-radius: 3px; align-self: center; }
      .acc { color: var(--bp-muted); font-variant-numeric: tabular-nums; }
      .legend .about { margin-top: 0.7rem; }
      @media (max-width: 1200px) { .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
      @media (max-width: 900px) { .grid, .pair { grid-template-columns: minmax(0, 1fr); } }
    `,
  ];

  override render() {
    const t = this.transport;
    const { panels, xRange, yRange } = capacityPanels(this.runs, t.records);
    const labels = panels.map((p) => p.label);
    const trained = panels.every((p) => p.record)
      ? panels.map((p) => ({ label: p.label, record: p.record! }))
      : [];
    const opts = { logX: this.logX, logY: this.logY };
    const curves = { loss: curveData(trained, 'loss', opts), acc: curveData(trained, 'acc', opts) };
    const linear = { loss: curveData(trained, 'loss'), acc: curveData(trained, 'acc') };
    const cursor = this.cursorEpoch;
    const config = this.runs[0].config;
    const widths = config.network.hidden.map((l) => l.width).join('-') || '(none)';
    const color = (k: number) => layerColor(k, this.theme);
    const net = 'capacity-k1-k2-k4-k8-float';
    return html`
      <div class="bar">
        <run-transport .view=${t} ?disabled=${this.disabled}></run-transport>
        <p class="about">Hidden widths ${widths} trained five times with the same data, seed, optimizer and
          logged epochs: binary weights and ste_sign (k = 1, the BNN), k-bit weights and activations for
          k = 2, 4, 8, and float. Every network has batch normalization. The float network uses hardtanh,
          the limit of the k-bit quantizer as k grows (the same clip window, no rounding), so the dial
          changes the bit width and not the kind of network.</p>
        <div class="line">
          <copy-link .url=${this.shareUrl}></copy-link>
          <results-export .runs=${trained}></results-export>
        </div>
        ${t.message ? html`<p class="stop" role="alert" data-testid="run-message">${t.message}</p>` : ''}
      </div>
      <div class="grid" @epoch-cursor=${(e: CustomEvent<{ epoch: number | null }>) => (this.cursorEpoch = e.detail.epoch)}>
        ${panels.map(
          (
            p,
            k,
          ) => html`<div class="panel" style=${`border-top-color: ${color(k)}`} data-testid="capacity-panel" data-kind=${p.kind}>
            <info-plane .plane=${p.plane} .curves=${curves} .cursorEpoch=${cursor} note=${p.config.network.hidden.length ? '' : NO_HIDDEN_LAYER}
              .xRange=${xRange} .yRange=${yRange} theme=${this.theme} replicaMode=${this.replicaMode}
              heading=${`${p.label}: information plane`} filename=${exportName({ config: p.config }, 'png', 'information-plane', { net: `capacity-${p.kind}` })}></info-plane>
            <figure-export label=${p.label} baseName=${exportName({ config: p.config }, 'x', '', { net: `capacity-${p.kind}`, epoch: p.record ? lastEpoch(p.record) : 0 }).slice(0, -2)}
              .input=${
                p.record && trained.length
                  ? {
                      plane: { ...p.plane, xRange, yRange },
                      ...linear,
                      epochs: p.config.epochs,
                      runs: trained.length,
                      title: `${p.label}: ${runTitle(p.config)} (with the other networks' curves)`,
                      caption: runCaption(p.config, p.record.adapter.name, this.shareUrl),
                      theme: this.theme,
                      replicaMode: this.replicaMode,
                    }
                  : undefined
              }></figure-export></div>`,
        )}
        <div class="panel legend" data-testid="capacity-legend">
          <h3>Networks</h3>
          <ul>${panels.map(
            (
              p,
              k,
            ) => html`<li><span class="swatch" style=${`background: ${color(k)}`}></span><span>${p.label}</span>
              <span class="acc" data-testid="capacity-accuracy" data-kind=${p.kind}>${accuracyText(p.accuracy)}</span></li>`,
          )}</ul>
          <p class="about">Accuracy: the mean over replicas at the latest logged epoch. The colours mark
            each network's plane (its top edge) and its curves below; inside a plane, colours are layers.</p>
        </div>
      </div>
      <div class="pair" @epoch-cursor=${(e: CustomEvent<{ epoch: number | null }>) => (this.cursorEpoch = e.detail.epoch)}>
        <div class="panel"><metric-chart metric="loss" heading="Loss: k = 1, 2, 4, 8 and float" .data=${curves.loss} .cursorEpoch=${cursor} .epochs=${config.epochs}
          .runLabels=${labels} runColors ?logX=${this.logX} ?logY=${this.logY} theme=${this.theme} filename=${exportName({ config }, 'png', 'loss', { net })}></metric-chart></div>
        <div class="panel"><metric-chart metric="acc" heading="Accuracy: k = 1, 2, 4, 8 and float" .data=${curves.acc} .cursorEpoch=${cursor} .epochs=${config.epochs}
          .runLabels=${labels} runColors ?logX=${this.logX} theme=${this.theme} filename=${exportName({ config }, 'png', 'accuracy', { net })}></metric-chart></div>
      </div>
    `;
  }
}
customElements.define('capacity-view', CapacityView);

declare global {
  interface HTMLElementTagNameMap {
    'capacity-view': CapacityView;
  }
}
