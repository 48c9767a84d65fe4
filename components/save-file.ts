import { stampedName } from '../src/view/export.ts';

/**
 * Saves a blob as a download under `name` with the time of saving added (src/view/export.ts
 * stampedName): a second export never overwrites the first.
 */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = stampedName(name, new Date());
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
