/**
 * A web `Worker` running src/engine/worker-web-entry.ts, as the engine's GuestWorkerPort: the
 * host's side of a plugin's own worker on Deno and in browsers. Each adapter constructs the
 * `Worker` itself (a browser bundler finds the worker's file only in a literal
 * `new Worker(new URL('…', import.meta.url))` of the adapter's own).
 */
import type { GuestWorkerPort } from '../engine/worker-channel.ts';

/**
 * `worker` as a GuestWorkerPort. An error in the worker (its script failed to load, or threw)
 * is the port's `onError`, and is marked handled: Deno would otherwise end the whole process.
 */
export function webGuestWorkerPort(worker: Worker): GuestWorkerPort {
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onError(listener) {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        listener(new Error((event as ErrorEvent).message || 'the worker failed to start'));
      });
      worker.addEventListener('messageerror', () => listener(new Error('a message from the worker could not be read')));
    },
    terminate: () => worker.terminate(),
  };
}
