/**
 * The Cloudflare Workers (workerd) adapter: no file system, no worker threads, and no run-time
 * WebAssembly compile ("Wasm code generation disallowed by embedder"). Plugins arrive as
 * `WebAssembly.Module`s imported at build time, already instrumented (the Vite plugin
 * `@reedcms/plugins/vite` does both), and run inline under fuel.
 */
import { webRuntime, type RuntimeAdapter, type RuntimeBinding } from './adapter.ts';
import { ErrorCodes, PluginError } from '../errors.ts';

/**
 * workerd's platform services: the web adapter under its own name.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';   // the workerd condition sets this as default
 * import plugins from 'virtual:reed-plugins';          // [{ manifest, wasm: WebAssembly.Module }]
 * const manager = new PluginManager();
 * for (const p of plugins) await manager.load(p);
 * ```
 */
export const workerdRuntime: RuntimeAdapter = {
  ...webRuntime,
  name: 'workerd',
  hasFileSystem: false,
  hasWorkers: false,
};

/** The adapter managers use when none is given (`#runtime`, `workerd` condition). */
export const defaultRuntime: RuntimeBinding['defaultRuntime'] = workerdRuntime;

/**
 * Never needed: Extism serves only worker isolation, and workerd has no worker threads (inline
 * guests run on the host's own kernel), so Extism stays out of the Worker's bundle.
 */
export const loadExtism: RuntimeBinding['loadExtism'] = () => Promise.reject(new PluginError(ErrorCodes.UNSUPPORTED, "isolation 'worker' is not available in workerd", { operation: 'load' }));
