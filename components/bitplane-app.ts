import { css, html, LitElement } from 'lit';
import {
  type BenchSettings,
  benchFragment,
  parseBenchFragment,
  type SettingsIssue,
} from '../src/bench/settings.ts';
import { type ConfigIssue, defaultConfig, type RunConfig } from '../src/config/run-config.ts';
import { bits12Dataset } from '../src/data/bits12.ts';
import { DATASET_SOURCES, loadDataset } from '../src/data/load.ts';
import { TOY_NAMES, toyDataset } from '../src/data/toys.ts';
import type { DatasetName } from '../src/data/types.ts';
import { acquireGpu, type Gpu } from '../src/gpu/device.ts';
import { KERNEL_CHECKS } from '../src/kernels/index.ts';
import { type CheckResult, runChecks } from '../src/kernels/run-checks.ts';
import { RunController, type TransportView } from '../src/run/controller.ts';
import { type LinkIssue, parseLink, serializeLink } from '../src/run/link.ts';
import { applyPreset, comparisonConfigs, type DnnKind, type PresetName } from '../src/run/presets.ts';
import { Rng } from '../src/util/rng.ts';
import type { Theme } from '../src/view/colors.ts';
import { editConfig, type FieldPath } from '../src/view/edit.ts';
import { type PreviewImage, previewImage } from '../src/view/preview.ts';
import { parseRoute, routeFragment, VIEW_LABELS, VIEWS, type View } from '../src/view/route.ts';
import { uploadedDataFiles } from './data-upload.ts';
import './bench-page.ts';
import './compare-view.ts';
import './dataset-list.ts';
import './gpu-status.ts';
import type { ReplicaMode } from './info-plane.ts';
import './kernel-checks.ts';
import './link-issues.ts';
import './playground-view.ts';
import './run-controls.ts';
import type { TransportAction } from './run-transport.ts';
import './theme-toggle.ts';
import type { ThemeSetting } from './theme-toggle.ts';

const THEME_KEY = 'bitplane-theme';
const PREVIEW_SAMPLES = 600;

const idle = (epochs: number): TransportView => ({
  state: 'idle',
  epoch: 0,
  epochs,
  elapsed_s: 0,
  eta_s: Number.NaN,
  records: [],
  revision: 0,
});

/**
 * The app's root and entry module. It alone owns state — the device, the run configuration (mirrored in
 * the URL fragment), the runs, the check results, the theme — and passes it down; children ask for
 * changes with events. It is the only module that touches `location`, `history` and the document.
 *
 * Views (src/view/route.ts): the playground (default), DNN vs BNN, the kernel benchmarks, the self-check.
 */
export class BitplaneApp extends LitElement {
  static override properties = {
    gpu: { state: true },
    gpuError: { state: true },
    results: { state: true },
    running: { state: true },
    bench: { state: true },
    view: { state: true },
    config: { state: true },
    linkIssues: { state: true },
    formIssues: { state: true },
    playTransport: { state: true },
    compareTransport: { state: true },
    dnnKind: { state: true },
    replicaMode: { state: true },
    logX: { state: true },
    logY: { state: true },
    themeSetting: { state: true },
    theme: { state: true },
    previews: { state: true },
  };
  declare gpu?: Gpu;
  declare gpuError?: string;
  declare results: CheckResult[];
  declare running: boolean;
  /** The benchmark view's settings (from the link), when the link asks for it (`#bench&…`). */
  declare bench?: { settings: BenchSettings; issues: SettingsIssue[] };
  declare view: View;
  declare config: RunConfig;
  /** What the link the page was opened with got wrong (the rest of it was applied). */
  declare linkIssues: LinkIssue[];
  /** What the last edit of a control got wrong (it was not applied). */
  declare formIssues: ConfigIssue[];
  declare playTransport: TransportView;
  declare compareTransport: TransportView;
  declare dnnKind: DnnKind;
  declare replicaMode: ReplicaMode;
  declare logX: boolean;
  declare logY: boolean;
  declare themeSetting: ThemeSetting;
  declare theme: Theme;
  declare previews: Partial<Record<DatasetName, PreviewImage>>;

  private playRun?: RunController;
  private compareRun?: RunController;
  private lastLink?: string;
  private toyPreviewKey = '';
  private loadingPreviews = new Set<DatasetName>();
  private readonly onHash = () => this.readLink();
  private readonly dark =
    typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
  private readonly onScheme = () => this.applyTheme();

