/**
 * Types of the Vite plugin's virtual module. Reference them once in an app that imports it:
 * `/// <reference types="@reedcms/plugins/vite/client" />` (or `"types"` in tsconfig), as with
 * `vite/client`.
 *
 * @example
 * ```ts
 * /// <reference types="@reedcms/plugins/vite/client" />
 * import plugins from 'virtual:reed-plugins';
 * const manager = new PluginManager({ sources: plugins });
 * ```
 */
declare module 'virtual:reed-plugins' {
  /** Every plugin folder the Vite plugin found, its module compiled and instrumented at build time. */
  const plugins: Array<{ id: string; manifest: string; wasm: WebAssembly.Module }>;
  export default plugins;
}
