/**
 * Builds a Worker for workerd with Vite: the `workerd` export condition (our workerd entry and
 * Extism's browser build), the Vite plugin emitting each plugin as an instrumented `.wasm` module
 * the bundle imports, and a workerd config (capnp) serving it on 127.0.0.1.
 *
 * @example
 * ```sh
 * # the edge CMS example: build, then serve
 * node --import tsx examples/edge/cloudflare/build.ts 8787
 * npx workerd serve build/edge-cloudflare/config.capnp
 * ```
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { HostLimits } from '../../../src/plugin/limits.ts';
import { reedPlugins } from '../../../src/vite/index.ts';
import { runtimeAliases } from '../../../scripts/lib/runtime-aliases.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What to bundle. */
export interface WorkerBuild {
  /** The Worker's entry module. */
  entry: string;
  outDir: string;
  /** Folder of plugin folders for `virtual:reed-plugins`. */
  pluginDir: string;
  /** What '@reedcms/plugins' resolves to (the package's workerd entry; here the source). */
  packageEntry?: string;
  limits?: HostLimits;
}

/**
 * Bundles a Worker into `outDir` (worker.js plus reed-plugins/*.wasm); resolves with the wasm
 * module names.
 *
 * @example
 * ```ts
 * await bundleForWorkerd({ entry: 'examples/edge/cloudflare/worker.ts', outDir: 'build/edge-cloudflare', pluginDir: 'examples/plugins' });
 * ```
 */
export async function bundleForWorkerd(options: WorkerBuild): Promise<string[]> {
  await rm(options.outDir, { recursive: true, force: true });
  const packageEntry = options.packageEntry ?? join(REPO_ROOT, 'src', 'workerd.ts');
  await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    resolve: {
      // In a project that installed the package, '@reedcms/plugins' needs no alias: the
      // `workerd` condition picks dist/workerd.js.
      alias: { '@reedcms/plugins': packageEntry, ...runtimeAliases(packageEntry, 'workerd') },
      conditions: ['workerd', 'worker', 'browser'],
    },
    plugins: [reedPlugins({ pluginDir: options.pluginDir, ...(options.limits ? { limits: options.limits } : {}) })],
    build: {
      outDir: options.outDir,
      emptyOutDir: true,
      target: 'esnext',
      minify: false,
      copyPublicDir: false,
      lib: { entry: options.entry, formats: ['es'], fileName: () => 'worker.js' },
      // One module, as workerd is configured here: the package's lazily imported parts (the
      // rewriter, the WASI layer) are inlined, not split into chunks.
      rollupOptions: { output: { inlineDynamicImports: true } },
    },
  });
  const wasm = await readdir(join(options.outDir, 'reed-plugins')).catch(() => [] as string[]);
  return wasm.map((f) => `reed-plugins/${f}`);
}

/**
 * A workerd config (capnp text) serving `worker.js` and its wasm modules on 127.0.0.1:`port`.
 *
 * @example
 * ```ts
 * await writeFile('config.capnp', workerdConfig(8787, ['reed-plugins/seo-abc.wasm']));
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
 * Bundles a Worker and writes its config beside it; resolves with the config path.
 *
 * @example
 * ```ts
 * const configPath = await buildWorker({ entry, outDir, pluginDir }, 8787);
 * ```
 */
export async function buildWorker(options: WorkerBuild, port: number): Promise<string> {
  const wasm = await bundleForWorkerd(options);
  const configPath = join(options.outDir, 'config.capnp');
  await writeFile(configPath, workerdConfig(port, wasm));
  return configPath;
}

/**
 * Builds the edge CMS example Worker.
 *
 * @example
 * ```ts
 * const configPath = await buildEdgeCmsWorker(8787);
 * ```
 */
export function buildEdgeCmsWorker(port: number, outDir = join(REPO_ROOT, 'build', 'edge-cloudflare')): Promise<string> {
  return buildWorker({ entry: join(REPO_ROOT, 'examples', 'edge', 'cloudflare', 'worker.ts'), outDir, pluginDir: join(REPO_ROOT, 'examples', 'plugins') }, port);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8787);
  console.log(`wrote ${await buildEdgeCmsWorker(port)}; serve it with: npx workerd serve build/edge-cloudflare/config.capnp`);
}
