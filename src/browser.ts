/**
 * The browser entry point (the `browser` export condition): the whole API, with the browser adapter
 * as the default runtime.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * const manager = new PluginManager();
 * await manager.load({ manifest: tomlText, wasm: new URL('/plugins/seo.wasm', location.href) });
 * ```
 */
import './engine/extism-static.ts';
import { setDefaultRuntime } from './runtime/adapter.ts';
import { browserRuntime } from './runtime/browser.ts';

setDefaultRuntime(browserRuntime);

export * from './index.ts';
export { browserRuntime } from './runtime/browser.ts';
