/**
 * The Node.js adapter: plugin folders on disk, file: URLs, worker threads.
 */
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync, watch } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { GuestWorkerPort } from '../engine/worker-channel.ts';
import type { CreatePlugin } from '../engine/extism-loader.ts';
import { fetchUrlBytes, type RuntimeAdapter, type RuntimeBinding } from './adapter.ts';
import { threadWorkerPort, type ThreadWorker } from './thread-worker-port.ts';
import { directoryTree, type SyncDirectoryOps } from '../wasi/wasi-directory.ts';

/** Node's synchronous file operations for read-only WASI mounts of real directories. */
const nodeDirectoryOps: SyncDirectoryOps = {
  realpath: (path) => realpathSync(path),
  stat(path) {
    const info = statSync(path);
    return info.isDirectory() ? { kind: 'dir', size: 0 } : info.isFile() ? { kind: 'file', size: info.size } : undefined;
  },
  read(path, offset, length) {
    const fd = openSync(path, 'r');
    try {
      const buffer = new Uint8Array(length);
      return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
    } finally {
      closeSync(fd);
    }
  },
  list: (path) => readdirSync(path),
  join: (root, path) => join(root, ...path.split('/')),
  separator: sep,
};

/** The warning `node:wasi` emits when it is loaded (Node 20+). */
const WASI_WARNING = /^WASI is an experimental feature/;

/**
 * Loads Extism's Node build without the "ExperimentalWarning: WASI is an experimental
 * feature" its `import 'wasi'` prints (the host serves its own WASI, src/wasi/, and never uses
 * node:wasi). Only that warning, only while Extism loads: every other warning goes through.
 */
export async function importExtismQuietly(): Promise<CreatePlugin> {
  const emitWarning = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const message = typeof warning === 'string' ? warning : warning.message;
    if (WASI_WARNING.test(message)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  process.emitWarning = filtered;
  try {
    return (await import('@extism/extism')).default;
  } finally {
    if (process.emitWarning === filtered) process.emitWarning = emitWarning;
  }
}

/**
 * A worker thread running src/engine/worker-serve.ts with `parentPort` as its port. From the
 * sources (this file is `.ts`: tests, tsx) the worker registers tsx first, as Node cannot run
 * TypeScript itself; the published build is JavaScript and needs nothing.
 */
function spawnNodeGuestWorker(): GuestWorkerPort {
  const fromSource = import.meta.url.endsWith('.ts');
  const engine = (name: string) => JSON.stringify(new URL(`../engine/${name}.${fromSource ? 'ts' : 'js'}`, import.meta.url).href);
  const tsx = fromSource
    ? pathToFileURL(
        createRequire(import.meta.url)
          .resolve('tsx/esm/api')
          .replace(/\.cjs$/, '.mjs'),
      ).href
    : undefined;
  const register = tsx === undefined ? 'Promise.resolve()' : `import(${JSON.stringify(tsx)}).then((tsx) => tsx.register())`;
  const code = `const { parentPort } = require('node:worker_threads');
${register}.then(() => import(${engine('worker-serve')})).then(({ serveGuestWorker }) => serveGuestWorker({
  postMessage: (message) => parentPort.postMessage(message),
  onMessage: (listener) => parentPort.on('message', listener),
}));`;
  return threadWorkerPort(new Worker(code, { eval: true }) as ThreadWorker);
}

/**
 * Node's platform services.
 *
 * @example
 * ```ts
 * import { PluginManager } from '@reedcms/plugins';   // the node entry sets this as default
 * const manager = new PluginManager({ pluginDir: 'plugins' });
 * ```
 */
export const nodeRuntime: RuntimeAdapter = {
  name: 'node',
  hasFileSystem: true,
  hasWorkers: true,
  spawnGuestWorker: spawnNodeGuestWorker,
  openDirectory: (root) => directoryTree(root, nodeDirectoryOps),
  async listPluginDirs(root) {
    const entries = await readdir(root, { withFileTypes: true });
    const dirs: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, entry.name);
      if (await isFile(join(dir, 'plugin.toml'))) dirs.push(dir);
    }
    return dirs.sort();
  },
  readText: (path) => readFile(path, 'utf8'),
  async readBytes(path) {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
  joinPath: (dir, name) => join(dir, name),
  realPath: (path) => realpath(path),
  async fetchBytes(url) {
    if (url.protocol === 'file:') return nodeRuntime.readBytes(fileURLToPath(url));
    return fetchUrlBytes(url);
  },
  watchDir(dir, onChange) {
    // plugin.toml and the module sit in the folder itself: no need for a recursive watch.
    const watcher = watch(dir, { persistent: false }, () => onChange());
    watcher.on('error', () => watcher.close());
    return () => watcher.close();
  },
};

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The adapter managers use on Node when none is given (`#runtime`, `node` condition). */
export const defaultRuntime: RuntimeBinding['defaultRuntime'] = nodeRuntime;

/** How Extism loads on Node: lazily, quietly. */
export const loadExtism: RuntimeBinding['loadExtism'] = importExtismQuietly;
