/** Runs prepared ops in order, in one compute pass of one submit, inside error scopes. */
import type { Gpu } from './device.ts';
import type { PreparedOp } from './kernel.ts';
import { submit } from './submit.ts';

export function runOps(gpu: Gpu, label: string, ops: readonly PreparedOp[]): Promise<void> {
  return submit(gpu, label, (encoder) => {
    const pass = encoder.beginComputePass({ label });
    for (const op of ops) op.encode(pass);
    pass.end();
  });
}
