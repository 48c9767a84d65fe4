/**
 * Colours for the charts: epochs on viridis (perceptually uniform, readable on light and dark
 * backgrounds, colour-blind safe), layers and series on the Okabe–Ito palette, and the chart chrome
 * (axes, grid, text) per theme.
 */

export type Theme = 'light' | 'dark';

/** Viridis, 9 stops (matplotlib's `viridis` at 0, 1/8, …, 1). */
const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Viridis at t in [0, 1] (clamped), as [r, g, b] 0–255. */
export function viridisRgb(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

export function viridis(t: number): string {
  const [r, g, b] = viridisRgb(t);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Where the epoch scale starts on viridis: on a dark background its darkest purple would vanish. */
const EPOCH_START: Record<Theme, number> = { light: 0, dark: 0.18 };

/** The colour of an epoch at fraction t (0 = initialisation, 1 = last epoch) of the run. */
export function epochColor(t: number, theme: Theme): string {
  const t0 = EPOCH_START[theme];
  return viridis(t0 + (1 - t0) * Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)));
}

/** The CSS gradient of the colour bar (the same colours as `epochColor`). */
export function epochGradient(theme: Theme, direction = 'to right'): string {
  const n = 12;
  const stops = Array.from(
    { length: n + 1 },
    (_, i) => `${epochColor(i / n, theme)} ${((i / n) * 100).toFixed(1)}%`,
  );
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

/** Okabe–Ito (without black), one per layer; darker and lighter variants keep contrast per theme. */
const LAYER_LIGHT = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C6D1F', '#7A7A7A'];
const LAYER_DARK = ['#56B4E9', '#FF8C42', '#2BD9A0', '#E59BC8', '#F0C419', '#9AD3F5', '#D2B36A', '#B8B8B8'];

export function layerColor(index: number, theme: Theme): string {
  const p = theme === 'dark' ? LAYER_DARK : LAYER_LIGHT;
  return p[((index % p.length) + p.length) % p.length];
}

/** Train and test, and the two runs of the comparison. */
export function seriesColors(theme: Theme): { train: string; test: string; dnn: string; bnn: string } {
  return theme === 'dark'
    ? { train: '#56B4E9', test: '#FF8C42', dnn: '#E59BC8', bnn: '#2BD9A0' }
    : { train: '#0072B2', test: '#D55E00', dnn: '#CC79A7', bnn: '#009E73' };
}

/** Axis text, grid and the ceiling lines, per theme. */
export function chrome(theme: Theme): {
  text: string;
  grid: string;
  axis: string;
  ceiling: string;
  background: string;
} {
  return theme === 'dark'
    ? {
        text: '#d8dbe2',
        grid: 'rgba(255,255,255,0.10)',
        axis: 'rgba(255,255,255,0.35)',
        ceiling: '#ff6b6b',
        background: '#16181d',
      }
    : {
        text: '#23262d',
        grid: 'rgba(0,0,0,0.08)',
        axis: 'rgba(0,0,0,0.35)',
        ceiling: '#c62828',
        background: '#ffffff',
      };
}

/** `color` (#rrggbb or rgb()) with alpha `a`. */
export function withAlpha(color: string, a: number): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (hex) return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${a})`;
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(color);
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${a})`;
  return color;
}

/** The two classes of the 2-class datasets (TensorFlow Playground's orange and blue). */
export const CLASS_RGB: readonly [number, number, number][] = [
  [245, 147, 34],
  [8, 119, 189],
];
