/**
 * Opening a result record (`bitplane.run/1`, exported by the app or written by `bitplane run`) to view
 * it as a live run. The record's JSON is checked for the shape the views rely on — the configuration,
 * the logged epochs, the layers, the metrics [replica][epoch] and the information plane
 * [replica][epoch][layer] — and a bad file is refused with one message naming the file and the field:
 *
 *   openRecord('{"schema":"x"}', 'a.json') → { error: 'a.json: schema must be "bitplane.run/1", got "x"' }
 *
 * JSON has no NaN: an estimate or metric that was not finite is written as null, and is kept as NaN.
 */
import { ConfigError, parseConfig } from '../config/run-config.ts';
import { RECORD_SCHEMA, type RunRecord } from '../run/record.ts';

export type Opened = { record: RunRecord; error?: undefined } | { record?: undefined; error: string };

type Json = Record<string, unknown>;

class RecordShapeError extends Error {}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function get(root: Json, path: string): unknown {
  let v: unknown = root;
  for (const k of path.split('.')) v = isObject(v) ? v[k] : undefined;
  return v;
}

function object(root: Json, path: string): Json {
  const v = get(root, path);
  if (!isObject(v)) throw new RecordShapeError(`field ${path} must be an object`);
  return v;
}

/** An array at `path`, `length` long when given. */
function array(root: Json, path: string, length?: number): unknown[] {
  const v = get(root, path);
  if (!Array.isArray(v)) throw new RecordShapeError(`field ${path} must be an array`);
  if (length !== undefined && v.length !== length)
    throw new RecordShapeError(`field ${path} holds ${v.length} entries, expected ${length}`);
  return v;
}

/** Numbers or nulls (non-finite values as JSON writes them) → numbers, null → NaN. */
function numbers(v: unknown, path: string, length: number): number[] {
  if (!Array.isArray(v)) throw new RecordShapeError(`field ${path} must be an array`);
  // A diverged or interrupted replica may stop early: at most `length` entries.
  if (v.length > length)
    throw new RecordShapeError(
      `field ${path} holds ${v.length} entries, more than the ${length} logged epochs`,
    );
  return v.map((x, i) => {
    if (x === null) return Number.NaN;
    if (typeof x !== 'number') throw new RecordShapeError(`field ${path}.${i} must be a number`);
    return x;
  });
}

/** [replica][epoch] of numbers. */
function matrix(root: Json, path: string, R: number, E: number): number[][] {
  return array(root, path, R).map((row, r) => numbers(row, `${path}.${r}`, E));
}

/** [replica][epoch][layer]: each epoch's entry holds one value per estimated layer. */
function cube(
  root: Json,
  path: string,
  R: number,
  E: number,
  L: number,
  kind: 'number' | 'boolean',
): unknown[][][] {
  return array(root, path, R).map((row, r) => {
    if (!Array.isArray(row) || row.length > E)
      throw new RecordShapeError(`field ${path}.${r} must be an array of at most ${E} epochs`);
    return row.map((cell, e) => {
      const p = `${path}.${r}.${e}`;
      if (!Array.isArray(cell) || cell.length !== L)
        throw new RecordShapeError(`field ${p} must hold ${L} layers`);
      return cell.map((x, l) => {
        if (kind === 'boolean' ? typeof x === 'boolean' : x === null || typeof x === 'number')
          return x ?? Number.NaN;
        throw new RecordShapeError(`field ${p}.${l} must be a ${kind}`);
      });
    });
  });
}

function check(json: unknown): RunRecord {
  if (!isObject(json)) throw new RecordShapeError('not a JSON object');
  if (json.schema !== RECORD_SCHEMA)
    throw new RecordShapeError(
      `schema must be "${RECORD_SCHEMA}", got ${json.schema === undefined ? 'none' : JSON.stringify(json.schema)}`,
    );
  let config: RunRecord['config'];
  try {
    config = parseConfig(object(json, 'config'));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const first = e.issues[0];
    throw new RecordShapeError(`field config.${first.field}: ${first.message}`);
  }
  const status = json.status;
  if (status !== 'complete' && status !== 'interrupted' && status !== 'diverged')
    throw new RecordShapeError('field status must be "complete", "interrupted" or "diverged"');
  const epochs = array(json, 'epochs');
  if (!epochs.length || !epochs.every((e) => typeof e === 'number' && Number.isInteger(e) && e >= 0))
    throw new RecordShapeError('field epochs must hold at least one epoch number');
  const E = epochs.length;
  const layers = array(json, 'layers');
  layers.forEach((l, i) => {
    if (!isObject(l) || typeof l.name !== 'string' || typeof l.binary !== 'boolean')
      throw new RecordShapeError(`field layers.${i} must have a name and a binary flag`);
  });
  const R = array(json, 'metrics.train_loss').length;
  if (R === 0) throw new RecordShapeError('field metrics.train_loss holds no replica');
  const metrics = object(json, 'metrics');
  for (const k of ['train_loss', 'test_loss', 'train_acc', 'test_acc'])
    metrics[k] = matrix(json, `metrics.${k}`, R, E);
  if (!Array.isArray(metrics.flip_ratio)) metrics.flip_ratio = [];
  const info = object(json, 'info');
  const infoLayers = array(json, 'info.layers');
  infoLayers.forEach((i, k) => {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= layers.length)
      throw new RecordShapeError(
        `field info.layers.${k} must be the index of a layer (0 to ${layers.length - 1})`,
      );
  });
  const L = infoLayers.length;
  const ceilings = object(json, 'info.ceilings');
  if (typeof ceilings.ixt !== 'number' || typeof ceilings.ity !== 'number')
    throw new RecordShapeError('field info.ceilings must hold the numbers ixt and ity');
  info.ixt = cube(json, 'info.ixt', R, E, L, 'number');
  info.ity = cube(json, 'info.ity', R, E, L, 'number');
  info.near_ceiling = cube(json, 'info.near_ceiling', R, E, L, 'boolean');
  if (!Array.isArray(info.occupied)) info.occupied = [];
  const adapter = isObject(json.adapter) ? json.adapter : {};
  if (typeof adapter.name !== 'string') adapter.name = 'unknown adapter';
  if (typeof json.link !== 'string') json.link = '';
  const timing = isObject(json.timing) ? json.timing : {};
  if (typeof timing.started !== 'string') timing.started = '';
  json.timing = timing;
  return { ...json, config, adapter } as unknown as RunRecord;
}

/** Reads one file's text as a result record, or says (naming `file`) why it is not one. */
export function openRecord(text: string, file: string): Opened {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { error: `${file}: not JSON (${(e as Error).message})` };
  }
  try {
    return { record: check(json) };
  } catch (e) {
    if (e instanceof RecordShapeError) return { error: `${file}: ${e.message}` };
    throw e;
  }
}
