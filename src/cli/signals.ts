/**
 * Stop signals for long commands (`run`, `reproduce`, sweeps): SIGINT (Ctrl-C), SIGTERM (`kill`,
 * `timeout`, a scheduler's time limit) and SIGHUP (a closed terminal) are handled alike.
 *
 * The first signal aborts `signal`: the command finishes or abandons the epoch in flight and writes what
 * was computed with status `interrupted`. A second signal, of any of the three, stops at once: the
 * temporary files of writes in flight are removed (writeFileAtomic never leaves a half-written file
 * under its final name), and the process exits with 128 + the signal's number.
 */
import { rmSync } from 'node:fs';
import { tempFilesInFlight } from './output.ts';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The shell's convention: 128 + the signal number. */
export const SIGNAL_EXIT_CODE: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export interface StopSignals {
  /** Aborted by the first stop signal. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: StopSignal | undefined;
  /** The exit code for an interrupted command: 128 + the first signal's number (130 when none came). */
  readonly exitCode: number;
  /** Removes the handlers (the default behaviour of each signal is restored). */
  release(): void;
  /**
   * The command's work is written; it is shutting down. A signal from now on exits at once with its code
   * (nothing is in flight), instead of the default action racing the shutdown. The handlers stay until
   * the process exits: for a command that runs once per process (`bitplane run`).
   */
  finished(): void;
}

export interface StopSignalOptions {
  /** The command's name, for messages ("bitplane run"). */
  name: string;
  /** What the first signal does, for its message ("finishing this epoch, then writing what was computed"). */
  firstMessage: string;
  /** Called on the first signal, after `signal` is aborted (e.g. forward it to children). */
  onFirst?: (sig: StopSignal) => void;
  /** Called on the second signal before the process exits (e.g. kill children). */
  onSecond?: (sig: StopSignal) => void;
  /** Where messages go (stderr by default; tests pass their own). */
  log?: (line: string) => void;
}

/** Removes the temporary files of atomic writes still in flight (synchronously: the process is exiting). */
export function removeTempFilesInFlight(): void {
  for (const tmp of tempFilesInFlight) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing more can be done while exiting; the name is a dot-file and never the record's
    }
  }
  tempFilesInFlight.clear();
}

/**
 * Ends the process at once by the signal itself, the Unix way after cleaning up: the handlers are removed
 * and the signal raised again, so the kernel ends the process with its default action and the shell sees
 * 128 + its number. Not process.exit(): that runs native destructors while the GPU (Dawn, SwiftShader's
 * threads) may still be working on the epoch in flight, which can crash the process (SIGSEGV).
 */
function dieBy(sig: StopSignal): void {
  for (const s of STOP_SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, sig);
  // The signal is delivered asynchronously; should the process still be here, exit with its code.
  setTimeout(() => process.exit(SIGNAL_EXIT_CODE[sig]), 1000).unref?.();
}

/** Installs the handlers for SIGINT, SIGTERM and SIGHUP until `release()`. */
export function handleStopSignals(options: StopSignalOptions): StopSignals {
  const controller = new AbortController();
  const log = options.log ?? ((line: string) => console.error(line));
  let received: StopSignal | undefined;
  let done = false;
  const handlers = new Map<StopSignal, () => void>();
  for (const sig of STOP_SIGNALS) {
    const handler = () => {
      if (done) return dieBy(sig);
      if (received !== undefined) {
        log(`\n${options.name}: ${sig} again: stopping at once, without writing the epoch in flight`);
        options.onSecond?.(sig);
        removeTempFilesInFlight();
        return dieBy(sig);
      }
      received = sig;
      log(`\n${options.name}: ${sig}: ${options.firstMessage} (a second signal stops at once)`);
      controller.abort(new Error(`stopped by ${sig}`));
      options.onFirst?.(sig);
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received ? SIGNAL_EXIT_CODE[received] : 130;
    },
    release() {
      for (const [sig, handler] of handlers) process.off(sig, handler);
      handlers.clear();
    },
    finished() {
      done = true;
    },
  };
}
