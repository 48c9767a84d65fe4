/**
 * The live views (src/view/route.ts: the playground, DNN vs BNN, capacity): the configurations each one
 * trains from the link's configuration, its transport before a run, and the note under its controls.
 *
 *   liveConfigs('playground', c)  → [c]
 *   liveConfigs('compare', c)     → [c as a DNN (tanh or ReLU), c as a BNN]
 *   liveConfigs('capacity', c)    → [c at k = 1, 2, 4, 8 bits, c as float]   (src/run/presets.ts)
 */
import type { RunConfig } from '../config/run-config.ts';
import type { TransportView } from '../run/controller.ts';
import { capacityConfigs, comparisonConfigs, type DnnKind } from '../run/presets.ts';
import type { LiveView } from './route.ts';

export function liveConfigs(view: LiveView, config: RunConfig, dnnKind: DnnKind = 'dnn-tanh'): RunConfig[] {
  if (view === 'playground') return [config];
  if (view === 'compare') {
    const { dnn, bnn } = comparisonConfigs(config, dnnKind);
    return [dnn, bnn];
  }
  return capacityConfigs(config).map((r) => r.config);
}

/** A view's transport before its run is made. */
export const idleTransport = (epochs: number): TransportView => ({
  state: 'idle',
  epoch: 0,
  epochs,
  elapsed_s: 0,
  eta_s: Number.NaN,
  records: [],
  revision: 0,
});

/** Under the network editor: which layer kinds a view trains when they are not the editor's. */
export const CONTROLS_NOTE: Record<LiveView, string> = {
  playground: '',
  compare:
    'DNN vs BNN trains these widths twice, as a DNN and as a BNN (the presets); the layer kinds set here apply in the playground.',
  capacity:
    'Capacity trains these widths five times, at k = 1, 2, 4, 8 bits and as float (hardtanh); the layer kinds set here apply in the playground.',
};
