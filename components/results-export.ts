import { css, html, LitElement } from 'lit';
import type { RunRecord } from '../src/run/record.ts';
import { exportName, lastEpoch, recordCsv, recordJson } from '../src/view/export.ts';
import { controlStyles } from './control-styles.ts';

/**
 * Export of the results: the JSON result record (the same `bitplane.run/1` record as the command line)
 * and a CSV table, per run (the comparison has two, named by their networks), named with the epoch
 * reached (the root adds the time of saving).
 * Properties down: `runs` ([{ label, record }]). Events up: `save-file` ({ blob, name }).
 */
export class ResultsExport extends LitElement {
  static override properties = { runs: { attribute: false } };
  declare runs: { label: string; record: RunRecord }[];

  constructor() {
    super();
    this.runs = [];
  }

  static override styles = [
    controlStyles,
    css`
      :host { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem; font-size: 0.82rem; }
      span { color: var(--bp-muted); }
    `,
  ];

  private save(text: string, type: string, name: string) {
    const blob = new Blob([text], { type });
    this.dispatchEvent(
      new CustomEvent('save-file', { detail: { blob, name }, bubbles: true, composed: true }),
    );
  }

  override render() {
    const none = !this.runs.length;
    const runs = none ? [{ label: '', record: undefined }] : this.runs;
    return html`<span>Results</span>
      ${runs.map(({ label, record }, i) => {
        const suffix = label ? ` ${label}` : '';
        return html`
          <button type="button" data-testid=${`export-json-${i}`} ?disabled=${!record}
            @click=${() => record && this.save(recordJson(record), 'application/json', exportName(record, 'json', '', { epoch: lastEpoch(record) }))}>JSON${suffix}</button>
          <button type="button" data-testid=${`export-csv-${i}`} ?disabled=${!record}
            @click=${() => record && this.save(recordCsv(record), 'text/csv', exportName(record, 'csv', '', { epoch: lastEpoch(record) }))}>CSV${suffix}</button>`;
      })}`;
  }
}
customElements.define('results-export', ResultsExport);

declare global {
  interface HTMLElementTagNameMap {
    'results-export': ResultsExport;
  }
}
