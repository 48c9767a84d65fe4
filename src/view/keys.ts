/**
 * The transport's keyboard shortcuts: Space plays or pauses, → steps one epoch, R resets. Keys typed
 * into a field, or pressed on a control that uses them itself (a button's Space, a slider's arrows),
 * and keys with Ctrl, Alt or Meta are left alone.
 */
export type KeyAction = 'play' | 'pause' | 'step' | 'reset';

/** What the key asks of the run, or null. `busy`: the run is training or preparing (Space pauses it). */
export function keyAction(
  e: { key: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean; repeat?: boolean },
  target: { tagName?: string; isContentEditable?: boolean } | null,
  busy: boolean,
): KeyAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return null;
  const tag = target?.tagName?.toUpperCase() ?? '';
  if (target?.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'SUMMARY', 'A'].includes(tag))
    return null;
  if (e.key === ' ' || e.key === 'Spacebar') return busy ? 'pause' : 'play';
  if (e.key === 'ArrowRight') return busy ? null : 'step';
  if (e.key === 'r' || e.key === 'R') return 'reset';
  return null;
}
