import { css, html, LitElement } from 'lit';
import { EXAMPLE_FRAGMENT } from '../src/view/advice.ts';

/**
 * "What am I looking at?": the information plane explained for a student, beside the plane (closed
 * until opened). Ends with a guided example: a link that loads a small tanh network on the 12-bit task
 * (the setting where Shwartz-Ziv & Tishby reported late compression) to watch for it.
 * Events up: `experiment` ({ fragment }) to load the example (the root applies it as a link).
 */
export class PlaneExplainer extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 0.85rem; line-height: 1.45; }
    details { border: 1px solid var(--bp-border); border-radius: 8px; padding: 0.35rem 0.7rem; background: var(--bp-surface); }
    summary { cursor: pointer; font-weight: 600; }
    summary:focus-visible, button:focus-visible { outline: 2px solid var(--bp-accent); outline-offset: 2px; }
    p, ul { margin: 0.45rem 0; }
    ul { padding-left: 1.1rem; }
    button { font: inherit; padding: 0.25rem 0.7rem; border-radius: 6px; border: 1px solid var(--bp-accent); background: var(--bp-accent); color: var(--bp-on-accent); cursor: pointer; }
  `;

  private example() {
    this.dispatchEvent(
      new CustomEvent('experiment', {
        detail: { fragment: EXAMPLE_FRAGMENT },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    return html`<details data-testid="explainer">
      <summary>What am I looking at?</summary>
      <p>Each hidden layer <em>T</em> is a point per logged epoch. Its <strong>x</strong> is I(X;T): how much the
        layer still tells about which input <em>X</em> it saw. Its <strong>y</strong> is I(T;Y): how much it
        tells about the label <em>Y</em>. Both are in bits, estimated from the layer's activations over the
        data set; points are coloured from dark (early) to yellow (late).</p>
      <ul>
        <li><strong>Fitting</strong>: early in training the points move up and to the right; the layer learns
          about the label and keeps detail about the input.</li>
        <li><strong>Compression</strong>: later, a point may move left while staying high; the layer forgets
          input detail the label does not need. Whether and when this happens is what the plane lets you see.</li>
        <li><strong>Ceilings</strong>: I(X;T) can be at most log₂N, N being the number of samples; I(T;Y) at
          most H(Y), the label's entropy. Both are the dashed lines. A point near log₂N is drawn
          <strong>hollow</strong>: every sample falls in its own cell, and the estimate says little there.</li>
        <li><strong>Sign codes vs bins</strong>: a binary layer's activations are ±1, so its states are counted
          exactly by their sign pattern. A float layer's activations are first cut into bins (the estimator
          settings); the picture then depends on that choice.</li>
      </ul>
      <p>Hover a point for its numbers; drag to zoom; click a layer in the legend to hide it.</p>
      <p><button type="button" data-testid="explainer-example" @click=${() => this.example()}>Load the guided example</button>
        a tanh network (10-7-5-4-3) on the 12-bit task, 80 epochs: press Play and watch the two deepest layers
        (hidden 4 and 5, the lowest paths). They move right while the accuracy rises, then turn left: they
        compress. Layers 1 and 2 sit at the ceiling (hollow). Whether compression comes after fitting or while
        it, and how that differs in a BNN, is what this tool measures.</p>
    </details>`;
  }
}
customElements.define('plane-explainer', PlaneExplainer);

declare global {
  interface HTMLElementTagNameMap {
    'plane-explainer': PlaneExplainer;
  }
}
