/**
 * The charts' text alternatives (src/view/summaries.ts) and the transport's keyboard shortcuts
 * (src/view/keys.ts), in Node.
 */
import { describe, expect, it } from 'vitest';
import type { CurveData } from '../src/view/curves.ts';
import { keyAction } from '../src/view/keys.ts';
import { emptyPlane, type PlaneData } from '../src/view/plane.ts';
import { curveRows, curveSummary, planeRows, planeSummary } from '../src/view/summaries.ts';

const point = (epoch: number, x: number, y: number, unreliable = false) => ({
  epoch,
  x,
  y,
  sx: 0,
  sy: 0,
  unreliable,
});

const plane: PlaneData = {
  ...emptyPlane(10),
  layers: [
    {
      layer: 0,
      name: 'hidden 1',
      binaryOutput: true,
      width: 10,
      points: [point(0, 2, 0.1), point(10, 11.5, 0.95, true)],
      replicas: [],
      unreliableNow: true,
      unreliableShare: 0.5,
    },
    {
      layer: 1,
      name: 'hidden 2',
      binaryOutput: true,
      width: 7,
      points: [point(0, 1, 0.05), point(10, 3.25, 0.5)],
      replicas: [],
      unreliableNow: false,
      unreliableShare: 0,
    },
  ],
  count: 2,
  maxEpoch: 10,
};

const curves: CurveData = {
  x: [0, 5, 10],
  series: [
    { label: 'train', split: 'train', run: 0, mean: [0.7, 0.6, 0.5], lo: [], hi: [] },
    { label: 'test', split: 'test', run: 0, mean: [0.72, 0.65, null], lo: [], hi: [] },
  ],
};

describe('text alternatives', () => {
  it('summarises the plane by each layer’s latest point, flagging the unreliable ones', () => {
    expect(planeSummary(plane, 'Information plane')).toBe(
      'Information plane at epoch 10: hidden 1 I(X;T) 11.5, I(T;Y) 0.95 (near log₂N: unreliable); hidden 2 I(X;T) 3.25, I(T;Y) 0.5.',
    );
    expect(planeSummary(emptyPlane(5), 'Information plane')).toBe('Information plane: no estimates yet.');
    expect(planeRows(plane)).toEqual([
      ['hidden 1', '0', '2', '0.1'],
      ['hidden 1', '10', '11.5', '0.95'],
      ['hidden 2', '0', '1', '0.05'],
      ['hidden 2', '10', '3.25', '0.5'],
    ]);
  });

  it('summarises a curve chart by its last epoch with a value, and tabulates every epoch', () => {
    expect(curveSummary(curves, 'Loss')).toBe('Loss at epoch 10: train 0.5.');
    expect(curveSummary({ x: [], series: [] }, 'Loss')).toBe('Loss: no values yet.');
    expect(curveRows(curves)).toEqual({
      header: ['epoch', 'train', 'test'],
      rows: [
        ['0', '0.7', '0.72'],
        ['5', '0.6', '0.65'],
        ['10', '0.5', ''],
      ],
    });
  });
});

describe('keyboard', () => {
  const body = { tagName: 'BODY' };
  it('Space plays or pauses, → steps (not while training), R resets', () => {
    expect(keyAction({ key: ' ' }, body, false)).toBe('play');
    expect(keyAction({ key: ' ' }, body, true)).toBe('pause');
    expect(keyAction({ key: 'ArrowRight' }, body, false)).toBe('step');
    expect(keyAction({ key: 'ArrowRight' }, body, true)).toBeNull();
    expect(keyAction({ key: 'r' }, body, true)).toBe('reset');
    expect(keyAction({ key: 'R' }, body, false)).toBe('reset');
    expect(keyAction({ key: 'x' }, body, false)).toBeNull();
  });

  it('leaves keys typed into fields, pressed on controls, or with modifiers alone', () => {
    for (const tagName of ['INPUT', 'select', 'TEXTAREA', 'BUTTON', 'SUMMARY', 'A'])
      expect(keyAction({ key: ' ' }, { tagName }, false), tagName).toBeNull();
    expect(keyAction({ key: 'r' }, { tagName: 'DIV', isContentEditable: true }, false)).toBeNull();
    expect(keyAction({ key: 'r', ctrlKey: true }, body, false)).toBeNull();
    expect(keyAction({ key: 'r', metaKey: true }, body, false)).toBeNull();
    expect(keyAction({ key: ' ', repeat: true }, body, false)).toBeNull();
    expect(keyAction({ key: ' ' }, null, false)).toBe('play');
  });
});
