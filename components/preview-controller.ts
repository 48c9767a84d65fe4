import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RunConfig } from '../src/config/run-config.ts';
import { bits12Dataset } from '../src/data/bits12.ts';
import { loadDataset } from '../src/data/load.ts';
import { TOY_NAMES, toyDataset } from '../src/data/toys.ts';
import type { DatasetName } from '../src/data/types.ts';
import { Rng } from '../src/util/rng.ts';
import { type PreviewImage, previewImage } from '../src/view/preview.ts';

const PREVIEW_SAMPLES = 600;

/**
 * The dataset cards' previews: the 12-bit task and the toys (from the run's seed, samples and noise: the
 * toys' 'data' stream as in a run) at once; the 8×8 digits after the first paint; MNIST when it is
 * chosen. The host calls `update()` whenever its configuration changes and renders again when a
 * preview arrives.
 */
export class PreviewController implements ReactiveController {
  previews: Partial<Record<DatasetName, PreviewImage>> = {};
  private toyKey = '';
  private readonly loading = new Set<DatasetName>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly config: () => RunConfig,
  ) {
    host.addController(this);
  }

  hostConnected() {
    this.update();
  }

  update() {
    const config = this.config();
    const next = { ...this.previews };
    let changed = false;
    if (!next.bits12) {
      next.bits12 = previewImage(bits12Dataset());
      changed = true;
    }
    const d = config.data;
    const key = `${config.seed}|${d.samples}|${d.noise}`;
    if (key !== this.toyKey) {
      this.toyKey = key;
      for (const name of TOY_NAMES) {
        const rng = new Rng(config.seed).derive('data');
        next[name] = previewImage(toyDataset(name, Math.min(d.samples, PREVIEW_SAMPLES), d.noise, rng));
      }
      changed = true;
    }
    if (changed) {
      this.previews = next;
      this.host.requestUpdate();
    }
    this.load('digits');
    if (d.name === 'mnist') this.load('mnist');
  }

  private load(name: 'digits' | 'mnist') {
    if (this.previews[name] || this.loading.has(name)) return;
    this.loading.add(name);
    setTimeout(async () => {
      try {
        const ds = await loadDataset({ name, mnistTrain: 10, mnistTest: 1 }, new Rng(0));
        this.previews = { ...this.previews, [name]: previewImage(ds) };
        this.host.requestUpdate();
      } catch {
        // no preview; training will report the problem when it loads the dataset
      }
    }, 0);
  }
}
