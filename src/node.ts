/**
 * The Node.js entry point (the `node` export condition): the whole API and the Node adapter.
 * Managers default to the adapter `#runtime` resolves to (package.json "imports": Node's under
 * the `node` condition), so `{ dir }` sources and `pluginDir` discovery work.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';
 * const manager = new PluginManager({ pluginDir: 'plugins' });
 * await manager.initialize();
 * ```
 */
export * from './index.ts';
export { nodeRuntime } from './runtime/node.ts';
