import { css, html, LitElement } from 'lit';
import {
  type BenchSettings,
  benchFragment,
  parseBenchFragment,
  type SettingsIssue,
} from '../src/bench/settings.ts';
import { type ConfigIssue, defaultConfig, type RunConfig } from '../src/config/run-config.ts';
import { DATASET_SOURCES } from '../src/data/load.ts';
import { acquireGpu, type Gpu } from '../src/gpu/device.ts';
import { RunController, type TransportView } from '../src/run/controller.ts';
import { type LinkIssue, serializeLink } from '../src/run/link.ts';
import {
  applyPreset,
  capacityConfigs,
  comparisonConfigs,
  type DnnKind,
  type PresetName,
} from '../src/run/presets.ts';
import { editConfig, type FieldPath } from '../src/view/edit.ts';
import { CONTROLS_NOTE, idleTransport, liveConfigs } from '../src/view/live.ts';
import { openLink } from '../src/view/open-link.ts';
import {
  isLiveView,
  LIVE_VIEWS,
  type LiveView,
  parseRoute,
  routeFragment,
  VIEW_LABELS,
  VIEWS,
  type View,
} from '../src/view/route.ts';
import { uploadedDataFiles } from './data-upload.ts';
import './app-header.ts';
import './bench-page.ts';
import './capacity-view.ts';
import './checks-page.ts';
import './compare-view.ts';
import './gpu-status.ts';
import type { ReplicaMode } from './info-plane.ts';
import './link-issues.ts';
import './playground-view.ts';
import './record-view.ts';
import './run-library.ts';
import { PaceController } from './pace-controller.ts';
import { PreviewController } from './preview-controller.ts';
import { saveFile } from './save-file.ts';
import './run-controls.ts';
import type { TransportAction } from './run-transport.ts';
import { RunsController } from './runs-controller.ts';
import { ThemeController } from './theme-controller.ts';
import type { ThemeSetting } from './theme-toggle.ts';
import { TransportKeys } from './transport-keys.ts';

/**
 * The app's root and entry module. It alone owns state — the device, the run configuration (mirrored in
 * the URL fragment), the runs — and passes it down; children ask for changes with events. It is the
 * only module that touches `location` and `history`. The theme (ThemeController) and the dataset
 * previews (PreviewController) are its controllers; the self-check and the benchmarks are pages of
 * their own (<checks-page>, <bench-page>).
 *
 * Views (src/view/route.ts): the playground (default), DNN vs BNN, capacity (k = 1, 2, 4, 8 and float),
 * the kernel benchmarks, the self-check. Each live view (the first three) has its own run and transport.
 */
export class BitplaneApp extends LitElement {
  static override properties = {
    gpu: { state: true },
    gpuError: { state: true },
    bench: { state: true },
    view: { state: true },
    config: { state: true },
    linkIssues: { state: true },
    linkRefused: { state: true },
    notice: { state: true },
    formIssues: { state: true },
    transports: { state: true },
    dnnKind: { state: true },
    replicaMode: { state: true },
    logX: { state: true },
    logY: { state: true },
  };
  declare gpu?: Gpu;
  declare gpuError?: string;
  /** The benchmark view's settings (from the link), when the link asks for it (`#bench&…`). */
  declare bench?: { settings: BenchSettings; issues: SettingsIssue[] };
  declare view: View;
  declare config: RunConfig;
  /** What the link the page was opened with got wrong (the rest of it was applied). */
  declare linkIssues: LinkIssue[];
  /** The link was refused as a whole (another link version): nothing of it was applied. */
  declare linkRefused: boolean;
  /** Said when leaving a view paused its run (training needs the page's attention: it does not go on unseen). */
  declare notice: string;
  /** What the last edit of a control got wrong (it was not applied). */
  declare formIssues: ConfigIssue[];
  /** Each live view's run state (playground, compare, capacity). */
  declare transports: Record<LiveView, TransportView>;
  declare dnnKind: DnnKind;
  declare replicaMode: ReplicaMode;
  declare logX: boolean;
  declare logY: boolean;

  private readonly themes = new ThemeController(this);
  private readonly previews = new PreviewController(this, () => this.config);
  private readonly pace = new PaceController(this);
  /** The run list (kept and opened runs, IndexedDB) and the runs viewed from it. */
  private readonly runs = new RunsController(this);

  private readonly liveRuns: Partial<Record<LiveView, RunController>> = {};
  private lastLink?: string;
  private readonly onHash = () => this.readLink();

