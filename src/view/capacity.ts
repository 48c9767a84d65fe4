/**
 * The capacity view's data: the same network trained at k = 1, 2, 4, 8 bits and as float
 * (src/run/presets.ts `capacityConfigs`), one information plane per network on shared axes (the union of
 * the five planes' ranges, so a point sits at the same place in every chart), and each network's train
 * and test accuracy at its latest logged epoch (mean over replicas).
 *
 *   capacityPanels(capacityConfigs(config), transport.records)
 *   → { panels: [{ kind: 'bnn', label: 'k = 1 (BNN)', plane, accuracy: { epoch, train, test } }, …],
 *       xRange, yRange }
 *
 * Before a run has records, its plane is empty with the x axis of its planned epochs.
 */
import type { RunConfig } from '../config/run-config.ts';
import type { CapacityKind } from '../run/presets.ts';
import type { RunRecord } from '../run/record.ts';
import { formatMetric } from './format.ts';
import { emptyPlane, type PlaneData, planeData, sharedRanges } from './plane.ts';

export interface Accuracy {
  /** The latest logged epoch with a finite accuracy, or null before any. */
  epoch: number | null;
  /** Mean over the replicas with a finite value; null before any. */
  train: number | null;
  test: number | null;
}

export interface CapacityPanel {
  kind: CapacityKind;
  label: string;
  config: RunConfig;
  record?: RunRecord;
  plane: PlaneData;
  accuracy: Accuracy;
}

type AccuracyLike = Pick<RunRecord, 'epochs' | 'metrics'>;

const finiteMean = (vs: unknown[]): number | null => {
  const ok = vs.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (!ok.length) return null;
  let s = 0;
  for (const v of ok) s += v;
  return s / ok.length;
};

/** Train and test accuracy at the latest logged epoch where either is finite for some replica. */
export function latestAccuracy(record: AccuracyLike | undefined): Accuracy {
  if (record) {
    const { train_acc, test_acc } = record.metrics;
    for (let i = record.epochs.length - 1; i >= 0; i--) {
      const train = finiteMean(train_acc.map((r) => r[i]));
      const test = finiteMean(test_acc.map((r) => r[i]));
      if (train !== null || test !== null) return { epoch: record.epochs[i], train, test };
    }
  }
  return { epoch: null, train: null, test: null };
}

/** "train 0.875 · test 0.8125 (epoch 10)", or "not trained yet". */
export function accuracyText(a: Accuracy): string {
  if (a.epoch === null) return 'not trained yet';
  return `train ${formatMetric(a.train)} · test ${formatMetric(a.test)} (epoch ${a.epoch})`;
}

/** The five panels (records in the order of `runs`) and the axis ranges they share. */
export function capacityPanels(
  runs: readonly { kind: CapacityKind; label: string; config: RunConfig }[],
  records: readonly RunRecord[],
): { panels: CapacityPanel[]; xRange: [number, number]; yRange: [number, number] } {
  const panels = runs.map((run, k) => {
    const record = records[k];
    const plane = record ? planeData(record) : emptyPlane(run.config.epochs);
    return { ...run, record, plane, accuracy: latestAccuracy(record) };
  });
  return { panels, ...sharedRanges(panels.map((p) => p.plane)) };
}
