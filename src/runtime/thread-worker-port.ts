/**
 * A `node:worker_threads` Worker (Node's, or Deno's implementation of it) as the engine's
 * GuestWorkerPort: the host's side of a WASI plugin's own worker on Node and Deno. Typed by the
 * shape used, so the module itself imports nothing platform-specific.
 */
import type { GuestWorkerPort } from '../engine/worker-channel.ts';

/** What of a `node:worker_threads` Worker the port uses. */
export interface ThreadWorker {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message' | 'error', listener: (value: unknown) => void): unknown;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

/**
 * `worker` as a GuestWorkerPort. Idle, the worker does not keep the process alive (a host that
 * forgets close() still exits); while a call runs, it does.
 */
export function threadWorkerPort(worker: ThreadWorker): GuestWorkerPort {
  worker.unref();
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => void worker.on('message', listener),
    onError: (listener) => void worker.on('error', listener),
    terminate: () => void worker.terminate(),
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
  };
}
