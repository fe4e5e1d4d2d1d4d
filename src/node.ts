/**
 * The Node.js entry point (the `node` export condition): the whole API, with the Node adapter as
 * the default runtime so `{ dir }` sources and `pluginDir` discovery work.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * const manager = new PluginManager({ pluginDir: 'plugins' });
 * await manager.initialize();
 * ```
 */
import { setExtismLoader } from './engine/extism-loader.ts';
import { setDefaultRuntime } from './runtime/adapter.ts';
import { importExtismQuietly, nodeRuntime } from './runtime/node.ts';

setDefaultRuntime(nodeRuntime);
// Lazily, without node:wasi's warning: importing the package prints nothing.
setExtismLoader(importExtismQuietly);

export * from './index.ts';
export { nodeRuntime } from './runtime/node.ts';
