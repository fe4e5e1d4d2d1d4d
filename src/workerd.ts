/**
 * The Cloudflare Workers (workerd) entry point (the `workerd` export condition): the whole API, with the workerd adapter
 * as the default runtime.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * import plugins from 'virtual:reed-plugins';   // precompiled by @reedcms/plugins/vite
 * const manager = new PluginManager();
 * for (const plugin of plugins) await manager.load(plugin);
 * ```
 */
import './engine/extism-static.ts';
import { setDefaultRuntime } from './runtime/adapter.ts';
import { workerdRuntime } from './runtime/workerd.ts';

setDefaultRuntime(workerdRuntime);

export * from './index.ts';
export { workerdRuntime } from './runtime/workerd.ts';
