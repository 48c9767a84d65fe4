/**
 * Advice before a run: a warning when the network is far too small for the dataset, and the run's
 * time on this adapter estimated from the pace of the last run here (work units per millisecond), and
 * the explainer's guided example.
 *
 *   capacityWarnings(mnist with 10-7-5-4-3 BNN, { inputs: 784, classes: 10 })
 *     → ['layer 5 has 3 sign units: at most 8 codes for 10 classes, …', 'layer 1 has 10 units for 784 inputs: …']
 */
import type { RunConfig } from '../config/run-config.ts';
import { isQuantizer } from '../config/run-config.ts';

/**
 * The guided example: a tanh network (10-7-5-4-3) on the 12-bit task, as a link. 80 epochs, about 20 s on
 * a software adapter: layers 4 and 5 move right while the accuracy rises (to epoch ~25), then left (to
 * epoch ~60) — compression. Measured with `bitplane run` on SwiftShader (seed 1): layer 5 goes 7.2 → 8.8 →
 * 7.1 bits while the training accuracy goes 0.49 → 0.81 → 0.90; layers 1–2 sit at the log2 N ceiling.
 */
export const EXAMPLE_FRAGMENT =
  'v=1&net=10-float-tanh,7-float-tanh,5-float-tanh,4-float-tanh,3-float-tanh&replicas=1&epochs=80';

export interface Dims {
  inputs: number;
  classes: number;
}

/** Far too small, not merely small: a layer that cannot tell the classes apart, or a first layer far narrower than the input. */
export function capacityWarnings(config: RunConfig, dims: Dims): string[] {
  const out: string[] = [];
  config.network.hidden.forEach((l, i) => {
    if (isQuantizer(l.activation) && 2 ** l.width < dims.classes)
      out.push(
        `layer ${i + 1} has ${l.width} sign units: at most ${2 ** l.width} codes for ${dims.classes} classes, so it cannot keep them apart.`,
      );
    else if (!isQuantizer(l.activation) && l.width < Math.ceil(Math.log2(dims.classes)))
      out.push(`layer ${i + 1} has ${l.width} units for ${dims.classes} classes.`);
  });
  const first = config.network.hidden[0];
  if (first && first.width * 40 < dims.inputs)
    out.push(
      `layer 1 has ${first.width} units for ${dims.inputs} inputs: the network is far smaller than the dataset asks (try a preset from the paper experiments).`,
    );
  return out;
}

/** Training samples a run sees per epoch, known before the data loads. */
export function trainSamples(config: RunConfig): number {
  const d = config.data;
  const total =
    d.name === 'bits12' ? 4096 : d.name === 'mnist' ? d.mnistTrain : d.name === 'digits' ? 1797 : d.samples;
  return d.name === 'mnist' ? total : Math.round(total * d.trainFraction);
}

/** The run's work in units (multiply-adds of a training pass, all replicas, `epochs` epochs). */
export function runWork(config: RunConfig, dims: Dims, epochs = config.epochs): number {
  const widths = [dims.inputs, ...config.network.hidden.map((l) => l.width), dims.classes];
  let macs = 0;
  for (let i = 1; i < widths.length; i++) macs += widths[i - 1] * widths[i];
  // Forward, backward and the evaluation pass: about four passes over the weights per sample.
  return 4 * macs * trainSamples(config) * config.replicas * Math.max(0, epochs);
}

/** Seconds for the whole run at `msPerUnit` (measured on this adapter), or NaN when unknown. */
export function estimateSeconds(config: RunConfig, dims: Dims, msPerUnit: number | undefined): number {
  if (!(msPerUnit && msPerUnit > 0 && Number.isFinite(msPerUnit))) return Number.NaN;
  return (runWork(config, dims) * msPerUnit) / 1000;
}
