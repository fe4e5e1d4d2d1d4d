/**
 * Builds the workerd test Worker with Vite (the `workerd` export condition, the Vite plugin in
 * `import` delivery) and writes a workerd config serving it on 127.0.0.1:<port>.
 *
 * @example
 * ```ts
 * const { configPath } = await buildWorkerdTest(8787);
 * // workerd serve <configPath>
 * ```
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../../../scripts/lib/build-assemblyscript.ts';
import { reedPlugins } from '../../../src/vite/index.ts';
import { LIMITS } from '../../conformance/plugins.ts';

/**
 * Bundles `entry` for workerd into `outDir` (worker.js plus reed-plugins/*.wasm).
 *
 * @example
 * ```ts
 * await bundleForWorkerd({ entry: 'test/runtimes/workerd/worker.ts', outDir: 'build/workerd-test', pluginDir: 'build/conformance/plugins', packageEntry: 'src/workerd.ts' });
 * ```
 */
export async function bundleForWorkerd(options: { entry: string; outDir: string; pluginDir: string; packageEntry: string; limits?: Record<string, number> }): Promise<string[]> {
  await rm(options.outDir, { recursive: true, force: true });
  await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    resolve: {
      alias: { '@reedcms/plugins': options.packageEntry },
      // What Workers bundlers resolve: picks our workerd entry and Extism's browser build.
      conditions: ['workerd', 'worker', 'browser'],
    },
    plugins: [reedPlugins({ pluginDir: options.pluginDir, limits: options.limits ?? LIMITS })],
    build: {
      outDir: options.outDir,
      emptyOutDir: true,
      target: 'esnext',
      minify: false,
      copyPublicDir: false,
      lib: { entry: options.entry, formats: ['es'], fileName: () => 'worker.js' },
    },
  });
  const wasm = await readdir(join(options.outDir, 'reed-plugins')).catch(() => []);
  return wasm.map((f) => `reed-plugins/${f}`);
}

/**
 * A workerd config (capnp text) serving `worker.js` and its wasm modules on `port`.
 *
 * @example
 * ```ts
 * await writeFile('config.capnp', workerdConfig(8787, ['reed-plugins/echo-abc.wasm']));
 * ```
 */
export function workerdConfig(port: number, wasmModules: readonly string[]): string {
  const modules = [`(name = "worker.js", esModule = embed "worker.js")`, ...wasmModules.map((m) => `(name = ${JSON.stringify(m)}, wasm = embed ${JSON.stringify(m)})`)];
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .mainWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const mainWorker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')},
  ],
  compatibilityDate = "2025-09-01",
);
`;
}

/**
 * Bundles the conformance Worker and writes its config; resolves with the config path.
 *
 * @example
 * ```ts
 * const configPath = await buildWorkerdTest(8787, pluginDir);
 * ```
 */
export async function buildWorkerdTest(port: number, pluginDir: string): Promise<string> {
  const outDir = join(REPO_ROOT, 'build', 'workerd-test');
  const wasm = await bundleForWorkerd({
    entry: join(REPO_ROOT, 'test', 'runtimes', 'workerd', 'worker.ts'),
    outDir,
    pluginDir,
    packageEntry: join(REPO_ROOT, 'src', 'workerd.ts'),
  });
  const configPath = join(outDir, 'config.capnp');
  await writeFile(configPath, workerdConfig(port, wasm));
  return configPath;
}