  constructor() {
    super();
    this.results = [];
    this.running = false;
    this.view = 'playground';
    this.config = defaultConfig();
    this.linkIssues = [];
    this.formIssues = [];
    this.playTransport = idle(this.config.epochs);
    this.compareTransport = idle(this.config.epochs);
    this.dnnKind = 'dnn-tanh';
    this.replicaMode = 'band';
    this.logX = false;
    this.logY = false;
    this.themeSetting = 'auto';
    this.theme = 'light';
    this.previews = {};
  }

  static override styles = css`
    :host { display: block; max-width: 1440px; margin: 0 auto; padding: 0.6rem 1.1rem 2rem; box-sizing: border-box; }
    .top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1.2rem; margin-bottom: 0.5rem; }
    h1 { margin: 0; font-size: 1.35rem; letter-spacing: -0.01em; }
    h1 span { color: var(--bp-accent); }
    .tagline { margin: 0; color: var(--bp-muted); font-size: 0.85rem; flex: 1 1 20rem; }
    nav { display: flex; gap: 0.2rem; flex-wrap: wrap; }
    nav a { color: var(--bp-text); text-decoration: none; padding: 0.3rem 0.7rem; border-radius: 999px; font-size: 0.88rem; border: 1px solid transparent; }
    nav a:hover { border-color: var(--bp-border); }
    nav a[aria-current='page'] { background: var(--bp-accent); color: var(--bp-on-accent); }
    nav a:focus-visible { outline: 2px solid var(--bp-accent); outline-offset: 1px; }
    .status { font-size: 0.78rem; color: var(--bp-muted); margin: -0.2rem 0 0.6rem; }
    link-issues { display: block; margin-bottom: 0.6rem; }
    .layout { display: grid; grid-template-columns: 23.5rem minmax(0, 1fr); gap: 0.9rem; align-items: start; }
    .layout > run-controls { position: sticky; top: 0.5rem; max-height: calc(100vh - 1rem); overflow-y: auto; scrollbar-width: thin; padding-right: 0.2rem; }
    h2 { font-size: 1.1rem; margin-top: 1.2rem; }
    @media (max-width: 900px) {
      :host { padding: 0.5rem 0.6rem 2rem; }
      .layout { grid-template-columns: minmax(0, 1fr); }
      .layout > run-controls { position: static; max-height: none; overflow: visible; order: 2; }
    }
  `;

