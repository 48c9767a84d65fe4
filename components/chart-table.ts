import { css, html, type TemplateResult } from 'lit';

/**
 * A chart's data as a table, on demand (not an element): a closed <details> whose table is rendered
 * only while it is open, so a long run does not keep thousands of rows in the page.
 */
export function chartTable(
  label: string,
  open: boolean,
  onToggle: (open: boolean) => void,
  table: () => { header: string[]; rows: string[][] },
): TemplateResult {
  const t = open ? table() : undefined;
  return html`<details class="data" @toggle=${(e: Event) => onToggle((e.target as HTMLDetailsElement).open)}>
    <summary>Data table</summary>
    ${
      t
        ? html`<div class="scroll" tabindex="0" role="region" aria-label=${label}><table data-testid="chart-table">
            <thead><tr>${t.header.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
            <tbody>${t.rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
          </table></div>`
        : ''
    }
  </details>`;
}

export const chartTableStyles = css`
  details.data { font-size: 0.75rem; color: var(--bp-muted); }
  details.data summary { cursor: pointer; width: max-content; }
  details.data .scroll { max-height: 14rem; overflow: auto; }
  details.data table { border-collapse: collapse; font-variant-numeric: tabular-nums; color: var(--bp-text); }
  details.data th, details.data td { padding: 0.1rem 0.5rem; text-align: right; border-bottom: 1px solid var(--bp-border); }
  details.data th:first-child, details.data td:first-child { text-align: left; }
`;
