import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TransportView } from '../src/run/controller.ts';
import { type KeyAction, keyAction } from '../src/view/keys.ts';

/**
 * The transport's keyboard shortcuts on the whole page: Space plays or pauses, → steps, R resets the
 * run of the view shown (src/view/keys.ts says which keys are left alone). `shown` gives the run's
 * transport, or undefined where the view has none; `act` carries the action out.
 */
export class TransportKeys implements ReactiveController {
  private readonly onKey = (e: KeyboardEvent) => {
    const t = this.shown();
    if (!t) return;
    const target = (e.composedPath()[0] ?? null) as HTMLElement | null;
    const action = keyAction(e, target, t.state === 'running' || t.state === 'loading');
    if (!action) return;
    e.preventDefault();
    this.act(action);
  };

  constructor(
    host: ReactiveControllerHost,
    private readonly shown: () => TransportView | undefined,
    private readonly act: (action: KeyAction) => void,
  ) {
    host.addController(this);
  }

  hostConnected() {
    window.addEventListener('keydown', this.onKey);
  }

  hostDisconnected() {
    window.removeEventListener('keydown', this.onKey);
  }
}
