/**
 * Writes the conformance suite's plugins as plugin folders (plugin.toml + plugin.wasm) under
 * build/conformance/plugins/, from the AssemblyScript fixtures (built by test/global-setup.ts)
 * and WAT sources. Every runner starts from these folders.
 *
 * @example
 * ```ts
 * const root = await buildConformancePlugins(); // …/build/conformance/plugins
 * ```
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { fixturePath } from '../support/fixtures.ts';
import { compileWat } from '../support/wat.ts';
import { SUITE_PLUGINS, WASI_SUITE_PLUGINS } from './plugins.ts';

/** Where the folders go. */
export const CONFORMANCE_PLUGIN_DIR = join(REPO_ROOT, 'build', 'conformance', 'plugins');

/**
 * Builds every suite plugin folder; resolves with the root folder.
 *
 * @example
 * ```ts
 * await buildConformancePlugins();
 * ```
 */
export async function buildConformancePlugins(): Promise<string> {
  for (const plugin of SUITE_PLUGINS) {
    const dir = join(CONFORMANCE_PLUGIN_DIR, plugin.id);
    await mkdir(dir, { recursive: true });
    await writeAtomically(join(dir, 'plugin.toml'), plugin.manifest);
    await writeAtomically(join(dir, 'plugin.wasm'), await moduleBytes(plugin.source));
  }
  // C and Go plugins exist only where their toolchains do (test/global-setup.ts says so).
  for (const plugin of WASI_SUITE_PLUGINS) {
    const dir = join(CONFORMANCE_PLUGIN_DIR, plugin.id);
    const built = fixturePath(plugin.source.slice('native:'.length));
    if (!existsSync(built)) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    await mkdir(dir, { recursive: true });
    await writeAtomically(join(dir, 'plugin.toml'), plugin.manifest);
    await writeAtomically(join(dir, 'plugin.wasm'), await readFile(built));
  }
  // A real directory for the WASI mount case (runtimes with a file system), beside the plugins:
  // `<plugin dir>/../files/data/hello.txt`, and a symlink out of data/ for the escape check.
  const files = join(CONFORMANCE_PLUGIN_DIR, '..', 'files');
  await mkdir(join(files, 'data'), { recursive: true });
  await writeAtomically(join(files, 'data', 'hello.txt'), 'hello from disk');
  await writeAtomically(join(files, 'secret.txt'), 'not for plugins');
  await rm(join(files, 'data', 'link.txt'), { force: true });
  await symlink(join(files, 'secret.txt'), join(files, 'data', 'link.txt')).catch(() => {});
  return CONFORMANCE_PLUGIN_DIR;
}

async function moduleBytes(source: string): Promise<Uint8Array> {
  const [kind, name] = source.split(/:(.*)/s) as [string, string];
  if (kind === 'as') return readFile(fixturePath(name));
  if (kind === 'wat') return compileWat(await readFile(join(REPO_ROOT, name), 'utf8'), name);
  throw new Error(`unknown plugin source ${source}`);
}

/** Runners build the folders concurrently (one per test file): never expose a half-written file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}
