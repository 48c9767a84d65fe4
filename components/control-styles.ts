import { css } from 'lit';

/**
 * Styles the control panels share (not an element: the panels adopt these in their `styles`). Colours
 * come from the page's custom properties (index.html), so both themes apply.
 */
export const controlStyles = css`
  :host { display: block; }
  fieldset { border: none; margin: 0; padding: 0; min-width: 0; }
  legend, h3 { font-size: 0.78rem; font-weight: 650; letter-spacing: 0.04em; text-transform: uppercase; color: var(--bp-muted); margin: 0 0 0.4rem; padding: 0; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(7.6rem, 1fr)); gap: 0.45rem 0.6rem; }
  .field { display: flex; flex-direction: column; gap: 0.15rem; font-size: 0.82rem; min-width: 0; }
  .field > span { color: var(--bp-muted); }
  .check { display: flex; align-items: center; gap: 0.35rem; font-size: 0.85rem; }
  input, select, button { font: inherit; font-size: 0.88rem; color: var(--bp-text); }
  input[type='number'], input[type='text'], select {
    background: var(--bp-input); border: 1px solid var(--bp-border); border-radius: 6px; padding: 0.28rem 0.4rem; min-width: 0; width: 100%; box-sizing: border-box;
  }
  input[aria-invalid='true'], select[aria-invalid='true'] { border-color: var(--bp-bad); box-shadow: 0 0 0 1px var(--bp-bad); }
  button {
    background: var(--bp-button); border: 1px solid var(--bp-border); border-radius: 6px; padding: 0.28rem 0.65rem; cursor: pointer;
  }
  button:hover:not(:disabled) { border-color: var(--bp-accent); }
  button[aria-pressed='true'] { background: var(--bp-accent); border-color: var(--bp-accent); color: var(--bp-on-accent); }
  button:disabled { opacity: 0.5; cursor: default; }
  :focus-visible { outline: 2px solid var(--bp-accent); outline-offset: 1px; }
  .error { color: var(--bp-bad); font-size: 0.78rem; }
  .hint { color: var(--bp-muted); font-size: 0.78rem; margin: 0.3rem 0 0; }
  .row { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
`;

/** The layout the training views that show several runs share (DNN vs BNN, Capacity): bar, panels, grid. */
export const liveViewStyles = css`
  :host { display: flex; flex-direction: column; gap: 0.7rem; min-width: 0; }
  .bar { display: flex; flex-direction: column; gap: 0.5rem; background: var(--bp-surface); border: 1px solid var(--bp-border); border-radius: 10px; padding: 0.6rem 0.8rem; }
  .line { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
  copy-link { flex: 1 1 18rem; }
  .stop { margin: 0; padding: 0.45rem 0.7rem; border-radius: 6px; border-left: 4px solid var(--bp-bad); background: var(--bp-bad-bg); font-size: 0.85rem; }
  .pair { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.7rem; }
  .panel { background: var(--bp-surface); border: 1px solid var(--bp-border); border-radius: 10px; padding: 0.55rem 0.7rem 0.4rem; min-width: 0; }
  .about { font-size: 0.82rem; color: var(--bp-muted); margin: 0; }
`;
