/**
 * The browser adapter: no file system; modules from bytes, `WebAssembly.Module`s or URLs
 * (fetched). Worker isolation needs SharedArrayBuffer (Extism's worker mode, and a WASI
 * plugin's own worker, block on Atomics), which browsers grant only to cross-origin isolated
 * pages (COOP `same-origin` + COEP `require-corp`), so `hasWorkers` follows
 * `crossOriginIsolated`.
 */
import { webRuntime, type RuntimeAdapter, type RuntimeBinding } from './adapter.ts';
import type { GuestWorkerPort } from '../engine/worker-channel.ts';

/**
 * `worker` as a GuestWorkerPort. An error in the worker (its script failed to load, or threw)
 * is the port's `onError`, and is marked handled, as the engine reports it.
 */
function webGuestWorkerPort(worker: Worker): GuestWorkerPort {
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

/**
 * A WASI plugin's own worker: a module worker on src/engine/worker-web-entry.ts. The literal
 * `new Worker(new URL(…, import.meta.url), { type: 'module' })` is what bundlers (Vite, webpack,
 * Rollup's plugins) look for to emit the worker as a chunk of its own, fetched only when such a
 * worker starts. The `.js` name is the published file's; Vite resolves it to the `.ts` source
 * when the package is bundled from src/.
 */
function spawnBrowserGuestWorker(): GuestWorkerPort {
  return webGuestWorkerPort(new Worker(new URL('../engine/worker-web-entry.js', import.meta.url), { type: 'module' }));
}

function isCrossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof Worker === 'function';
}

/**
 * The browser's platform services.
 *
 * @example
 * ```ts
 * import { PluginManager, runtimeCapabilities } from '@reedcms/plugins';   // browser condition
 * const manager = new PluginManager({ isolation: runtimeCapabilities().workerIsolation ? 'worker' : 'inline' });
 * await manager.load({ manifest: tomlText, wasm: new URL('/plugins/seo.wasm', location.href) });
 * ```
 */
export const browserRuntime: RuntimeAdapter = {
  ...webRuntime,
  name: 'browser',
  hasFileSystem: false,
  get hasWorkers() {
    // Read per use: the page's isolation is fixed at load, but a test may import this before.
    return isCrossOriginIsolated();
  },
  // Used only where hasWorkers holds (the manager refuses worker isolation elsewhere).
  spawnGuestWorker: spawnBrowserGuestWorker,
};

/** The adapter managers use when none is given (`#runtime`, `browser` condition). */
export const defaultRuntime: RuntimeBinding['defaultRuntime'] = browserRuntime;

/** Extism, imported on first use: only worker isolation needs it (inline guests run on the host's own kernel). */
export const loadExtism: RuntimeBinding['loadExtism'] = async () => (await import('@extism/extism')).default;
