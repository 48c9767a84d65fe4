/**
 * Several estimators in one run (`estimator.estimators`, link key `estimators`): each extra estimator's
 * numbers equal those of a run whose primary estimator is that one (same seed, so the same training; codes
 * and counts are exact, and the KDE sums run in a fixed order), binary layers are null under every extra
 * estimator, old configurations carry no such field, and `bitplane study` reads the extras as estimators
 * of the robustness table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { studyCommand } from '../src/cli/study-command.ts';
import type { Gpu } from '../src/gpu/device.ts';
import { EXTRA_ESTIMATORS } from '../src/info/settings.ts';
import { parseLink, serializeLink } from '../src/run/link.ts';
import type { RunRecord } from '../src/run/record.ts';
import { TrainingSession } from '../src/run/session.ts';
import { robustnessVariants } from '../src/study/analyze.ts';
import { groupExperiments, parseRecord } from '../src/study/records.ts';
import { testGpu } from './gpu.ts';

let gpu: Gpu;
const dir = mkdtempSync(join(tmpdir(), 'bitplane-extra-est-'));
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => {
  gpu?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

// A float layer, a binary one, a float one: est=test keeps the KDE's n small.
const BASE =
  'v=1&data=bits12&net=6-float-tanh,4-bin-bn-ste_sign,3-float-relu&opt=sgd&lr=0.05&epochs=2&replicas=2&est=test&seed=5';
const ALL = `estimators=${EXTRA_ESTIMATORS.join(',')}`;

async function run(link: string): Promise<RunRecord> {
  const { config, issues } = parseLink(link);
  expect(issues).toEqual([]);
  const session = await TrainingSession.create(gpu, config);
  try {
    await session.start();
    while (!session.done) await session.next();
    return session.record;
  } finally {
    session.dispose();
  }
}

/** The float layers' entries of [replica][epoch][layer]; the binary layer (index 1) left out. */
const floats = (x: (number | null)[][][]) => x.map((rep) => rep.map((row) => [row[0], row[2]]));

describe('extra estimators', () => {
  it('the link key round-trips, and an old link has no estimators field', () => {
    const { config } = parseLink(`${BASE}&${ALL}`);
    expect(config.estimator.estimators).toEqual([...EXTRA_ESTIMATORS]);
    expect(serializeLink(config)).toContain(`&${ALL}`);
    expect(parseLink(serializeLink(config)).config).toEqual(config);
    expect('estimators' in parseLink(BASE).config.estimator).toBe(false);
    const bad = parseLink(`${BASE}&estimators=bins30,bins31`);
    expect(bad.issues.map((i) => i.key)).toEqual(['estimators']);
  });

  it('each extra estimator equals a run with it as the primary one; binary layers are null', async () => {
    const all = await run(`${BASE}&${ALL}`);
    const est = all.info.estimates!;
    expect(Object.keys(est)).toEqual([...EXTRA_ESTIMATORS]);
    for (const x of Object.values(est))
      for (const rep of [...x.ixt, ...x.ity])
        for (const row of rep) {
          expect(row[1]).toBeNull();
          expect(Number.isFinite(row[0]) && Number.isFinite(row[2])).toBe(true);
        }
    expect(est['kde1e-3'].n).toBe(all.dataset.test);
    expect(est.bins30.n).toBeUndefined();
    writeFileSync(join(dir, 'dnn-all.json'), JSON.stringify(all));

    const binned = { bins30: 'disc=fixed', 'width0.07': 'disc=width', adaptive30: 'disc=adaptive' };
    for (const [name, key] of Object.entries(binned)) {
      const ref = await run(`${BASE}&${key}`);
      expect(ref.metrics.train_loss).toEqual(all.metrics.train_loss);
      expect(floats(est[name].ixt)).toEqual(floats(ref.info.ixt));
      expect(floats(est[name].ity)).toEqual(floats(ref.info.ity));
    }
    for (const [name, variance] of [
      ['kde1e-3', '0.001'],
      ['kde1e-1', '0.1'],
    ] as const) {
      const ref = await run(`${BASE}&kde=1&kdevar=${variance}`);
      expect(est[name].ixt).toEqual(ref.info.kde!.ixt);
      expect(est[name].ity).toEqual(ref.info.kde!.ity);
    }
  }, 600_000);

  it('bitplane study reads the extras; a binary layer falls back to its exact codes', async () => {
    const json = JSON.parse(
      JSON.stringify(await run(`${BASE.replace('est=test', 'est=train')}&estimators=kde1e-1,bins30`)),
    );
    const parsed = parseRecord(json, 'x.json');
    const [x] = groupExperiments([parsed]);
    const s = x.replicas[0];
    const kde = s.estimates.get('kde1e-1')!;
    const primary = s.estimates.get(x.primaryEstimator)!;
    expect(kde.ixt[1]).toEqual(primary.ixt[1]);
    expect(kde.ixt[0]).not.toEqual(primary.ixt[0]);
    expect(robustnessVariants([x]).map((v) => v.name)).toEqual(
      expect.arrayContaining(['estimator kde1e-1', 'estimator bins30']),
    );
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await studyCommand([dir, '--out', join(tmpdir(), `bitplane-extra-study-${process.pid}`)])).toBe(
        0,
      );
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }, 300_000);
});