  constructor() {
    super();
    this.view = 'playground';
    this.config = defaultConfig();
    this.linkIssues = [];
    this.linkRefused = false;
    this.notice = '';
    this.formIssues = [];
    const i = idleTransport(this.config.epochs);
    this.transports = { playground: i, compare: i, capacity: i };
    this.dnnKind = 'dnn-tanh';
    this.replicaMode = 'band';
    this.logX = false;
    this.logY = false;
    // Space, → and R drive the shown run (the controller is held by the element: addController).
    new TransportKeys(
      this,
      () =>
        // viewing kept runs: the live run is hidden, its keys rest
        this.runs.viewing.length || !isLiveView(this.view) ? undefined : this.transports[this.view],
      (action) => {
        if (isLiveView(this.view)) this.onTransport(this.view, action);
      },
    );
  }

  static override styles = css`
    :host { display: block; max-width: 1440px; margin: 0 auto; padding: 0.6rem 1.1rem 2rem; box-sizing: border-box; }
    .status { font-size: 0.78rem; color: var(--bp-muted); margin: -0.2rem 0 0.6rem; }
    link-issues { display: block; margin-bottom: 0.6rem; }
    .notice { display: flex; gap: 0.8rem; align-items: center; justify-content: space-between; margin: 0 0 0.6rem; padding: 0.4rem 0.7rem; border: 1px solid var(--bp-border); border-left: 4px solid var(--bp-accent); border-radius: 6px; background: var(--bp-surface); font-size: 0.85rem; }
    .notice button { font: inherit; background: none; border: none; color: inherit; cursor: pointer; }
    .layout { display: grid; grid-template-columns: 23.5rem minmax(0, 1fr); gap: 0.9rem; align-items: start; }
    .layout > run-controls { position: sticky; top: 0.5rem; max-height: calc(100vh - 1rem); overflow-y: auto; scrollbar-width: thin; padding-right: 0.2rem; }
    h2 { font-size: 1.1rem; margin-top: 1.2rem; }
    .stage { display: flex; flex-direction: column; gap: 0.7rem; min-width: 0; }
    @media (max-width: 900px) {
      :host { padding: 0.5rem 0.6rem 2rem; }
      .layout { grid-template-columns: minmax(0, 1fr); }
      .layout > run-controls { position: static; max-height: none; overflow: visible; order: 2; }
    }
  `;

  override connectedCallback() {
    super.connectedCallback();
    this.readLink();
    window.addEventListener('hashchange', this.onHash);
    void this.start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    for (const v of LIVE_VIEWS) void this.liveRuns[v]?.dispose();
    this.gpu?.destroy();
  }

  private async start() {
    try {
      this.gpu = await acquireGpu();
    } catch (e) {
      this.gpuError = (e as Error).message;
      return;
    }
    void this.gpu.lost.then((info) => {
      if (info.reason === 'destroyed') return;
      const why = info.message || info.reason || 'unknown reason';
      this.gpuError = `The GPU device was lost (${why}). Reload the page to train again.`;
      const message = `The run stopped: the GPU device was lost (${why}). The curves so far are kept and can be exported.`;
      for (const v of LIVE_VIEWS) this.liveRuns[v]?.fail(message);
    });
  }

  // ---- links and views -------------------------------------------------------------------------

  /** Reads the fragment: the view, and the run configuration or the benchmark settings it carries. */
  private readLink() {
    const route = parseRoute(location.hash);
    const leaving = this.view;
    this.view = route.view;
    if (leaving !== this.view) this.pauseOnLeaving(leaving);
    this.bench = route.view === 'bench' ? parseBenchFragment(location.hash) : undefined;
    if (isLiveView(route.view) && route.rest !== this.lastLink) {
      this.lastLink = route.rest;
      this.applyLink(route.rest, false);
    }
  }

  /**
   * Applies a run link (the fragment after the view): what it gets wrong is shown, the rest becomes the
   * configuration; a link of another version is refused whole (src/view/open-link.ts). An opened link
   * (`write` false: it is in the URL already) changes nothing when it equals the current configuration;
   * a loaded paper experiment always applies, as an edit does.
   */
  private applyLink(link: string, write: boolean) {
    const { config, issues, refused } = openLink(link);
    this.linkIssues = issues;
    this.linkRefused = refused;
    if (!config) return;
    if (write || serializeLink(config) !== serializeLink(this.config)) this.setConfig(config, write);
  }

