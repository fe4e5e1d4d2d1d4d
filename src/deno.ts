/**
 * The Deno entry point (the `deno` export condition): the whole API, with the deno adapter
 * as the default runtime.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * const manager = new PluginManager({ pluginDir: './plugins' });
 * await manager.initialize();
 * ```
 */
import './engine/extism-static.ts';
import { setDefaultRuntime } from './runtime/adapter.ts';
import { denoRuntime } from './runtime/deno.ts';

setDefaultRuntime(denoRuntime);

export * from './index.ts';
export { denoRuntime } from './runtime/deno.ts';
