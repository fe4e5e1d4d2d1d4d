/**
 * The shape every runtime adapter exports (as extism/js-sdk does with its capability objects):
 * how to read plugin folders, how to fetch a module, what isolation exists. The core never
 * touches platform APIs itself; `src/runtime/<runtime>.ts` files implement this.
 */
import type { CreatePlugin } from '../engine/extism-loader.ts';
import type { GuestWorkerPort } from '../engine/worker-channel.ts';
import type { FileTree } from '../wasi/wasi-mounts.ts';
import { ErrorCodes, PluginError } from '../errors.ts';

/**
 * Platform services the manager needs.
 *
 * @example
 * ```ts
 * const manager = new PluginManager({ runtime: nodeRuntime });
 * ```
 */
export interface RuntimeAdapter {
  /** `node`, `deno`, `workerd`, `browser`, or `web` (no file system). */
  readonly name: string;
  /** Whether `{ dir }` sources and `pluginDir` discovery work here. */
  readonly hasFileSystem: boolean;
  /** Whether `isolation: 'worker'` is available. */
  readonly hasWorkers: boolean;
  /** The subfolders of `root` that hold a plugin.toml, sorted. */
  listPluginDirs(root: string): Promise<string[]>;
  readText(path: string): Promise<string>;
  readBytes(path: string): Promise<Uint8Array>;
  /** Joins a folder and a file name the platform's way. */
  joinPath(dir: string, name: string): string;
  /**
   * The path with every symlink resolved, where there is a file system: the manager reads a
   * plugin's files only when they resolve inside its folder.
   */
  realPath?(path: string): Promise<string>;
  /** Bytes behind a URL (http(s) through fetch; file: where the platform can). */
  fetchBytes(url: URL): Promise<Uint8Array>;
  /**
   * Calls `onChange` when something in the folder changes (for `watch: true`); returns the
   * function that stops watching. Absent where there is no file system.
   */
  watchDir?(dir: string, onChange: () => void): () => void;
  /**
   * Extra Extism options a worker needs on this runtime (Deno: `nodeWorkerArgs: { execArgv: [] }`,
   * because Extism's default execArgv is refused there). The engine should spread them into
   * `createPlugin`'s options when `runInWorker` is set.
   */
  readonly workerOptions?: { nodeWorkerArgs?: { execArgv?: string[]; [option: string]: unknown } };
  /**
   * Starts a worker running src/engine/worker-serve.ts: the plugin's own worker, for modules
   * that import WASI under worker isolation (Extism's worker cannot serve them). Absent where
   * the runtime starts no workers.
   */
  spawnGuestWorker?(): GuestWorkerPort;
  /**
   * A real directory as a read-only WASI mount (src/wasi/wasi-mounts.ts), read synchronously
   * (WASI calls are), never leaving `root` (symlinks pointing out are refused). Absent where
   * there is no file system.
   */
  openDirectory?(root: string): FileTree;
}

const noFileSystem = (what: string) => async (): Promise<never> => {
  throw new PluginError(ErrorCodes.UNSUPPORTED, `${what} needs a file system; this runtime has none: load plugins with { manifest, wasm } instead`, { operation: what });
};

/**
 * The adapter for runtimes without a file system (browsers, workers): only
 * `{ manifest, wasm }` sources, modules fetched over HTTP(S).
 *
 * @example
 * ```ts
 * new PluginManager({ runtime: webRuntime });
 * ```
 */
export const webRuntime: RuntimeAdapter = {
  name: 'web',
  hasFileSystem: false,
  hasWorkers: false,
  listPluginDirs: noFileSystem('pluginDir discovery'),
  readText: noFileSystem('reading plugin files'),
  readBytes: noFileSystem('reading plugin files'),
  joinPath: (dir, name) => `${dir.replace(/\/+$/, '')}/${name}`,
  fetchBytes: fetchUrlBytes,
};

/** Fetches a URL's bytes with the standard fetch, failing on a non-2xx status. */
export async function fetchUrlBytes(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url.href} answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * What every target of package.json's `#runtime` import exports (src/runtime/<runtime>.ts): the
 * adapter managers use when none is given, and how Extism is loaded there. The bundler or
 * runtime picks the target by export condition at build time, so two entry points in one
 * module graph share one answer instead of overwriting a global.
 */
export interface RuntimeBinding {
  readonly defaultRuntime: RuntimeAdapter;
  /** Extism's `createPlugin`, loaded the way this runtime needs (see src/engine/extism-loader.ts). */
  loadExtism(): Promise<CreatePlugin>;
}
