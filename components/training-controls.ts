import { html, LitElement } from 'lit';
import { live } from 'lit/directives/live.js';
import { BOP_DEFAULTS, type ConfigIssue, OPTIMIZERS, type RunConfig } from '../src/config/run-config.ts';
import type { FieldPath } from '../src/view/edit.ts';
import { emitEdit, type NumberAttrs, numberField } from './config-fields.ts';
import { controlStyles } from './control-styles.ts';

type TrainingPart = Pick<RunConfig, 'optimizer' | 'batchSize' | 'epochs' | 'replicas' | 'seed'>;

const OPTIMIZER_LABELS: Record<(typeof OPTIMIZERS)[number], string> = {
  adam: 'Adam',
  sgd: 'SGD',
  bop: 'Bop (binary weights; Adam for the rest)',
};

/**
 * Training controls: optimizer and learning rate, batch size, epochs, replicas (networks trained at once,
 * each with its own seed stream) and the seed; Bop's τ and γ when Bop is chosen; Adam's β and ε and the
 * latent-weight clip under "more".
 * Properties down: `config`, `issues`. Events up: `config-edit` ({ path, value }).
 */
export class TrainingControls extends LitElement {
  static override properties = {
    config: { attribute: false },
    issues: { attribute: false },
  };
  declare config: TrainingPart;
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

  override render() {
    const c = this.config;
    const o = c.optimizer;
    return html`
      <fieldset>
        <legend>Training</legend>
        <div class="grid">
          <label class="field"><span>Optimizer</span>
            <select data-field="optimizer.name" .value=${live(o.name)} @change=${(e: Event) => this.edit(['optimizer', 'name'], (e.target as HTMLSelectElement).value)}>
              ${OPTIMIZERS.map((x) => html`<option value=${x} ?selected=${o.name === x}>${OPTIMIZER_LABELS[x]}</option>`)}
            </select></label>
          ${o.name === 'bop' ? this.num('Bop threshold τ', ['optimizer', 'tau'], o.tau ?? BOP_DEFAULTS.tau, { min: 0 }) : ''}
          ${o.name === 'bop' ? this.num('Bop rate γ', ['optimizer', 'gamma'], o.gamma ?? BOP_DEFAULTS.gamma, { min: 0, max: 1 }) : ''}
          ${this.num('Learning rate', ['optimizer', 'lr'], o.lr, { min: 0, max: 10 })}
          ${this.num('Batch size', ['batchSize'], c.batchSize, { min: 1, step: '1' })}
          ${this.num('Epochs', ['epochs'], c.epochs, { min: 0, step: '1' })}
          ${this.num('Replicas', ['replicas'], c.replicas, { min: 1, max: 256, step: '1' })}
          ${this.num('Seed', ['seed'], c.seed, { min: 0, step: '1' })}
        </div>
        <details>
          <summary class="hint">more: Adam's β₁, β₂, ε; clip</summary>
          <div class="grid">
            ${this.num('β₁', ['optimizer', 'beta1'], o.beta1, { min: 0, max: 1 })}
            ${this.num('β₂', ['optimizer', 'beta2'], o.beta2, { min: 0, max: 1 })}
            ${this.num('ε', ['optimizer', 'eps'], o.eps, { min: 0 })}
            ${this.num('Clip binary latent |w| ≤', ['optimizer', 'clip'], o.clip, { min: 0 })}
          </div>
        </details>
      </fieldset>
    `;
  }
}
customElements.define('training-controls', TrainingControls);

declare global {
  interface HTMLElementTagNameMap {
    'training-controls': TrainingControls;
  }
}
