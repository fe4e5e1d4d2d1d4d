/**
 * The Node.js adapter: plugin folders on disk, file: URLs, worker threads.
 */
import { watch } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchUrlBytes, type RuntimeAdapter } from './adapter.ts';

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
