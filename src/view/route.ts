/**
 * The app's views and the URL fragment. The fragment says which view is open and carries that view's
 * settings; the run configuration part is a link of src/run/link.ts:
 *
 *   #v=1&lr=0.01&…            the playground (also the empty fragment)
 *   #compare&v=1&lr=0.01&…    the DNN-vs-BNN comparison with that configuration
 *   #capacity&v=1&lr=0.01&…   the capacity view: its widths at k = 1, 2, 4, 8 bits and float
 *   #bench&sizes=…            the kernel benchmarks (src/bench/settings.ts reads the rest)
 *   #checks                   the kernel self-check
 *
 * Pure string functions; only the app's entry module touches `location`.
 */
import { fragmentOf } from '../run/link.ts';

export const VIEWS = ['playground', 'compare', 'capacity', 'bench', 'checks'] as const;
export type View = (typeof VIEWS)[number];

/** The views that train runs of the link's configuration (the rest of their fragment is a run link). */
export const LIVE_VIEWS = ['playground', 'compare', 'capacity'] as const;
export type LiveView = (typeof LIVE_VIEWS)[number];

export const isLiveView = (view: View): view is LiveView => (LIVE_VIEWS as readonly View[]).includes(view);

export const VIEW_LABELS: Record<View, string> = {
  playground: 'Playground',
  compare: 'DNN vs BNN',
  capacity: 'Capacity',
  bench: 'Benchmarks',
  checks: 'Self-check',
};

export interface Route {
  view: View;
  /** The rest of the fragment: the run link (the live views) or the view's own settings. */
  rest: string;
}

/** The view and the rest of a fragment (with or without '#', or a whole URL). */
export function parseRoute(text: string): Route {
  const fragment = fragmentOf(String(text));
  const m = /^(compare|capacity|bench|checks)(?:&|$)(.*)$/s.exec(fragment);
  if (!m) return { view: 'playground', rest: fragment };
  return { view: m[1] as View, rest: m[2] };
}

/** The fragment (without '#') of a view with its link or settings. */
export function routeFragment(view: View, rest = ''): string {
  if (view === 'playground') return rest;
  return rest ? `${view}&${rest}` : view;
}
