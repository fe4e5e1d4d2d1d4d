/**
 * The browser adapter: no file system; modules from bytes, `WebAssembly.Module`s or URLs
 * (fetched). Worker isolation needs SharedArrayBuffer (Extism's worker mode blocks on Atomics),
 * which browsers grant only to cross-origin isolated pages (COOP `same-origin` + COEP
 * `require-corp`), so `hasWorkers` follows `crossOriginIsolated`.
 */
import { webRuntime, type RuntimeAdapter, type RuntimeBinding } from './adapter.ts';

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
};

/** The adapter managers use when none is given (`#runtime`, `browser` condition). */
export const defaultRuntime: RuntimeBinding['defaultRuntime'] = browserRuntime;

/** Extism, imported on first use: only worker isolation needs it (inline guests run on the host's own kernel). */
export const loadExtism: RuntimeBinding['loadExtism'] = async () => (await import('@extism/extism')).default;
