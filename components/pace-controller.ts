import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RunConfig } from '../src/config/run-config.ts';
import type { AdapterSummary } from '../src/gpu/device.ts';
import type { TransportView } from '../src/run/controller.ts';
import { runWork } from '../src/view/advice.ts';
import { datasetDims } from '../src/view/preview.ts';

const KEY = 'bitplane-pace';

const adapterKey = (a?: AdapterSummary) =>
  a ? `${a.vendor}/${a.architecture}/${a.device}/${a.description}` : '';

/**
 * This adapter's training pace (milliseconds per work unit, src/view/advice.ts), measured from the
 * runs trained here and kept in localStorage per adapter, so that the next run's time can be
 * estimated before Play. It is updated from the playground run's transport updates and saved when a
 * run pauses, stops or finishes.
 */
export class PaceController implements ReactiveController {
  private paces: Record<string, number> = {};

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}');
      if (saved && typeof saved === 'object') this.paces = saved;
    } catch {
      // nothing saved or storage unavailable: no estimate until a run has trained here
    }
  }

  msPerUnit(adapter?: AdapterSummary): number | undefined {
    return this.paces[adapterKey(adapter)];
  }

  observe(v: TransportView, config: RunConfig, adapter?: AdapterSummary) {
    if (!adapter || v.epoch < 1 || !(v.elapsed_s > 0)) return;
    if (v.state !== 'paused' && v.state !== 'done' && v.state !== 'stopped') return;
    const work = runWork(config, datasetDims(config.data), v.epoch);
    if (!(work > 0)) return;
    this.paces = { ...this.paces, [adapterKey(adapter)]: (v.elapsed_s * 1000) / work };
    try {
      localStorage.setItem(KEY, JSON.stringify(this.paces));
    } catch {
      // kept for this page only
    }
    this.host.requestUpdate();
  }
}
