/**
 * The Deno entry point (the `deno` export condition): the whole API and the deno adapter,
 * which `#runtime` (package.json "imports") makes the default under the `deno` condition.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * const manager = new PluginManager({ pluginDir: './plugins' });
 * await manager.initialize();
 * ```
 */
export * from './index.ts';
export { denoRuntime } from './runtime/deno.ts';
