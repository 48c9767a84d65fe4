/**
 * Editing the run configuration from the controls: one field at a time, validated by the same schema as
 * links and the command line. An edit that the schema rejects leaves the configuration as it was and
 * returns the issues, each naming its field, for the control to show.
 *
 *   editConfig(config, ['optimizer', 'lr'], 0.01)   → { config: {…, optimizer: {…, lr: 0.01}}, issues: [] }
 *   editConfig(config, ['optimizer', 'lr'], -1)     → { config: null, issues: [{ field: 'optimizer.lr', … }] }
 */
import { ConfigError, type ConfigIssue, parseConfig, type RunConfig } from '../config/run-config.ts';

export type FieldPath = readonly (string | number)[];

export interface EditResult {
  /** The new configuration, or null when the edit is invalid. */
  config: RunConfig | null;
  issues: ConfigIssue[];
}

export function editConfig(config: RunConfig, path: FieldPath, value: unknown): EditResult {
  if (!path.length) return { config: null, issues: [{ field: '(config)', message: 'no field given' }] };
  const next = structuredClone(config) as unknown as Record<string | number, unknown>;
  let o = next;
  for (const k of path.slice(0, -1)) {
    const child = o[k];
    if (typeof child !== 'object' || child === null)
      return { config: null, issues: [{ field: path.join('.'), message: 'no such field' }] };
    o = child as Record<string | number, unknown>;
  }
  o[path[path.length - 1]] = value;
  try {
    return { config: parseConfig(next), issues: [] };
  } catch (e) {
    if (e instanceof ConfigError) return { config: null, issues: e.issues };
    throw e;
  }
}

/** The issues about the field at `path` or inside it ('network.hidden' matches 'network.hidden.2.width'). */
export function issuesAt<T extends { field: string }>(issues: readonly T[], path: FieldPath): T[] {
  const p = path.join('.');
  return issues.filter((i) => i.field === p || i.field.startsWith(`${p}.`));
}

/** A number typed into a field: '' and anything unparsable become NaN (the schema then names the field). */
export function numberFrom(text: string): number {
  const t = text.trim();
  return t === '' ? Number.NaN : Number(t);
}
