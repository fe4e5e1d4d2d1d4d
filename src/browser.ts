/**
 * The browser entry point (the `browser` export condition): the whole API and the browser adapter,
 * which `#runtime` (package.json "imports") makes the default under the `browser` condition.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * const manager = new PluginManager();
 * await manager.load({ manifest: tomlText, wasm: new URL('/plugins/seo.wasm', location.href) });
 * ```
 */
export * from './index.ts';
export { browserRuntime } from './runtime/browser.ts';
