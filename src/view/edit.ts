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

/**
 * A configuration field as the controls name it: layers counted from 1 as the network editor shows
 * them, without the schema's nesting ('network.hidden.0.width' → 'layer 1 width', 'optimizer.lr' →
 * 'optimizer lr', 'data.samples' → 'samples').
 */
export function fieldLabel(field: string): string {
  const parts = field.split('.');
  if (parts[0] === 'network' && parts[1] === 'hidden') {
    const i = Number(parts[2]);
    if (parts.length > 2 && Number.isInteger(i)) return [`layer ${i + 1}`, ...parts.slice(3)].join(' ');
    return 'layers';
  }
  if (parts[0] === 'network' || parts[0] === 'data') parts.shift();
  return parts.join(' ') || field;
}

/** A schema message in plain words ("Too small: expected number to be >=1" → "must be ≥ 1"). */
export function plainMessage(message: string): string {
  const bound =
    /^Too (small|big): expected (?:number|array|string) to (?:be|have) ([<>]=?)\s*([-\d.e+]+)(.*)$/i.exec(
      message,
    );
  if (bound) {
    const op = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' }[bound[2]] ?? bound[2];
    return `must be ${op} ${bound[3]}${bound[4]}`;
  }
  if (/^Invalid input: expected int, received number$/.test(message)) return 'must be a whole number';
  return message;
}

/** An issue as one line for the controls: "layer 1 width must be ≥ 1". */
export function issueText(issue: { field: string; message: string }): string {
  const message = plainMessage(issue.message);
  return message.startsWith('must ')
    ? `${fieldLabel(issue.field)} ${message}`
    : `${fieldLabel(issue.field)}: ${message}`;
}
