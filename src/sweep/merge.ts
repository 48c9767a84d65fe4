/**
 * The records of runs that differ only by seed, as one record whose replicas are all their replicas
 * (pure): so the app's figure sheet draws every seed's trajectory in one information plane, as it draws
 * a run's replicas. Only records that agree on the logged epochs and the layers can be merged.
 */
import type { RunRecord } from '../run/record.ts';
import { withoutSeed } from './study.ts';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Why these records cannot be drawn as one, or null when they can. */
export function mergeProblem(records: readonly RunRecord[]): string | null {
  if (records.length === 0) return 'no records';
  const [first] = records;
  for (const r of records.slice(1)) {
    if (withoutSeed(r.link) !== withoutSeed(first.link))
      return `${r.link} differs from ${first.link} by more than the seed`;
    if (!same(r.epochs, first.epochs)) return `${r.link} logged other epochs than ${first.link}`;
    if (!same(r.layers, first.layers) || !same(r.info.layers, first.info.layers))
      return `${r.link} has other layers than ${first.link}`;
  }
  return null;
}

export function mergeSeeds(records: readonly RunRecord[]): RunRecord {
  const problem = mergeProblem(records);
  if (problem) throw new Error(`cannot merge: ${problem}`);
  const [first] = records;
  const cat = <T>(pick: (r: RunRecord) => T[]) => records.flatMap(pick);
  const replicas = records.reduce((n, r) => n + r.config.replicas, 0);
  const seeds = records.map((r) => r.config.seed);
  const kde = records.every((r) => r.info.kde)
    ? { ...first.info.kde!, ixt: cat((r) => r.info.kde!.ixt), ity: cat((r) => r.info.kde!.ity) }
    : undefined;
  return {
    ...first,
    status: records.every((r) => r.status === 'complete') ? 'complete' : 'interrupted',
    message: `${records.length} seeds (${seeds.join(', ')}), drawn as ${replicas} replicas`,
    config: { ...first.config, replicas },
    link: withoutSeed(first.link),
    metrics: {
      train_loss: cat((r) => r.metrics.train_loss),
      test_loss: cat((r) => r.metrics.test_loss),
      train_acc: cat((r) => r.metrics.train_acc),
      test_acc: cat((r) => r.metrics.test_acc),
      flip_ratio: cat((r) => r.metrics.flip_ratio),
    },
    info: {
      ...first.info,
      ixt: cat((r) => r.info.ixt),
      ity: cat((r) => r.info.ity),
      near_ceiling: cat((r) => r.info.near_ceiling),
      occupied: cat((r) => r.info.occupied),
      ...(kde ? { kde } : { kde: undefined }),
    },
  };
}
