/**
 * The transport behind the app's play / pause / step / reset: one or more training sessions (the
 * playground's one, the comparison's DNN and BNN) advanced together, one epoch each per step, with a
 * yield to the page between epochs so it stays responsive. No DOM: the app passes a callback that
 * receives the state after every change, and tests drive it in Node.
 *
 *   const c = new RunController(gpu, [config], { onUpdate: (v) => render(v) });
 *   void c.play();  c.pause();  await c.step();  c.fail('device lost');  await c.dispose();
 *
 * A stop for any reason keeps the records as far as they got: a diverged loss (the session marks its
 * record 'diverged'), a GPU error while training, a lost device (`fail`). `dispose` (the app's reset)
 * waits for the epoch in flight before it frees the sessions' GPU memory.
 */

import type { RunConfig } from '../config/run-config.ts';
import type { DataFiles } from '../data/types.ts';
import type { Gpu } from '../gpu/device.ts';
import type { RunRecord } from './record.ts';
import { TrainingSession } from './session.ts';

export type TransportState = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'stopped';

export interface TransportView {
  state: TransportState;
  /** Epochs trained so far (the least over the sessions). */
  epoch: number;
  epochs: number;
  /** Seconds spent training (not creating the sessions, not the pauses), and the estimate of what is left. */
  elapsed_s: number;
  eta_s: number;
  /** Why the run stopped ('stopped'), or what went wrong creating it. */
  message?: string;
  /** One record per configuration, growing as the run goes (empty until the sessions exist). */
  records: RunRecord[];
  /** Increases with every update: the records are mutated in place. */
  revision: number;
  /** While preparing ('loading'): the step under way, e.g. "loading the dataset and building run 1 of 2". */
  stage?: string;
}

export interface ControllerOptions {
  onUpdate?: (view: TransportView) => void;
  /** Awaited between epochs while playing (default: a macrotask, setTimeout 0). */
  yieldToUi?: () => Promise<void>;
  files?: DataFiles;
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class RunController {
  private sessions: TrainingSession[] = [];
  private playing = false;
  private busy: Promise<void> | null = null;
  private disposed = false;
  private state: TransportState = 'idle';
  private message?: string;
  private stage?: string;
  private revision = 0;
  private advanceMs = 0;
  private advances = 0;

  constructor(
    private readonly gpu: Gpu,
    readonly configs: readonly RunConfig[],
    private readonly options: ControllerOptions = {},
  ) {
    if (!configs.length) throw new Error('RunController needs at least one configuration');
  }

  get view(): TransportView {
    const epochs = Math.max(...this.configs.map((c) => c.epochs));
    const epoch = this.sessions.length ? Math.min(...this.sessions.map((s) => s.epoch)) : 0;
    const perEpoch = this.advances ? this.advanceMs / this.advances : Number.NaN;
    const finished = this.state === 'done' || this.state === 'stopped';
    return {
      state: this.state,
      epoch,
      epochs,
      elapsed_s: this.advanceMs / 1000,
      eta_s: finished ? 0 : (perEpoch * (epochs - epoch)) / 1000,
      message: this.message,
      records: this.sessions.map((s) => s.record),
      revision: this.revision,
      stage: this.state === 'loading' ? this.stage : undefined,
    };
  }

  get finished(): boolean {
    return this.state === 'done' || this.state === 'stopped';
  }

  /** Advances epoch after epoch until paused, finished or stopped. */
  async play(): Promise<void> {
    if (this.playing || this.finished || this.disposed) return;
    this.playing = true;
    this.setState('running');
    try {
      while (this.playing && !this.finished && !this.disposed) {
        await this.advance();
        if (this.playing && !this.finished) await (this.options.yieldToUi ?? macrotask)();
      }
    } finally {
      this.playing = false;
      if (this.state === 'running') this.setState('paused');
    }
  }

  /** Stops after the epoch in flight. */
  pause(): void {
    this.playing = false;
  }

  /** One epoch (of every session); ignored while playing. */
  async step(): Promise<void> {
    if (this.playing || this.finished || this.disposed || this.busy) return;
    await this.advance();
    if (!this.finished && !this.disposed) this.setState('paused');
  }

  /** Stops for an outside reason (a lost device), keeping the records so far. */
  fail(message: string): void {
    if (this.disposed) return;
    this.playing = false;
    for (const s of this.sessions) s.fail(message);
    this.message = message;
    this.setState('stopped');
  }

  /** Stops and frees the sessions (after the epoch in flight, if any). No updates after this. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.playing = false;
    try {
      await this.busy;
    } catch {
      // the failure is already in the records
    }
    for (const s of this.sessions) s.dispose();
  }

  private async advance(): Promise<void> {
    const run = this.advanceOnce();
    this.busy = run;
    try {
      await run;
    } finally {
      this.busy = null;
    }
  }

  private async advanceOnce(): Promise<void> {
    try {
      if (!this.sessions.length) {
        this.setState('loading');
        // Yield before each heavy step, so the page paints 'preparing…' and stays responsive.
        const pause = this.options.yieldToUi ?? macrotask;
        const made: TrainingSession[] = [];
        try {
          for (const [k, c] of this.configs.entries()) {
            this.setStage(
              `loading the ${c.data.name} data and building run ${k + 1} of ${this.configs.length}`,
            );
            await pause();
            made.push(await TrainingSession.create(this.gpu, c, this.options.files));
          }
        } catch (e) {
          for (const s of made) s.dispose();
          throw e;
        }
        if (this.disposed) {
          for (const s of made) s.dispose();
          return;
        }
        this.sessions = made;
        for (const [k, s] of this.sessions.entries()) {
          this.setStage(`evaluating and estimating epoch 0 of run ${k + 1} of ${this.sessions.length}`);
          await pause();
          await s.start();
        }
        await pause();
        this.setState(this.playing ? 'running' : 'paused');
        if (this.stopIfOver()) return;
      }
      const t1 = performance.now();
      for (const s of this.sessions) {
        if (this.disposed || this.finished) return;
        if (!s.done) await s.next();
      }
      this.advances++;
      this.advanceMs += performance.now() - t1;
    } catch (e) {
      if (this.disposed || this.finished) return;
      const message = `training stopped: ${(e as Error).message ?? String(e)}`;
      this.fail(message);
      return;
    }
    if (!this.stopIfOver()) this.emit();
  }

  /** Sets 'done' or 'stopped' when every session is over; true then. */
  private stopIfOver(): boolean {
    if (this.finished) return true;
    const stopped = this.sessions.find((s) => s.record.status !== 'complete');
    if (stopped) {
      this.playing = false;
      this.message = stopped.record.message;
      this.setState('stopped');
      return true;
    }
    if (this.sessions.length && this.sessions.every((s) => s.done)) {
      this.playing = false;
      this.setState('done');
      return true;
    }
    return false;
  }

  /** Names the preparation step under way (shown with 'preparing…'). */
  private setStage(stage: string) {
    this.stage = stage;
    this.emit();
  }

  private setState(state: TransportState) {
    this.state = state;
    this.emit();
  }

  private emit() {
    if (this.disposed) return;
    this.revision++;
    this.options.onUpdate?.(this.view);
  }
}
