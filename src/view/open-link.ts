/**
 * Opening a run link in the app: a link from another link version is refused as a whole (nothing of it
 * is applied: its keys may mean something else there), any other link is applied field by field, its
 * bad fields reported (src/run/link.ts).
 *
 *   openLink('v=1&epochs=5')   → { config: {…, epochs: 5}, issues: [], refused: false }
 *   openLink('v=99&epochs=5')  → { config: null, issues: [{ key: 'v', … }], refused: true }
 */
import type { RunConfig } from '../config/run-config.ts';
import { type LinkIssue, parseLink } from '../run/link.ts';

export interface OpenedLink {
  /** The configuration to apply, or null when the link is refused. */
  config: RunConfig | null;
  /** What the link gets wrong: the bad fields, or only the version when it is refused. */
  issues: LinkIssue[];
  refused: boolean;
}

export function openLink(link: string): OpenedLink {
  const { config, issues } = parseLink(link);
  const version = issues.filter((i) => i.key === 'v');
  if (version.length) return { config: null, issues: version, refused: true };
  return { config, issues, refused: false };
}
