/**
 * The Deno adapter: plugin folders through `Deno.readDir`/`Deno.readFile`, file: URLs. Deno
 * resolves `npm:@extism/extism` to its Node build; worker isolation there needs Extism's
 * `nodeWorkerArgs` set (Deno rejects the default execArgv): see `workerOptions`. A WASI plugin's
 * own worker runs src/engine/worker-web-entry.ts, the entry browsers run too.
 */
import { fetchUrlBytes, type RuntimeAdapter, type RuntimeBinding } from './adapter.ts';
import { staticExtism } from '../engine/extism-static.ts';
import { Worker } from 'node:worker_threads';
import type { GuestWorkerPort } from '../engine/worker-channel.ts';
import { threadWorkerPort, type ThreadWorker } from './thread-worker-port.ts';
import { directoryTree, type SyncDirectoryOps } from '../wasi/wasi-directory.ts';

/** The part of the `Deno` namespace this adapter uses (typed here: the project has no Deno types). */
interface DenoApi {
  readDir(path: string): AsyncIterable<{ name: string; isDirectory: boolean; isFile: boolean; isSymlink: boolean }>;
  readFile(path: string): Promise<Uint8Array>;
  realPath(path: string): Promise<string>;
  readTextFile(path: string): Promise<string>;
  stat(path: string): Promise<{ isFile: boolean }>;
  watchFs(path: string): AsyncIterable<unknown> & { close(): void };
  build: { os: string };
  realPathSync(path: string): string;
  statSync(path: string): { isFile: boolean; isDirectory: boolean; size: number };
  readDirSync(path: string): Iterable<{ name: string }>;
  openSync(path: string, options: { read: true }): { seekSync(offset: number, whence: number): number; readSync(buffer: Uint8Array): number | null; close(): void };
}

/** Deno's synchronous file operations for read-only WASI mounts of real directories. */
const denoDirectoryOps: SyncDirectoryOps = {
  realpath: (path) => deno().realPathSync(path),
  stat(path) {
    const info = deno().statSync(path);
    return info.isDirectory ? { kind: 'dir', size: 0 } : info.isFile ? { kind: 'file', size: info.size } : undefined;
  },
  read(path, offset, length) {
    const file = deno().openSync(path, { read: true });
    try {
      file.seekSync(offset, 0);
      const buffer = new Uint8Array(length);
      let used = 0;
      while (used < length) {
        const n = file.readSync(buffer.subarray(used));
        if (n === null || n === 0) break;
        used += n;
      }
      return buffer.subarray(0, used);
    } finally {
      file.close();
    }
  },
  list: (path) => [...deno().readDirSync(path)].map((e) => e.name),
  join: (root, path) => join(root, path),
  separator: '/',
};

function deno(): DenoApi {
  const api = (globalThis as unknown as { Deno?: DenoApi }).Deno;
  if (api === undefined) throw new Error('the deno runtime adapter needs the Deno global (import @reedcms/plugins/deno only in Deno)');
  return api;
}

/** Joins with '/' (Deno accepts it on every OS), dropping a trailing separator of `dir`. */
function join(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, '')}/${name}`;
}

/** file: URL → path, without node:url (Windows drive letters lose their leading slash). */
function fileUrlPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path;
}

/**
 * A WASI plugin's own worker: the web entry (shared with browsers; it talks through the global
 * scope's postMessage and message events, which Deno's workers have) resolved against this file,
 * so the source runs the `.ts` entry and the build its `.js`. Started as a `node:worker_threads`
 * Worker, not a web `Worker`: in Deno 2.9 a web worker's `terminate()` does not stop a worker
 * busy in a loop (it spins on and keeps the process alive), which would leave E_TIMEOUT's
 * runaway plugin running; Deno's worker_threads Worker stops it, and has `unref()`. Its imports
 * resolve as the main module's do (`npm:`, node_modules, the import map).
 */
function spawnDenoGuestWorker(): GuestWorkerPort {
  const entry = new URL(`../engine/worker-web-entry.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
  return threadWorkerPort(new Worker(entry) as ThreadWorker);
}

/**
 * Deno's platform services.
 *
 * @example
 * ```ts
 * // deno run --allow-read main.ts
 * import { PluginManager } from '@reedcms/plugins';   // the deno condition sets this as default
 * const manager = new PluginManager({ pluginDir: './plugins' });
 * await manager.initialize();
 * ```
 */
export const denoRuntime: RuntimeAdapter = {
  name: 'deno',
  hasFileSystem: true,
  openDirectory: (root) => directoryTree(root, denoDirectoryOps),
  // Worker isolation works in Deno when Extism gets `nodeWorkerArgs: { execArgv: [] }` (its
  // default execArgv is refused: "invalid execArgv flags"); the engine passes these through.
  hasWorkers: true,
  workerOptions: { nodeWorkerArgs: { execArgv: [] } },
  spawnGuestWorker: spawnDenoGuestWorker,
  async listPluginDirs(root) {
    const dirs: string[] = [];
    for await (const entry of deno().readDir(root)) {
      if (!entry.isDirectory) continue;
      const dir = join(root, entry.name);
      if (await isFile(join(dir, 'plugin.toml'))) dirs.push(dir);
    }
    return dirs.sort();
  },
  readText: (path) => deno().readTextFile(path),
  readBytes: (path) => deno().readFile(path),
  joinPath: join,
  realPath: (path) => deno().realPath(path),
  async fetchBytes(url) {
    if (url.protocol === 'file:') return deno().readFile(fileUrlPath(url));
    return fetchUrlBytes(url);
  },
  watchDir(dir, onChange) {
    const watcher = deno().watchFs(dir);
    void (async () => {
      try {
        for await (const _change of watcher) onChange();
      } catch {
        // The watcher was closed or the folder vanished: nothing more to report.
      }
    })();
    return () => watcher.close();
  },
};

async function isFile(path: string): Promise<boolean> {
  try {
    return (await deno().stat(path)).isFile;
  } catch {
    return false;
  }
}

/** The adapter managers use when none is given (`#runtime`, `deno` condition). */
export const defaultRuntime: RuntimeBinding['defaultRuntime'] = denoRuntime;

/** Extism, bundled. */
export const loadExtism: RuntimeBinding['loadExtism'] = staticExtism;
