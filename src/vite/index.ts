/**
 * `@reedcms/plugins/vite`: bundles ReedCMS plugins into a Vite build. At build time it reads
 * plugin folders, validates every manifest (a broken plugin.toml fails the build with every
 * problem listed), instruments each module with the configured limits, and exposes them as
 * `virtual:reed-plugins`: `[{ id, manifest, wasm: WebAssembly.Module }]`, ready for
 * `manager.load`. workerd cannot compile WebAssembly at run time, so for it the modules are
 * emitted as `.wasm` files the bundle imports (workerd compiles those at deploy); elsewhere they
 * are inlined and compiled when the bundle loads.
 */
import type { Plugin } from 'vite';
import { ErrorCodes, PluginError } from '../errors.ts';
import type { HostLimits } from '../plugin/limits.ts';
import { listPluginFolders, preparePluginFolder, type PreparedPlugin } from './prepare-folder.ts';
import { extismWorkerSplit, splitExtismWorker } from './extism-worker.ts';
import { virtualModuleCode, type WasmDelivery } from './virtual-module.ts';

export { preparePluginFolder, listPluginFolders, type PreparedPlugin } from './prepare-folder.ts';
export { virtualModuleCode, type WasmDelivery } from './virtual-module.ts';

/**
 * Options of {@link reedPlugins}.
 *
 * @example
 * ```ts
 * reedPlugins({ pluginDir: 'plugins', limits: { fuel: 1_000_000 }, delivery: 'import' });
 * ```
 */
export interface ReedPluginsOptions {
  /** Plugin folders (each holds a plugin.toml and its module). */
  plugins?: string[];
  /** A folder whose every subfolder holding a plugin.toml is a plugin. */
  pluginDir?: string;
  /**
   * The host limits baked into the modules (fuel default, memory cap, call depth); pass the same
   * `limits` to the PluginManager. Each plugin's `[limits]` may lower them.
   */
  limits?: HostLimits;
  /**
   * `import` (separate .wasm files imported by the bundle; required for workerd), `compile`
   * (inlined, compiled at load; browsers, Deno, Node), or `auto` (default): `import` when the
   * build resolves the `workerd` export condition, else `compile`.
   */
  delivery?: WasmDelivery | 'auto';
  /** The virtual module's id. Default `virtual:reed-plugins`. */
  id?: string;
  /** Folder (inside the output directory) for emitted .wasm files. Default `reed-plugins`. */
  assetsDir?: string;
}

/**
 * The virtual module's default id.
 *
 * @example
 * ```ts
 * // worker.ts
 * import plugins from 'virtual:reed-plugins'; // VIRTUAL_ID, unless `id` is set
 * ```
 */
export const VIRTUAL_ID = 'virtual:reed-plugins';
const WASM_PREFIX = 'reed-plugins-wasm:';

/**
 * The Vite plugin.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * import { reedPlugins } from '@reedcms/plugins/vite';
 * export default { plugins: [reedPlugins({ pluginDir: 'plugins', limits: { fuel: 1_000_000, memoryBytes: 16 << 20 } })] };
 *
 * // app.ts
 * import plugins from 'virtual:reed-plugins';
 * for (const plugin of plugins) await manager.load(plugin);
 * ```
 */
export function reedPlugins(options: ReedPluginsOptions = {}): Plugin {
  const virtualId = options.id ?? VIRTUAL_ID;
  const resolvedVirtualId = `\0${virtualId}`;
  const assetsDir = options.assetsDir ?? 'reed-plugins';
  let command: 'build' | 'serve' = 'build';
  let configConditions: readonly string[] = [];

  /** Whether this build resolves the `workerd` export condition (a Worker bundle). */
  function buildsForWorkerd(context: unknown): boolean {
    const environment = (context as { environment?: { config?: { resolve?: { conditions?: readonly string[] } } } }).environment;
    return [...configConditions, ...(environment?.config?.resolve?.conditions ?? [])].includes('workerd');
  }

  async function folders(): Promise<string[]> {
    const dirs = [...(options.plugins ?? [])];
    if (options.pluginDir !== undefined) dirs.push(...(await listPluginFolders(options.pluginDir)));
    if (dirs.length === 0) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'reedPlugins: give `plugins` (folders) or `pluginDir`', { operation: 'build' });
    return dirs;
  }

  return {
    name: 'reed-plugins',
    config() {
      // Workers are bundled with the worker plugins only: a worker that hosts a manager itself
      // (a page's runner worker) gets Extism's inline worker script moved out too.
      return { worker: { plugins: () => [extismWorkerSplit()] } };
    },
    configResolved(config) {
      command = config.command;
      configConditions = [...(config.resolve.conditions ?? []), ...(config.ssr?.resolve?.conditions ?? [])];
    },
    resolveId(id) {
      if (id === virtualId) return resolvedVirtualId;
      if (id.startsWith(WASM_PREFIX)) return { id: `./${id.slice(WASM_PREFIX.length)}`, external: true };
      return null;
    },
    async load(id) {
      if (id !== resolvedVirtualId) return null;
      const prepared: PreparedPlugin[] = [];
      for (const dir of await folders()) {
        const plugin = await preparePluginFolder(dir, options.limits ?? {});
        if (prepared.some((p) => p.id === plugin.id)) throw new PluginError(ErrorCodes.DUPLICATE, `reedPlugins: two folders hold plugin "${plugin.id}"`, { pluginId: plugin.id, operation: 'build' });
        prepared.push(plugin);
        for (const file of plugin.files) this.addWatchFile(file);
      }
      const delivery = options.delivery === undefined || options.delivery === 'auto' ? (buildsForWorkerd(this) ? 'import' : 'compile') : options.delivery;
      if (delivery === 'import' && command === 'serve')
        throw new PluginError(ErrorCodes.UNSUPPORTED, "reedPlugins: delivery 'import' needs `vite build` (workerd loads the emitted .wasm files)", { operation: 'serve' });
      return virtualModuleCode(prepared, delivery, (plugin) => {
        const fileName = `${assetsDir}/${plugin.id}-${plugin.hash}.wasm`;
        this.emitFile({ type: 'asset', fileName, source: plugin.wasm });
        return `${WASM_PREFIX}${fileName}`;
      });
    },
    transform(code, id) {
      return command === 'build' && !buildsForWorkerd(this) ? splitExtismWorker(this, code, id) : null;
    },
  };
}

export default reedPlugins;
