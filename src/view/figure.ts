/**
 * A result record as a printed figure (components/figure-sheet.ts, drawn by `bitplane reproduce` through
 * src/cli/figures.ts): the caption under its title, the epoch axis it uses, and a check that a chart's
 * canvas has data on it. The charts' data come from the app's own planeData and curveData.
 *
 *   figureCaption(record) → { lines: ['bits12 (3277 train, 819 test) · 12–10–7–5–2 · hidden: binary
 *                                      weights + BN, ste_sign · Adam lr 0.0004, batch 512', …],
 *                            warning: null | 'diverged: …' }
 *   unreliableLayers(record) → per estimated layer, whether the legend marks it "≈ ceiling, unreliable":
 *                           by the report's rule (near log2 N in most of its points), not the app's (at
 *                           the latest point); a caption line then states the rule
 *   colouredPixels(rgba)  → how many pixels are coloured: the axes, grid and text are grey, the
 *                           trajectories, bands and curves are not (Okabe–Ito and viridis), so an
 *                           empty chart counts (nearly) 0.
 */

import { BOP_DEFAULTS } from '../config/run-config.ts';
import { nearCeilingShares, UNRELIABLE_SHARE } from '../info/reliability.ts';
import type { RunRecord } from '../run/record.ts';
import { formatDuration } from './format.ts';

/** What a figure's charts drew: coloured pixels per chart (see colouredPixels). */
export interface FigureInk {
  plane: number;
  loss: number;
  acc: number;
}

/** The figure page's entry point (figure.html, components/figure-page.ts), called by src/cli/figures.ts. */
export type RenderFigure = (record: RunRecord, title: string) => Promise<FigureInk>;

type CaptionRecord = Pick<
  RunRecord,
  'status' | 'message' | 'config' | 'link' | 'adapter' | 'dataset' | 'layers' | 'epochs' | 'info' | 'timing'
>;

/** Weight kinds other than binary and float, as the caption names them (docs/METHOD.md §2.1). */
const WEIGHT_NAMES: Record<string, string> = { ternary: 'ternary', q2: '2-bit', q4: '4-bit', q8: '8-bit' };

const layerKind = (l: RunRecord['layers'][number], weights?: string): string =>
  `${(weights && WEIGHT_NAMES[weights]) ?? (l.binary ? 'binary' : 'float')} weights${l.batch_norm ? ' + BN' : ''}, ${l.activation}`;

function estimatorText(record: CaptionRecord): string {
  const e = record.config.estimator;
  const hidden = record.info.layers.map((i) => record.layers[i]).filter((l) => l !== undefined);
  const parts: string[] = [];
  if (hidden.some((l) => l.binary_output)) parts.push('sign codes counted exactly');
  if (hidden.some((l) => l.kbit_codes)) {
    const hashed = hidden.some((l) => l.kbit_codes && !l.kbit_codes.exact);
    parts.push(`k-bit level codes counted exactly${hashed ? ' (hashed past 64 bits)' : ''}`);
  }
  if (hidden.some((l) => !l.binary_output && !l.kbit_codes))
    parts.push(
      e.discretization === 'fixed'
        ? `${e.bins} bins in [${e.lo}, ${e.hi}]`
        : e.discretization === 'width'
          ? `bins of width ${e.width}`
          : `${e.bins} bins over each layer's range`,
    );
  if (e.millerMadow) parts.push('Miller–Madow corrected');
  return parts.join(', ');
}

/** The legend's rule for "≈ ceiling, unreliable" in a figure (the chart's tooltip, the caption's line). */
export const UNRELIABLE_RULE = `I(X;T) near log2 N in more than ${100 * UNRELIABLE_SHARE} % of the layer's (replica, epoch) points, as in the report`;

/**
 * Per estimated layer (info.layers' order, as planeData's), whether its estimate is unreliable by the
 * report's rule (src/info/reliability.ts): near the log2 N ceiling in more than UNRELIABLE_SHARE of its
 * (replica, logged epoch) points.
 */
export function unreliableLayers(record: {
  info: Pick<RunRecord['info'], 'layers' | 'near_ceiling'>;
}): boolean[] {
  return nearCeilingShares(record.info).map((share) => share > UNRELIABLE_SHARE);
}

/**
 * The caption lines under a figure's title, and a warning when the run did not complete. When a layer is
 * marked unreliable, the last line says by which rule.
 */
export function figureCaption(record: CaptionRecord): { lines: string[]; warning: string | null } {
  const c = record.config;
  const d = record.dataset;
  const hidden = record.layers.filter((l) => l.activation !== null);
  const kindOf = (l: RunRecord['layers'][number]) => layerKind(l, c.network.hidden[l.index]?.weights);
  const kinds = [...new Set(hidden.map(kindOf))];
  const network = [d.inputs, ...record.layers.map((l) => l.width)].join('–');
  const o = c.optimizer;
  const optimizer =
    o.name === 'bop'
      ? `Bop τ ${o.tau ?? BOP_DEFAULTS.tau} γ ${o.gamma ?? BOP_DEFAULTS.gamma} + Adam lr ${o.lr}`
      : `${o.name === 'adam' ? 'Adam' : 'SGD'} lr ${o.lr}`;
  const logged = record.epochs.length;
  const last = logged ? record.epochs[logged - 1] : 0;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const lines = [
    [
      `${d.name} (${d.train} train, ${d.test} test)`,
      network,
      kinds.length === 1
        ? `hidden: ${kinds[0]}`
        : `hidden: ${hidden.map((l) => `${l.width} ${kindOf(l)}`).join('; ')}`,
      `${optimizer}, batch ${c.batchSize}`,
    ].join(' · '),
    [
      `${plural(c.replicas, 'replica')} from seed ${c.seed}`,
      `${last >= c.epochs ? plural(c.epochs, 'epoch') : `stopped at epoch ${last} of ${c.epochs}`}, ${logged} logged (${c.log.schedule} schedule)`,
      `I(X;T), I(T;Y) over the ${record.info.set} set (n = ${record.info.n}): ${estimatorText(record)}`,
    ].join(' · '),
    `${record.adapter.name}${record.timing.total_s > 0 ? `, ${formatDuration(record.timing.total_s)}` : ''} · #${record.link}`,
  ];
  if (unreliableLayers(record).some(Boolean)) lines.push(`≈ ceiling, unreliable: ${UNRELIABLE_RULE}.`);
  const warning =
    record.status === 'complete' ? null : `${record.status}${record.message ? `: ${record.message}` : ''}`;
  return { lines, warning };
}

/**
 * A log epoch axis for the curves when the logged epochs are log-spaced (the IDNN and Saxe schedules)
 * over a long run: most of them then sit in the first few percent of a linear axis.
 */
export function figureLogX(record: Pick<RunRecord, 'config' | 'epochs'>): boolean {
  const last = record.epochs.length ? record.epochs[record.epochs.length - 1] : 0;
  return record.config.log.schedule !== 'every' && last >= 50;
}

/**
 * Coloured pixels in RGBA bytes: visible (alpha ≥ 64) and with max(r, g, b) − min(r, g, b) ≥ minChroma.
 * Greys (axes, grid, text, a white background) have chroma 0; the palettes' colours have 80 and more.
 */
export function colouredPixels(rgba: ArrayLike<number>, minChroma = 48): number {
  let n = 0;
  for (let i = 0; i + 3 < rgba.length; i += 4) {
    if (rgba[i + 3] < 64) continue;
    const r = rgba[i];
    const g = rgba[i + 1];
    const b = rgba[i + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) >= minChroma) n++;
  }
  return n;
}
