import { css, html, LitElement } from 'lit';
import type { RunConfig } from '../src/config/run-config.ts';
import { EXPERIMENTS, type Experiment } from '../src/run/experiments.ts';
import {
  currentExperiment,
  experimentAppFragment,
  experimentAppLimit,
  experimentFragment,
  experimentGroups,
  experimentHref,
} from '../src/view/experiments.ts';
import type { LiveView } from '../src/view/route.ts';
import { controlStyles } from './control-styles.ts';

/**
 * The paper's experiments (src/run/experiments.ts), grouped by dataset: each with its protocol and the
 * source it follows, a link that opens it (copy it, or open it in a new tab) and a Load button. The one
 * the current configuration is, is marked. Where the browser cannot run the full protocol (MNIST beyond
 * the training images it holds), the link and Load give the browser variant, and the item says so and
 * shows the headless command for the full one. Collapsed by default: it sits above the controls.
 * Properties down: `config`, `view` (the view the links open). Events up: `experiment` ({ id, fragment }):
 * the app applies the fragment as it applies an opened link.
 */
export class PaperPresets extends LitElement {
  static override properties = {
    config: { attribute: false },
    view: { type: String },
  };
  declare config: RunConfig;
  declare view: LiveView;

  constructor() {
    super();
    this.view = 'playground';
  }

  static override styles = [
    controlStyles,
    css`
      summary { cursor: pointer; font-weight: 600; font-size: 0.9rem; }
      summary .hint { font-weight: 400; }
      .intro { margin: 0.35rem 0 0.5rem; }
      h3 { margin: 0.7rem 0 0.3rem; }
      ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.45rem; }
      li { border: 1px solid var(--bp-border); border-radius: 8px; padding: 0.4rem 0.55rem; font-size: 0.8rem; min-width: 0; }
      li[data-current='true'] { border-color: var(--bp-accent); box-shadow: 0 0 0 1px var(--bp-accent); }
      .head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.5rem; }
      .title { font-weight: 600; font-size: 0.85rem; flex: 1 1 9rem; min-width: 0; }
      .actions { display: flex; align-items: center; gap: 0.4rem; margin-left: auto; white-space: nowrap; }
      .tag { font-size: 0.7rem; padding: 0 0.35rem; border-radius: 999px; border: 1px solid var(--bp-border); color: var(--bp-muted); }
      .now { color: var(--bp-accent); border-color: var(--bp-accent); }
      p { margin: 0.2rem 0 0; overflow-wrap: anywhere; }
      .source { color: var(--bp-muted); }
      a { color: var(--bp-accent); font-size: 0.78rem; }
      button { padding: 0.15rem 0.55rem; font-size: 0.8rem; }
      .app-note { color: var(--bp-muted); }
      .app-note input { width: 100%; margin-top: 0.15rem; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.72rem !important; color: var(--bp-muted) !important; }
    `,
  ];

  private load(e: Experiment) {
    const detail = { id: e.id, fragment: experimentAppFragment(e) };
    this.dispatchEvent(new CustomEvent('experiment', { detail, bubbles: true, composed: true }));
  }

  private item(e: Experiment, current: boolean) {
    return html`<li data-testid="experiment" data-id=${e.id} data-current=${current ? 'true' : 'false'}>
      <div class="head">
        <span class="title">${e.title}</span>
        <span class="actions">
          <span class="tag">${e.role.toUpperCase()}</span>
          ${current ? html`<span class="tag now" data-testid="experiment-current">loaded</span>` : ''}
          <a href=${experimentHref(e, this.view)} data-testid="experiment-link" title="Link to this experiment (copy it, or open it in a new tab)">link</a>
          <button type="button" data-testid="experiment-load" aria-label=${`Load ${e.title}`} @click=${() => this.load(e)}>Load</button>
        </span>
      </div>
      <p data-testid="experiment-protocol">${e.protocol}</p>
      <p class="source">Source: ${e.source}</p>
      ${this.appNote(e)}
    </li>`;
  }

  /** Where the app runs less than the protocol: what it runs, and the command for the full one. */
  private appNote(e: Experiment) {
    const limit = experimentAppLimit(e);
    if (!limit) return '';
    const n = (x: number) => x.toLocaleString('en-US');
    return html`<p class="app-note" data-testid="experiment-app-note">In the app: the first ${n(limit.appTrain)} of the
      ${n(limit.protocolTrain)} training images (all the browser holds); the full protocol runs headless:
      <input type="text" readonly data-testid="experiment-full-command" aria-label=${`Command that runs the full ${e.title}`}
        .value=${`npx bitplane run '${experimentFragment(e)}'`} @focus=${(ev: Event) => (ev.target as HTMLInputElement).select()} /></p>`;
  }

  override render() {
    const current = this.config ? currentExperiment(this.config) : undefined;
    return html`<details data-testid="paper-presets">
      <summary>Paper experiments (Raj et al. 2020) <span class="hint">· ${current ? `loaded: ${current.title}` : `${EXPERIMENTS.length} presets with their protocols`}</span></summary>
      <p class="hint intro">Each experiment of “Understanding Learning Dynamics of Binary Neural Networks via Information
        Bottleneck” that bitplane runs, with the protocol it follows and where that comes from. Load replaces the whole configuration
        and resets the run. The full protocols are long (the 12-bit task trains 8000 epochs): a link also runs
        headless, <code>npx bitplane run '&lt;link&gt;'</code>, and <code>npx bitplane reproduce</code> runs them all and
        writes the report (docs/REPRODUCTION.md).</p>
      ${experimentGroups().map(
        (g) => html`<h3>${g.title}</h3>
          <ul>${g.experiments.map((e) => this.item(e, e.id === current?.id))}</ul>`,
      )}
    </details>`;
  }
}
customElements.define('paper-presets', PaperPresets);

declare global {
  interface HTMLElementTagNameMap {
    'paper-presets': PaperPresets;
  }
}
