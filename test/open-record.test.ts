/**
 * Opening result records in the app (src/view/open-record.ts): real records written by `bitplane run`
 * open and keep their numbers; broken files are refused with a message naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordJson } from '../src/view/export.ts';
import { openRecord } from '../src/view/open-record.ts';
import { planeData } from '../src/view/plane.ts';

const text = readFileSync('test/fixtures/record-bnn-bits12.google-swiftshader.json', 'utf8');
const json = () => JSON.parse(text);
const refused = (j: unknown, file = 'r.json') => openRecord(JSON.stringify(j), file).error;

describe('openRecord', () => {
  it('opens a record written by bitplane run and keeps its numbers', () => {
    const { record, error } = openRecord(text, 'run.json');
    expect(error).toBeUndefined();
    expect(record!.config.data.name).toBe('bits12');
    expect(record!.epochs).toEqual(json().epochs);
    expect(record!.info.ixt).toEqual(json().info.ixt);
    expect(planeData(record!).layers.length).toBe(json().info.layers.length);
  });

  it('opens what the app exports (a round trip through recordJson)', () => {
    const { record } = openRecord(text, 'a.json');
    const again = openRecord(recordJson(record!), 'b.json');
    expect(again.error).toBeUndefined();
    expect(again.record!.metrics.test_acc).toEqual(record!.metrics.test_acc);
  });

  it('keeps a null (non-finite) estimate as NaN', () => {
    const j = json();
    j.info.ixt[0][1][0] = null;
    expect(Number.isNaN(openRecord(JSON.stringify(j), 'n.json').record!.info.ixt[0][1][0])).toBe(true);
  });

  it('refuses bad files, naming the file and the problem', () => {
    expect(openRecord('{oops', 'x.json').error).toMatch(/^x\.json: not JSON/);
    expect(refused([1, 2])).toBe('r.json: not a JSON object');
    expect(refused({ ...json(), schema: 'bitplane.sweep/1' })).toBe(
      'r.json: schema must be "bitplane.run/1", got "bitplane.sweep/1"',
    );
    expect(refused({ ...json(), config: { ...json().config, epochs: -3 } })).toMatch(
      /^r\.json: field config\.epochs: /,
    );
    expect(refused({ ...json(), config: undefined })).toBe('r.json: field config must be an object');
    expect(refused({ ...json(), status: 'done' })).toMatch(/field status must be/);
    expect(refused({ ...json(), epochs: [] })).toMatch(/field epochs must hold at least one epoch/);
    const j = json();
    j.metrics.test_acc.pop();
    expect(refused(j)).toMatch(/field metrics\.test_acc holds 1 entries, expected 2/);
    const k = json();
    k.info.ity[1][2] = [0.5];
    expect(refused(k)).toMatch(/^r\.json: field info\.ity\.1\.2 must hold \d+ layers$/);
    const m = json();
    m.info.near_ceiling[0][0][0] = 'yes';
    expect(refused(m)).toBe('r.json: field info.near_ceiling.0.0.0 must be a boolean');
    const n = json();
    n.info.layers = [99];
    expect(refused(n)).toMatch(/field info\.layers\.0 must be the index of a layer/);
    const o = json();
    delete o.info;
    expect(refused(o)).toBe('r.json: field info must be an object');
  });
});