  override connectedCallback() {
    super.connectedCallback();
    try {
      const saved = localStorage.getItem(THEME_KEY);
      if (saved === 'light' || saved === 'dark' || saved === 'auto') this.themeSetting = saved;
    } catch {
      // storage may be unavailable (private mode): stay with the system's choice
    }
    this.applyTheme();
    this.dark?.addEventListener('change', this.onScheme);
    this.readLink();
    window.addEventListener('hashchange', this.onHash);
    this.updatePreviews();
    void this.start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    this.dark?.removeEventListener('change', this.onScheme);
    void this.playRun?.dispose();
    void this.compareRun?.dispose();
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
      this.playRun?.fail(message);
      this.compareRun?.fail(message);
    });
    if (this.view === 'checks') await this.check(true);
  }

  // ---- links and views -------------------------------------------------------------------------

  /** Reads the fragment: the view, and the run configuration or the benchmark settings it carries. */
  private readLink() {
    const route = parseRoute(location.hash);
    const leaving = this.view;
    this.view = route.view;
    if (leaving !== this.view) {
      if (leaving === 'playground') this.playRun?.pause();
      if (leaving === 'compare') this.compareRun?.pause();
    }
    this.bench = route.view === 'bench' ? parseBenchFragment(location.hash) : undefined;
    if ((route.view === 'playground' || route.view === 'compare') && route.rest !== this.lastLink) {
      this.lastLink = route.rest;
      this.applyLink(route.rest, false);
    }
    if (route.view === 'checks' && this.gpu && !this.results.length && !this.running) void this.check(true);
  }

  /**
   * Applies a run link (the fragment after the view): what it gets wrong is shown, the rest becomes the
   * configuration. An opened link (`write` false: it is in the URL already) changes nothing when it
   * equals the current configuration; a loaded paper experiment always applies, as an edit does.
   */
  private applyLink(link: string, write: boolean) {
    const { config, issues } = parseLink(link);
    this.linkIssues = issues;
    if (write || serializeLink(config) !== serializeLink(this.config)) this.setConfig(config, write);
  }

  /** The fragment for a view with the current configuration. */
  private fragment(view: View): string {
    if (view === 'bench') return this.bench ? benchFragment(this.bench.settings) : routeFragment('bench');
    if (view === 'checks') return routeFragment('checks');
    return routeFragment(view, serializeLink(this.config));
  }

  private writeLink() {
    if (this.view !== 'playground' && this.view !== 'compare') return;
    const fragment = this.fragment(this.view);
    this.lastLink = parseRoute(fragment).rest;
    history.replaceState(null, '', `#${fragment}`);
  }

  private get shareUrl(): string {
    return `${location.origin}${location.pathname}#${this.fragment(this.view)}`;
  }

  // ---- configuration -------------------------------------------------------------------------

  private setConfig(config: RunConfig, write = true) {
    this.config = config;
    this.formIssues = [];
    void this.resetRun('playground');
    void this.resetRun('compare');
    this.updatePreviews();
    if (write) this.writeLink();
  }

  private onEdit(path: FieldPath, value: unknown) {
    const r = editConfig(this.config, path, value);
    if (r.config) this.setConfig(r.config);
    else this.formIssues = r.issues;
  }

  private onPreset(name: PresetName) {
    this.setConfig(applyPreset(this.config, name));
  }

  // ---- runs ----------------------------------------------------------------------------------

  private run(view: 'playground' | 'compare'): RunController | undefined {
    if (!this.gpu) return undefined;
    if (view === 'playground')
      return (this.playRun ??= new RunController(this.gpu, [this.config], {
        onUpdate: (v) => (this.playTransport = v),
        files: uploadedDataFiles,
      }));
    const { dnn, bnn } = comparisonConfigs(this.config, this.dnnKind);
    return (this.compareRun ??= new RunController(this.gpu, [dnn, bnn], {
      onUpdate: (v) => (this.compareTransport = v),
      files: uploadedDataFiles,
    }));
  }

  private async resetRun(view: 'playground' | 'compare') {
    const old = view === 'playground' ? this.playRun : this.compareRun;
    if (view === 'playground') {
      this.playRun = undefined;
      this.playTransport = idle(this.config.epochs);
    } else {
      this.compareRun = undefined;
      this.compareTransport = idle(this.config.epochs);
    }
    await old?.dispose();
  }

  private onTransport(view: 'playground' | 'compare', action: TransportAction) {
    if (action === 'reset') {
      void this.resetRun(view);
      return;
    }
    const run = this.run(view);
    if (!run) return;
    if (action === 'play') void run.play();
    else if (action === 'pause') run.pause();
    else void run.step();
  }

  // ---- checks, files, theme, previews --------------------------------------------------------

  private async check(quick: boolean) {
    if (!this.gpu || this.running) return;
    this.running = true;
    this.results = [];
    try {
      await runChecks(this.gpu, KERNEL_CHECKS, {
        quick,
        onResult: (r) => (this.results = [...this.results, r]),
      });
    } finally {
      this.running = false;
    }
  }

  private saveFile(blob: Blob, name: string) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private applyTheme() {
    this.theme = this.themeSetting === 'auto' ? (this.dark?.matches ? 'dark' : 'light') : this.themeSetting;
    document.documentElement.dataset.theme = this.theme;
  }

  private setTheme(setting: ThemeSetting) {
    this.themeSetting = setting;
    try {
      localStorage.setItem(THEME_KEY, setting);
    } catch {
      // not persisted; still applied
    }
    this.applyTheme();
  }

  /**
   * Dataset previews: the 12-bit task and the toys (from the run's seed, samples and noise: the toys'
   * 'data' stream as in a run) at once; the 8×8 digits after the first paint; MNIST when it is chosen.
   */
  private updatePreviews() {
    const next = { ...this.previews };
    let changed = false;
    if (!next.bits12) {
      next.bits12 = previewImage(bits12Dataset());
      changed = true;
    }
    const d = this.config.data;
    const key = `${this.config.seed}|${d.samples}|${d.noise}`;
    if (key !== this.toyPreviewKey) {
      this.toyPreviewKey = key;
      for (const name of TOY_NAMES) {
        const rng = new Rng(this.config.seed).derive('data');
        next[name] = previewImage(toyDataset(name, Math.min(d.samples, PREVIEW_SAMPLES), d.noise, rng));
      }
      changed = true;
    }
    if (changed) this.previews = next;
    this.loadPreview('digits');
    if (d.name === 'mnist') this.loadPreview('mnist');
  }

  private loadPreview(name: 'digits' | 'mnist') {
    if (this.previews[name] || this.loadingPreviews.has(name)) return;
    this.loadingPreviews.add(name);
    setTimeout(async () => {
      try {
        const ds = await loadDataset({ name, mnistTrain: 10, mnistTest: 1 }, new Rng(0));
        this.previews = { ...this.previews, [name]: previewImage(ds) };
      } catch {
        // no preview; training will report the problem when it loads the dataset
      }
    }, 0);
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
        return html`
          <h2>Kernel self-check</h2>
          <p>Each GPU kernel runs on this adapter over seeded inputs and is compared with its CPU reference:
            integer kernels must match exactly, float kernels within a stated tolerance.</p>
          <kernel-checks .results=${this.results} ?running=${this.running}
            @run-checks=${(e: CustomEvent<{ quick: boolean }>) => this.check(e.detail.quick)}></kernel-checks>
          <h2>Datasets</h2>
          <dataset-list .sources=${DATASET_SOURCES}></dataset-list>`;
      default: {
        const compare = this.view === 'compare';
        const { dnn, bnn } = comparisonConfigs(this.config, this.dnnKind);
        return html`<div class="layout"
            @config-edit=${(e: CustomEvent<{ path: FieldPath; value: unknown }>) => this.onEdit(e.detail.path, e.detail.value)}
            @preset=${(e: CustomEvent<{ name: PresetName }>) => this.onPreset(e.detail.name)}
            @experiment=${(e: CustomEvent<{ fragment: string }>) => this.applyLink(e.detail.fragment, true)}
            @transport=${(e: CustomEvent<{ action: TransportAction }>) => this.onTransport(compare ? 'compare' : 'playground', e.detail.action)}
            @replica-mode=${(e: CustomEvent<{ mode: ReplicaMode }>) => (this.replicaMode = e.detail.mode)}
            @axis-change=${(e: CustomEvent<{ logX?: boolean; logY?: boolean }>) => {
              if (e.detail.logX !== undefined) this.logX = e.detail.logX;
              if (e.detail.logY !== undefined) this.logY = e.detail.logY;
            }}
            @dnn-kind=${(e: CustomEvent<{ kind: DnnKind }>) => {
              this.dnnKind = e.detail.kind;
              void this.resetRun('compare');
            }}>
          <run-controls .config=${this.config} .issues=${this.formIssues} .previews=${this.previews} .sources=${DATASET_SOURCES}
            ?presetsDisabled=${compare} view=${compare ? 'compare' : 'playground'}
            note=${compare ? 'DNN vs BNN trains these widths twice, as a DNN and as a BNN (the presets); the layer kinds set here apply in the playground.' : ''}></run-controls>
          ${
            compare
              ? html`<compare-view .dnn=${dnn} .bnn=${bnn} .transport=${this.compareTransport} dnnKind=${this.dnnKind} theme=${this.theme}
                  replicaMode=${this.replicaMode} ?logX=${this.logX} ?logY=${this.logY} shareUrl=${this.shareUrl} ?disabled=${!this.gpu}></compare-view>`
              : html`<playground-view .config=${this.config} .transport=${this.playTransport} theme=${this.theme}
                  replicaMode=${this.replicaMode} ?logX=${this.logX} ?logY=${this.logY} shareUrl=${this.shareUrl} ?disabled=${!this.gpu}></playground-view>`
          }
        </div>`;
      }
    }
  }

  override render() {
    return html`
      <header class="top">
        <h1>bit<span>plane</span></h1>
        <p class="tagline">Binary and float neural networks trained in hand-written WGSL on your GPU, each layer followed through the information plane.</p>
        <nav aria-label="Views">
          ${VIEWS.map(
            (v) => html`<a href=${`#${this.fragment(v)}`} aria-current=${this.view === v ? 'page' : 'false'}
              data-testid=${v === 'bench' ? 'bench-link' : `view-${v}`}>${VIEW_LABELS[v]}</a>`,
          )}
        </nav>
        <theme-toggle setting=${this.themeSetting} @theme-setting=${(e: CustomEvent<{ setting: ThemeSetting }>) => this.setTheme(e.detail.setting)}></theme-toggle>
      </header>
      <div class="status"><gpu-status compact .adapter=${this.gpu?.adapter} .note=${this.gpu?.note} .error=${this.gpuError}></gpu-status></div>
      <link-issues .issues=${this.linkIssues} @dismiss=${() => (this.linkIssues = [])}></link-issues>
      <main @save-file=${(e: CustomEvent<{ blob: Blob; name: string }>) => this.saveFile(e.detail.blob, e.detail.name)}>${this.renderView()}</main>
    `;
  }
}
customElements.define('bitplane-app', BitplaneApp);

declare global {
  interface HTMLElementTagNameMap {
    'bitplane-app': BitplaneApp;
  }
}
