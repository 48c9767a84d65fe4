import { html, noChange, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { ConfigIssue } from '../src/config/run-config.ts';
import { type FieldPath, issuesAt, numberFrom, plainMessage } from '../src/view/edit.ts';

/**
 * What the control panels share (not an element): the `config-edit` event they send up, and a labelled
 * number field that shows its configuration issues.
 */

export interface NumberAttrs {
  min?: number;
  max?: number;
  step?: string;
}

/** Asks the root to set the configuration field at `path` (it validates, then passes the config down). */
export function emitEdit(host: HTMLElement, path: FieldPath, value: unknown): void {
  host.dispatchEvent(
    new CustomEvent('config-edit', { detail: { path, value }, bubbles: true, composed: true }),
  );
}

/**
 * A labelled number field. While the field has an issue, the box keeps what was typed (the rejected
 * value, marked invalid) rather than showing the configuration's value, so the message and the box
 * agree.
 */
export function numberField(
  host: HTMLElement,
  issues: readonly ConfigIssue[],
  label: string,
  path: FieldPath,
  value: number,
  attrs: NumberAttrs = {},
): TemplateResult {
  const bad = issuesAt(issues as ConfigIssue[], path);
  return html`<label class="field"><span>${label}</span>
      <input type="number" data-field=${path.join('.')} .value=${bad.length ? noChange : live(String(value))} min=${attrs.min ?? ''} max=${attrs.max ?? ''} step=${attrs.step ?? 'any'}
        aria-invalid=${bad.length ? 'true' : 'false'}
        @change=${(e: Event) => emitEdit(host, path, numberFrom((e.target as HTMLInputElement).value))} />
      ${bad.map((i) => html`<span class="error">${plainMessage(i.message)}</span>`)}</label>`;
}
