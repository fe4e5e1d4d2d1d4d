/**
 * The entry point of runtimes no other export condition names (the `default` condition): the
 * whole API and the web adapter (no file system: `{ manifest, wasm }` sources only), which
 * `#runtime` makes the default there.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * const manager = new PluginManager();
 * await manager.load({ manifest: tomlText, wasm: new URL('https://cdn.example.com/seo.wasm') });
 * ```
 */
export * from './index.ts';
export { webRuntime } from './runtime/web.ts';
