/**
 * The run list (src/view/run-list.ts) over an in-memory store: summaries, one entry per run, the caps on
 * the stored size; and the overlay of several runs (src/view/overlay.ts): one layer of each run in one
 * plane on shared axes, every run's curves labelled.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/run/record.ts';
import { curveData } from '../src/view/curves.ts';
import { openRecord } from '../src/view/open-record.ts';
import { overlayLabel, overlayPlane, sharedLayerCount } from '../src/view/overlay.ts';
import { planeData } from '../src/view/plane.ts';
import {
  keepRun,
  listRuns,
  MAX_BYTES,
  MAX_RUNS,
  MemoryRunStore,
  runId,
  summarize,
} from '../src/view/run-list.ts';

const load = (f: string): RunRecord => openRecord(readFileSync(f, 'utf8'), f).record!;
const bnn = load('test/fixtures/record-bnn-bits12.google-swiftshader.json');
const dnn = load('test/fixtures/record-dnn-tanh-kde.google-swiftshader.json');
const stored = (id: string, kept: number, json = '{}') => ({ id, kept, source: 'run', json });

describe('run list', () => {
  it('summarizes a run: dataset, network, epochs, final accuracy, when', () => {
    const s = summarize('x', 'run', bnn, 0);
    const E = bnn.epochs.length - 1;
    const mean = bnn.metrics.test_acc.reduce((a, r) => a + r[E], 0) / bnn.metrics.test_acc.length;
    expect(s.dataset).toBe('bits12');
    expect(s.network).toMatch(/^10-7-5-4-3 \(binary weights/);
    expect(s.epochs).toBe(`${bnn.epochs[E]} / ${bnn.config.epochs}`);
    expect(s.accuracy).toBeCloseTo(mean, 12);
    expect(s.when).toBe('1970-01-01T00:00:00.000Z'); // the fixture has no start time: when it was kept
    const dated = { ...bnn, timing: { ...bnn.timing, started: '2026-11-30T04:00:00.000Z' } };
    expect(summarize('x', 'run', dated, 0).when).toBe('2026-11-30T04:00:00.000Z');
  });

  it('keeps one entry per run, newest first', async () => {
    const store = new MemoryRunStore();
    await keepRun(store, stored(runId(bnn), 1));
    await keepRun(store, stored(runId(dnn), 2));
    await keepRun(store, stored(runId(bnn), 3, '{"again":1}'));
    const list = await listRuns(store);
    expect(list.map((r) => r.id)).toEqual([runId(bnn), runId(dnn)]);
    expect(list[0].json).toBe('{"again":1}');
    expect(runId(bnn)).not.toBe(runId(dnn));
  });

  it(`drops the oldest runs past ${MAX_RUNS} runs`, async () => {
    const store = new MemoryRunStore();
    for (let i = 0; i < MAX_RUNS + 3; i++) await keepRun(store, stored(`r${i}`, i));
    const ids = (await listRuns(store)).map((r) => r.id);
    expect(ids.length).toBe(MAX_RUNS);
    expect(ids[0]).toBe(`r${MAX_RUNS + 2}`);
    expect(ids).not.toContain('r2');
    expect(ids).toContain('r3');
  });

  it('drops the oldest runs past the byte cap, and refuses one record over it', async () => {
    const store = new MemoryRunStore();
    const third = 'x'.repeat(Math.floor(MAX_BYTES / 3));
    for (let i = 0; i < 4; i++)
      expect(await keepRun(store, stored(`b${i}`, i, third))).toEqual(i < 3 ? [] : ['b0']);
    expect((await listRuns(store)).map((r) => r.id)).toEqual(['b3', 'b2', 'b1']);
    await expect(keepRun(store, stored('big', 9, 'x'.repeat(MAX_BYTES + 1)))).rejects.toThrow(
      /larger than the list's cap/,
    );
  });

  it('delete removes a run', async () => {
    const store = new MemoryRunStore();
    await keepRun(store, stored('a', 1));
    await store.delete('a');
    expect(await listRuns(store)).toEqual([]);
  });
});

describe('overlay', () => {
  const runs = [
    { label: overlayLabel(0, bnn), record: bnn },
    { label: overlayLabel(1, dnn), record: dnn },
  ];

  it('puts the same layer of each run in one plane on shared axes', () => {
    const n = sharedLayerCount(runs);
    expect(n).toBe(Math.min(planeData(bnn).layers.length, planeData(dnn).layers.length));
    const p = overlayPlane(runs, 1);
    expect(p.layers.map((l) => l.name)).toEqual([
      `${runs[0].label} · hidden 2`,
      `${runs[1].label} · hidden 2`,
    ]);
    expect(p.layers[0].points).toEqual(planeData(bnn).layers[1].points);
    expect(p.layers[1].points).toEqual(planeData(dnn).layers[1].points);
    expect(p.layers.map((l) => l.layer)).toEqual([0, 1]);
    for (const q of [planeData(bnn), planeData(dnn)]) {
      expect(p.xRange[1]).toBeGreaterThanOrEqual(q.xRange[1]);
      expect(p.yRange[1]).toBeGreaterThanOrEqual(q.yRange[1]);
    }
    expect(overlayPlane(runs, 99).layers).toEqual([]);
  });

  it('labels each run and its curves', () => {
    expect(runs[0].label).toBe('1 · bits12 10-7-5-4-3 bnn seed 7');
    const loss = curveData(runs, 'loss', { logX: false, logY: false });
    const labels = loss.series.map((s) => s.label).join(' | ');
    expect(labels).toContain(runs[0].label);
    expect(labels).toContain(runs[1].label);
  });
});
