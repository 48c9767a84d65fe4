/**
 * Behaviour unchanged: small seeded links, run on this machine's adapter, give records bit-identical to
 * the ones committed in test/fixtures/ (written by the code before the core was re-floored). Every field
 * is compared except `timing` (wall clock) and `adapter` (the machine's device description). Numbers are
 * compared exactly: JSON's shortest round-trip form names each finite double uniquely, and -0, NaN and
 * ±Infinity are written as strings so they are not lost.
 *
 * Float results depend on the adapter (fused multiply-adds, exp/tanh/log), so the fixtures are recorded
 * per adapter family (vendor and architecture, e.g. google-swiftshader, in the file name). On an adapter
 * without fixtures the test still compares everything that does not depend on the arithmetic (the
 * configuration, link, dataset, layers, logged epochs and every result array's shape), and says so.
 *
 * To record fixtures (for a new adapter, or after an intended change of behaviour: say why in the commit):
 *   BITPLANE_WRITE_FIXTURES=1 npx vitest run --project node test/records-unchanged.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../src/gpu/device.ts';
import { parseLink } from '../src/run/link.ts';
import type { RunRecord } from '../src/run/record.ts';
import { runTraining } from '../src/run/runner.ts';
import { testGpu } from './gpu.ts';

/**
 * Fixture name → link. Each runs in a few seconds on SwiftShader. The first three pin the layered trainer
 * (trainer=layered): their numbers are those recorded before the core was re-floored (only the link, the
 * configuration's `trainer` field and the record's `trainer` were added when the fused trainer came). The
 * last guards the fused trainer, which the study's BNN gets by default.
 */
const LINKS: Record<string, string> = {
  // The study's BNN (12-10-7-5-4-3-2, batch norm, ste_sign, Adam) on the 12-bit task: exact sign codes.
  'bnn-bits12': 'v=1&data=bits12&epochs=4&replicas=2&log=every&logk=2&seed=7&trainer=layered',
  'bnn-bits12-fused': 'v=1&data=bits12&epochs=4&replicas=2&log=every&logk=2&seed=7',
  // A tanh DNN with fixed bins, Miller–Madow and the KDE bound, trained by SGD.
  'dnn-tanh-kde':
    'v=1&data=bits12&net=10-float-tanh,7-float-tanh,5-float-tanh&opt=sgd&lr=0.05&epochs=3&replicas=2&kde=1&mm=1&est=test&seed=3&trainer=layered',
  // A mixed network on a toy (adaptive bins over the training part, batch norm on a float layer, a binary
  // output layer, Saxe's init), logged on a schedule.
  'mixed-spiral-adaptive':
    'v=1&data=spiral&samples=300&noise=0.1&net=8-float-bn-relu,6-bin-bn-approx_sign,4-float-tanh&out=binary&init=saxe&batch=32&disc=adaptive&bins=12&est=train&epochs=6&replicas=2&log=every&logk=3&seed=11&trainer=layered',
};

/** The fields that depend on the machine or the clock, left out of the comparison. */
const UNCOMPARED = ['timing', 'adapter'] as const;

function canonical(record: RunRecord): string {
  const kept: Record<string, unknown> = { ...record };
  for (const key of UNCOMPARED) delete kept[key];
  return `${JSON.stringify(
    kept,
    (_k, v) =>
      typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? String(v === 0 ? '-0' : v) : v,
    1,
  )}\n`;
}

/** The arithmetic-free view of a canonical record: every result number and flag becomes its type. */
function structure(text: string): unknown {
  const r = JSON.parse(text);
  const shape = (v: unknown): unknown => (Array.isArray(v) ? v.map(shape) : v === null ? null : typeof v);
  r.metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, shape(v)]));
  for (const k of ['ixt', 'ity', 'near_ceiling', 'occupied']) r.info[k] = shape(r.info[k]);
  if (r.info.kde) r.info.kde = { ...r.info.kde, ixt: shape(r.info.kde.ixt), ity: shape(r.info.kde.ity) };
  return r;
}

/** The adapter family the fixtures are recorded per, e.g. google-swiftshader. */
const adapterKey = (a: RunRecord['adapter']) =>
  `${a.vendor}-${a.architecture}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'unknown';
const fixture = (name: string, key: string) =>
  new URL(`./fixtures/record-${name}.${key}.json`, import.meta.url);
/** The family whose fixtures every link has (this repository's tests run on SwiftShader). */
const RECORDED = 'google-swiftshader';
const writing = process.env.BITPLANE_WRITE_FIXTURES === '1';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await testGpu();
});
afterAll(() => gpu?.destroy());

describe('records of fixed links are unchanged', () => {
  for (const [name, link] of Object.entries(LINKS)) {
    it(name, async () => {
      const { config, issues } = parseLink(link);
      expect(issues).toEqual([]);
      const record = await runTraining(gpu, config);
      expect(record.status).toBe('complete');
      const text = canonical(record);
      const key = adapterKey(record.adapter);
      if (writing) writeFileSync(fixture(name, key), text);
      if (existsSync(fixture(name, key))) {
        // Bit-identical on an adapter family the fixtures were recorded on.
        expect(text).toBe(readFileSync(fixture(name, key), 'utf8'));
      } else {
        console.warn(
          `records-unchanged: no ${key} fixture for ${name}; comparing all but the arithmetic with the ${RECORDED} one`,
        );
        expect(structure(text)).toEqual(structure(readFileSync(fixture(name, RECORDED), 'utf8')));
      }
    });
  }
});
