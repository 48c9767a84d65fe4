/**
 * Node only: stops Dawn's Node binding from spinning one CPU core while it waits for the GPU.
 *
 * While any GPU promise is pending (onSubmittedWorkDone, mapAsync, pipeline creation), the `webgpu`
 * package's AsyncRunner ticks the device through `setImmediate`, again and again, as fast as the event
 * loop turns. With SwiftShader the "GPU" is the same CPU: on a 2-core machine that spin takes one of the
 * two cores from SwiftShader's workers. Measured (a dispatch of 1, 2 and 4 busy workgroups): the spin
 * cost as much CPU as the kernel itself, and 2 workgroups took 200 ms instead of 135 ms, 4 took 460 ms
 * instead of 260 ms.
 *
 * The binding looks `setImmediate` up on the global object at every tick and passes a nameless native
 * function, so we wrap the global: such a tick runs at once for the first SPIN_MS of a chain of ticks
 * (short waits keep their latency); after that the main thread first sleeps NAP_MS (Atomics.wait, which
 * gives the core back) and then ticks. A 1 ms timer instead of the nap cost short epochs too much (the
 * fused tanh DNN at R = 1 fell from ~550 to ~210 replica-epochs/s). Every other caller of setImmediate is
 * untouched. A chain ends when no tick was asked for within CHAIN_GAP_MS.
 */

export const SPIN_MS = 0.5;
export const CHAIN_GAP_MS = 5;

type Schedule = (fn: (...args: unknown[]) => void, ...args: unknown[]) => unknown;

/** True for the binding's tick: a nameless native function. */
export function isNativeTick(fn: unknown): boolean {
  return (
    typeof fn === 'function' &&
    fn.name === '' &&
    Function.prototype.toString.call(fn) === 'function () { [native code] }'
  );
}

/**
 * setImmediate with the binding's ticks throttled: `immediate` for every other callback and for a tick
 * within SPIN_MS of its chain's start, `later` (a nap, then the tick) after that. Clock and schedulers are
 * parameters so that the rule is tested without a GPU.
 */
export function throttledImmediate(
  immediate: Schedule,
  later: Schedule,
  now: () => number,
  isTick: (fn: unknown) => boolean = isNativeTick,
): Schedule {
  let chainStart = 0;
  let last = Number.NEGATIVE_INFINITY;
  return (fn, ...args) => {
    if (!isTick(fn)) return immediate(fn, ...args);
    const t = now();
    if (t - last > CHAIN_GAP_MS) chainStart = t;
    last = t;
    return t - chainStart < SPIN_MS ? immediate(fn, ...args) : later(fn, ...args);
  };
}

let installed = false;
const nap = new Int32Array(new SharedArrayBuffer(4));
/** How long the main thread sleeps before each throttled tick. */
export const NAP_MS = 0.25;

/** Installs the throttle once per process (idempotent). */
export function throttleDawnTicks(): void {
  if (installed || typeof globalThis.setImmediate !== 'function') return;
  installed = true;
  const immediate = globalThis.setImmediate;
  const wrapped = throttledImmediate(
    (fn, ...args) => immediate(fn, ...args),
    (fn, ...args) =>
      immediate(() => {
        Atomics.wait(nap, 0, 0, NAP_MS); // the main thread sleeps: the core goes to SwiftShader
        fn(...args);
      }),
    () => performance.now(),
  ) as typeof setImmediate;
  Object.assign(wrapped, immediate); // keeps util.promisify's custom form (setImmediate[promisify.custom])
  globalThis.setImmediate = wrapped;
}
