/**
 * The entry of a plugin's own worker on Deno and in browsers (started by src/runtime/deno.ts and
 * src/runtime/browser.ts): the worker's global scope is its port (`postMessage` and `message`
 * events, which both give a worker). It imports no runtime adapter and no Extism (the guest runs
 * on the host's own kernel), so a bundler's worker chunk holds the engine and the WASI layer
 * only, and fetching it is the first a page hears of them.
 */
import { serveGuestWorker } from './worker-serve.ts';

/** The part of a dedicated worker's global scope used here (the project's types are the DOM's, not the worker's). */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
serveGuestWorker({
  postMessage: (message) => scope.postMessage(message),
  onMessage: (listener) => scope.addEventListener('message', (event) => listener(event.data)),
});
