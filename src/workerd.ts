/**
 * The Cloudflare Workers (workerd) entry point (the `workerd` export condition): the whole API and the workerd adapter,
 * which `#runtime` (package.json "imports") makes the default under the `workerd` condition.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * import plugins from 'virtual:reed-plugins';   // precompiled by @reedcms/plugins/vite
 * const manager = new PluginManager();
 * for (const plugin of plugins) await manager.load(plugin);
 * ```
 */
export * from './index.ts';
export { workerdRuntime } from './runtime/workerd.ts';
