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
 * (short waits keep their latency), then once a millisecond (setTimeout's floor). Every other caller of
 * setImmediate is untouched. A chain ends when no tick was asked for within CHAIN_GAP_MS.
 */

const SPIN_MS = 2;
const CHAIN_GAP_MS = 5;

let installed = false;

function isNativeTick(fn: unknown): boolean {
  return (
    typeof fn === 'function' &&
    fn.name === '' &&
    Function.prototype.toString.call(fn) === 'function () { [native code] }'
  );
}

/** Installs the throttle once per process (idempotent). */
export function throttleDawnTicks(): void {
  if (installed || typeof globalThis.setImmediate !== 'function') return;
  installed = true;
  const immediate = globalThis.setImmediate;
  let chainStart = 0;
  let last = Number.NEGATIVE_INFINITY;
  const wrapped = ((fn: (...args: unknown[]) => void, ...args: unknown[]) => {
    if (!isNativeTick(fn)) return immediate(fn, ...args);
    const now = performance.now();
    if (now - last > CHAIN_GAP_MS) chainStart = now;
    last = now;
    if (now - chainStart < SPIN_MS) return immediate(fn, ...args);
    return setTimeout(fn, 1, ...args);
  }) as typeof setImmediate;
  Object.assign(wrapped, immediate); // keeps util.promisify's custom form (setImmediate[promisify.custom])
  globalThis.setImmediate = wrapped;
}