  /** Leaving a live view pauses its run, and says so if it was training. */
  private pauseOnLeaving(leaving: View) {
    if (!isLiveView(leaving)) return;
    const t = this.transports[leaving];
    this.liveRuns[leaving]?.pause();
    if (t.state === 'running' || t.state === 'loading')
      this.notice = `The ${VIEW_LABELS[leaving]} run was paused at epoch ${t.epoch} of ${t.epochs} when you left it; press Play there to go on.`;
  }

  /** The fragment for a view with the current configuration. */
  private fragment(view: View): string {
    if (view === 'bench') return this.bench ? benchFragment(this.bench.settings) : routeFragment('bench');
    if (view === 'checks') return routeFragment('checks');
    return routeFragment(view, serializeLink(this.config));
  }

  private writeLink() {
    if (!isLiveView(this.view)) return;
    const fragment = this.fragment(this.view);
    this.lastLink = parseRoute(fragment).rest;
    history.replaceState(null, '', `#${fragment}`);
  }

  private get shareUrl(): string {
    return `${location.origin}${location.pathname}#${this.fragment(this.view)}`;
  }

  // ---- configuration -------------------------------------------------------------------------

  private setConfig(config: RunConfig, write = true) {
    void this.runs.keepLive(LIVE_VIEWS.map((v) => this.transports[v]));
    this.config = config;
    this.formIssues = [];
    for (const v of LIVE_VIEWS) void this.resetRun(v);
    this.previews.update();
    if (write) this.writeLink();
  }

  /** An edit while the run trains asks first (the run is then kept in the run list, not lost). */
  private mayEdit(): boolean {
    const t = this.transports[isLiveView(this.view) ? this.view : 'playground'];
    if (t.state !== 'running' && t.state !== 'loading') return true;
    const ok = confirm('A run is training. Change the settings? The run so far is kept in the run list.');
    if (!ok) this.config = { ...this.config }; // a new object: the controls show the kept values again
    return ok;
  }

  private onEdit(path: FieldPath, value: unknown) {
    if (!this.mayEdit()) return;
    const r = editConfig(this.config, path, value);
    if (r.config) this.setConfig(r.config);
    else this.formIssues = r.issues;
  }

  private onPreset(name: PresetName) {
    if (!this.mayEdit()) return;
    this.setConfig(applyPreset(this.config, name));
  }

  // ---- runs ----------------------------------------------------------------------------------

  private run(view: LiveView): RunController | undefined {
    if (!this.gpu) return undefined;
    const made = this.liveRuns[view];
    if (made) return made;
    const run = new RunController(this.gpu, liveConfigs(view, this.config, this.dnnKind), {
      onUpdate: (v) => {
        if (v.state === 'done' && this.transports[view].state !== 'done') void this.runs.keepLive(v);
        this.transports = { ...this.transports, [view]: v };
        if (view === 'playground') this.pace.observe(v, this.config, this.gpu?.adapter);
      },
      files: uploadedDataFiles,
    });
    this.liveRuns[view] = run;
    return run;
  }

  private async resetRun(view: LiveView) {
    const old = this.liveRuns[view];
    this.liveRuns[view] = undefined;
    this.transports = { ...this.transports, [view]: idleTransport(this.config.epochs) };
    await old?.dispose();
  }

  private onTransport(view: LiveView, action: TransportAction) {
    if (action === 'reset') {
      void this.resetRun(view);
      return;
    }
    const run = this.run(view);
    if (!run) return;
    this.notice = '';
    if (action === 'play') void run.play();
    else if (action === 'pause') run.pause();
    else void run.step();
  }

  // ---- render --------------------------------------------------------------------------------

