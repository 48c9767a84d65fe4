import { html, LitElement } from 'lit';
import { live } from 'lit/directives/live.js';
import type { ConfigIssue, RunConfig } from '../src/config/run-config.ts';
import { SCHEDULES } from '../src/info/schedule.ts';
import type { FieldPath } from '../src/view/edit.ts';
import { emitEdit, type NumberAttrs, numberField } from './config-fields.ts';
import { controlStyles } from './control-styles.ts';

const DISCRETIZATIONS = [
  ['fixed', 'fixed bins over a range (IDNNs)'],
  ['width', 'fixed bin width (Saxe et al.)'],
  ['adaptive', 'adaptive: bins over each layer’s min–max'],
] as const;
const SETS = [
  ['full', 'whole dataset'],
  ['train', 'training set'],
  ['test', 'test set'],
] as const;
const SCHEDULE_LABELS: Record<(typeof SCHEDULES)[number], string> = {
  every: 'every k-th epoch',
  idnn: 'log-spaced (IDNNs)',
  saxe: 'Saxe et al.',
};

/**
 * Estimator controls: how float layers are discretized (binary layers always use their exact sign
 * patterns), bins or bin width, the estimation set, the Miller–Madow correction, the KDE bound; and the
 * logging schedule (which epochs are evaluated and estimated).
 * Properties down: `estimator`, `log`, `issues`. Events up: `config-edit` ({ path, value }).
 */
export class EstimatorControls extends LitElement {
  static override properties = {
    estimator: { attribute: false },
    log: { attribute: false },
    issues: { attribute: false },
  };
  declare estimator: RunConfig['estimator'];
  declare log: RunConfig['log'];
  declare issues: ConfigIssue[];

  constructor() {
    super();
    this.issues = [];
  }

  static override styles = controlStyles;

  private edit(path: FieldPath, value: unknown) {
    emitEdit(this, path, value);
  }

  private num(label: string, path: FieldPath, value: number, attrs: NumberAttrs = {}) {
    return numberField(this, this.issues, label, path, value, attrs);
  }

  private select(
    label: string,
    path: FieldPath,
    value: string,
    options: readonly (readonly [string, string])[],
  ) {
    return html`<label class="field"><span>${label}</span>
      <select data-field=${path.join('.')} .value=${live(value)} @change=${(e: Event) => this.edit(path, (e.target as HTMLSelectElement).value)}>
        ${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
      </select></label>`;
  }

  private check(label: string, path: FieldPath, value: boolean) {
    return html`<label class="check"><input type="checkbox" data-field=${path.join('.')} .checked=${live(value)}
      @change=${(e: Event) => this.edit(path, (e.target as HTMLInputElement).checked)} />${label}</label>`;
  }

  override render() {
    const e = this.estimator;
    const l = this.log;
    return html`
      <fieldset>
        <legend>Information estimate</legend>
        <div class="grid">
          ${this.select('Float layers', ['estimator', 'discretization'], e.discretization, DISCRETIZATIONS)}
          ${e.discretization !== 'width' ? this.num('Bins', ['estimator', 'bins'], e.bins, { min: 2, step: '1' }) : ''}
          ${e.discretization === 'fixed' ? html`${this.num('Range from', ['estimator', 'lo'], e.lo)}${this.num('to', ['estimator', 'hi'], e.hi)}` : ''}
          ${e.discretization === 'width' ? this.num('Bin width', ['estimator', 'width'], e.width, { min: 0, step: '0.01' }) : ''}
          ${this.select('Estimated over', ['estimator', 'set'], e.set, SETS)}
        </div>
        <div class="row" style="margin-top: 0.4rem">
          ${this.check('Miller–Madow correction', ['estimator', 'millerMadow'], e.millerMadow)}
          ${this.check('KDE bound', ['estimator', 'kde'], e.kde)}
        </div>
        ${e.kde ? html`<div class="grid">${this.num('KDE noise σ²', ['estimator', 'kdeVariance'], e.kdeVariance, { min: 0 })}</div>` : ''}
        <p class="hint">Binary layers are always coded by their exact sign patterns.</p>
        <div class="grid" style="margin-top: 0.5rem">
          ${this.select(
            'Log epochs',
            ['log', 'schedule'],
            l.schedule,
            SCHEDULES.map((s) => [s, SCHEDULE_LABELS[s]] as const),
          )}
          ${l.schedule === 'every' ? this.num('every k', ['log', 'every'], l.every, { min: 1, step: '1' }) : ''}
          ${l.schedule === 'idnn' ? this.num('points', ['log', 'points'], l.points, { min: 1, step: '1' }) : ''}
        </div>
      </fieldset>
    `;
  }
}
customElements.define('estimator-controls', EstimatorControls);

declare global {
  interface HTMLElementTagNameMap {
    'estimator-controls': EstimatorControls;
  }
}
