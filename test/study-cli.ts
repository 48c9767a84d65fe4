/** Helper, not a test: `bitplane study` run in-process, with its exit code and what it printed. */
import { vi } from 'vitest';
import { studyCommand } from '../src/cli/study-command.ts';

export async function study(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(console, 'error').mockImplementation((...s) => {
    stderr += `${s.join(' ')}\n`;
  });
  try {
    return { code: await studyCommand(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