  private renderView() {
    switch (this.view) {
      case 'bench':
        return html`<bench-page .gpu=${this.gpu} .settings=${this.bench!.settings} .issues=${this.bench!.issues}
          @bench-settings=${(e: CustomEvent<{ settings: BenchSettings }>) => {
            history.replaceState(null, '', `#${benchFragment(e.detail.settings)}`);
            this.bench = { settings: e.detail.settings, issues: [] };
          }}></bench-page>`;
      case 'checks':
        return html`<checks-page .gpu=${this.gpu}></checks-page>`;
      default:
        return this.renderLive(this.view);
    }
  }

  /** A live view: the run's controls beside the view's charts (or the kept runs being viewed) and the run list. */
  private renderLive(view: LiveView) {
    const t = this.transports[view];
    const common = { theme: this.themes.theme, shareUrl: this.shareUrl, disabled: !this.gpu };
    let stage = html`<playground-view .config=${this.config} .msPerUnit=${this.pace.msPerUnit(this.gpu?.adapter)} .transport=${t} theme=${common.theme}
      replicaMode=${this.replicaMode} ?logX=${this.logX} ?logY=${this.logY} shareUrl=${common.shareUrl} ?disabled=${common.disabled}></playground-view>`;
    if (view === 'compare') {
      const { dnn, bnn } = comparisonConfigs(this.config, this.dnnKind);
      stage = html`<compare-view .dnn=${dnn} .bnn=${bnn} .transport=${t} dnnKind=${this.dnnKind} theme=${common.theme}
        replicaMode=${this.replicaMode} ?logX=${this.logX} ?logY=${this.logY} shareUrl=${common.shareUrl} ?disabled=${common.disabled}></compare-view>`;
    } else if (view === 'capacity')
      stage = html`<capacity-view .runs=${capacityConfigs(this.config)} .transport=${t} theme=${common.theme}
        replicaMode=${this.replicaMode} ?logX=${this.logX} ?logY=${this.logY} shareUrl=${common.shareUrl} ?disabled=${common.disabled}></capacity-view>`;
    if (this.runs.viewing.length)
      stage = html`<record-view .records=${this.runs.viewing.map((v) => v.record)} theme=${common.theme}
        replicaMode=${this.replicaMode} ?logX=${this.logX} ?logY=${this.logY}></record-view>`;
    return html`<div class="layout"
        @config-edit=${(e: CustomEvent<{ path: FieldPath; value: unknown }>) => this.onEdit(e.detail.path, e.detail.value)}
        @preset=${(e: CustomEvent<{ name: PresetName }>) => this.onPreset(e.detail.name)}
        @experiment=${(e: CustomEvent<{ fragment: string }>) => this.mayEdit() && this.applyLink(e.detail.fragment, true)}
        @transport=${(e: CustomEvent<{ action: TransportAction }>) => this.onTransport(view, e.detail.action)}
        @replica-mode=${(e: CustomEvent<{ mode: ReplicaMode }>) => (this.replicaMode = e.detail.mode)}
        @axis-change=${(e: CustomEvent<{ logX?: boolean; logY?: boolean }>) => {
          if (e.detail.logX !== undefined) this.logX = e.detail.logX;
          if (e.detail.logY !== undefined) this.logY = e.detail.logY;
        }}
        @dnn-kind=${(e: CustomEvent<{ kind: DnnKind }>) => {
          this.dnnKind = e.detail.kind;
          void this.resetRun('compare');
        }}>
      <run-controls .config=${this.config} .issues=${this.formIssues} .previews=${this.previews.previews} .sources=${DATASET_SOURCES}
        ?presetsDisabled=${view !== 'playground'} view=${view} note=${CONTROLS_NOTE[view]}></run-controls>
      <div class="stage">${stage}
      <run-library .runs=${this.runs.summaries} .errors=${this.runs.errors} .viewing=${this.runs.viewing.map((v) => v.id)}></run-library></div>
    </div>`;
  }

  override render() {
    return html`
      <app-header view=${this.view} themeSetting=${this.themes.setting}
        .hrefs=${Object.fromEntries(VIEWS.map((v) => [v, `#${this.fragment(v)}`]))}
        @theme-setting=${(e: CustomEvent<{ setting: ThemeSetting }>) => this.themes.set(e.detail.setting)}></app-header>
      <div class="status"><gpu-status compact .adapter=${this.gpu?.adapter} .note=${this.gpu?.note} .error=${this.gpuError}></gpu-status></div>
      ${
        this.notice
          ? html`<p class="notice" role="status" data-testid="view-notice">${this.notice}
              <button type="button" aria-label="Dismiss" @click=${() => (this.notice = '')}>×</button></p>`
          : ''
      }
      <link-issues .issues=${this.linkIssues} ?refused=${this.linkRefused} @dismiss=${() => (this.linkIssues = [])}></link-issues>
      <main @save-file=${(e: CustomEvent<{ blob: Blob; name: string }>) => saveFile(e.detail.blob, e.detail.name)}>${this.renderView()}</main>
    `;
  }
}
customElements.define('bitplane-app', BitplaneApp);

declare global {
  interface HTMLElementTagNameMap {
    'bitplane-app': BitplaneApp;
  }
}
