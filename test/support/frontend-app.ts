/**
 * A vanilla frontend app that imports the package's browser entry and runs one plugin, built
 * with Vite's JS API (minified, as a production build), so the bundle-size benchmark and the
 * bundle-contents test measure what a web page really downloads. The variants:
 * - `main-thread`: the plugin pre-instrumented by the Vite plugin, run inline;
 * - `worker`: the same plugin under `isolation: 'worker'`;
 * - `raw-bytes`: the module fetched as raw bytes at run time (instrumented in the page);
 * - `wasi-worker`: a plugin importing WASI, pre-instrumented, under `isolation: 'worker'` (its
 *   own worker, a chunk of its own);
 * - `raw-extism`: the baseline, Extism alone calling the same export (no limits, no manager).
 *
 * @example
 * ```ts
 * const app = await buildFrontendApp('main-thread', { packageEntry: 'src/browser.ts', outDir: 'build/app' });
 * console.log(app.totalGzip, app.files.map((f) => f.name));
 * ```
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { reedPlugins } from '../../src/vite/index.ts';
import { compileWat } from './wat.ts';
import { runtimeAliases } from '../../scripts/lib/runtime-aliases.ts';

/** Which app to build. */
export type FrontendVariant = 'main-thread' | 'worker' | 'raw-bytes' | 'wasi-worker' | 'raw-extism';

/** One emitted JavaScript file. */
export interface BundleFile {
  name: string;
  bytes: number;
  gzipBytes: number;
  code: string;
  /** The source modules bundled into it (absolute ids; none for an emitted asset). */
  modules: string[];
  /** Its rendered (minified, before gzip) bytes per part, as {@link FrontendBundle.parts}. */
  parts: Record<string, number>;
}

/** What a build emitted. */
export interface FrontendBundle {
  variant: FrontendVariant;
  /** The folder served as the site (index.html, main.js, chunks, plugin.wasm). */
  siteDir: string;
  /** main.js and every file it imports statically, transitively: what loads before any `import()`. */
  initial: string[];
  /** Every JavaScript file, the entry first. */
  files: BundleFile[];
  /** Rendered (minified, before gzip) bytes per part: a package, or a folder of src/. */
  parts: Record<string, number>;
  /** Sum over every file: what a page running the variant downloads. */
  totalBytes: number;
  totalGzip: number;
}

const MANIFEST = 'id = "echo"\nname = "echo"\nversion = "1.0.0"\ncapabilities = [{ Hook = "transform_data" }]\n';

/** A plugin that leaves the hook's data unchanged (empty output). */
const ECHO_WAT = '(module (memory (export "memory") 1) (func (export "hook_transform_data") (result i32) i32.const 0))';

/** The same plugin calling WASI (sched_yield) first: a module the WASI layer serves. */
const WASI_ECHO_WAT =
  '(module (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32))) (memory (export "memory") 1) (func (export "hook_transform_data") (result i32) call $yield drop i32.const 0))';

/** `@extism/extism`, `semver`, `src/instrument`, … for a module id. */
function partOf(id: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
  if (pkg?.[1] !== undefined) return pkg[1];
  // The package's own folders, from the source or the build (dist/ mirrors src/).
  const own = /\/(?:src|dist)\/([^/]+)\//.exec(id);
  return own?.[1] !== undefined ? `src/${own[1]}` : /\/(?:src|dist)\/[^/]+$/.test(id) ? 'src' : 'app';
}

function appCode(variant: FrontendVariant): string {
  if (variant === 'raw-extism') {
    return `import createPlugin from '@extism/extism';
const plugin = await createPlugin({ wasm: [{ url: new URL('/plugin.wasm', location.href).href }] }, { useWasi: false });
await plugin.call('hook_transform_data', '{"ok":1}');
document.body.textContent = JSON.stringify({ ok: 1 });
`;
  }
  const run = `document.body.textContent = JSON.stringify(await manager.hooks.execute('transform_data', { ok: 1 }));\n`;
  if (variant === 'raw-bytes') {
    return `import { PluginManager } from '@reedcms/plugins';
const manager = new PluginManager();
await manager.load({ manifest: ${JSON.stringify(MANIFEST)}, wasm: new URL('/plugin.wasm', location.href) });
${run}`;
  }
  return `import { PluginManager } from '@reedcms/plugins';
import plugins from 'virtual:reed-plugins';
const manager = new PluginManager({ sources: plugins${variant === 'worker' || variant === 'wasi-worker' ? ", isolation: 'worker'" : ''} });
await manager.initialize();
${run}`;
}

/**
 * Builds one variant into `outDir` and reads back what it emitted.
 *
 * @example
 * ```ts
 * const { totalGzip } = await buildFrontendApp('worker', { packageEntry: join(REPO_ROOT, 'dist', 'browser.js'), outDir });
 * ```
 */
export async function buildFrontendApp(variant: FrontendVariant, options: { packageEntry: string; outDir: string }): Promise<FrontendBundle> {
  const { outDir } = options;
  const srcDir = join(outDir, 'src');
  const pluginDir = join(srcDir, 'plugins', 'echo');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(pluginDir, { recursive: true });
  const wasm = variant === 'wasi-worker' ? await compileWat(WASI_ECHO_WAT, 'wasi-echo.wat') : await compileWat(ECHO_WAT, 'echo.wat');
  await writeFile(join(pluginDir, 'plugin.toml'), MANIFEST);
  await writeFile(join(pluginDir, 'plugin.wasm'), wasm);
  const entry = join(srcDir, 'main.js');
  await writeFile(entry, appCode(variant));
  const dist = join(outDir, 'dist');
  const output = await build({
    configFile: false,
    root: srcDir,
    logLevel: 'silent',
    resolve: {
      alias: { '@reedcms/plugins': options.packageEntry, ...runtimeAliases(options.packageEntry, 'browser') },
      conditions: ['browser', 'module', 'import', 'default'],
    },
    // The Vite plugin in every variant (it moves Extism's worker script into a file of its own);
    // only the pre-instrumented variants import its virtual module.
    plugins: [reedPlugins({ plugins: [pluginDir], delivery: 'compile' })],
    build: {
      outDir: dist,
      emptyOutDir: true,
      target: 'esnext',
      minify: true,
      // An app build (not a library build, which keeps whitespace): what a site would ship.
      rollupOptions: { input: entry, output: { entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js' } },
    },
  });
  const parts: Record<string, number> = {};
  const chunks = new Map<string, { modules: string[]; imports: string[]; parts: Record<string, number> }>();
  for (const out of Array.isArray(output) ? output : [output]) {
    if (!('output' in out)) continue;
    for (const chunk of out.output) {
      if (chunk.type !== 'chunk') continue;
      const own: Record<string, number> = {};
      for (const [id, info] of Object.entries(chunk.modules)) {
        parts[partOf(id)] = (parts[partOf(id)] ?? 0) + info.renderedLength;
        own[partOf(id)] = (own[partOf(id)] ?? 0) + info.renderedLength;
      }
      chunks.set(chunk.fileName, { modules: Object.keys(chunk.modules), imports: chunk.imports, parts: own });
    }
  }
  const initial = new Set<string>();
  const visit = (name: string) => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const next of chunks.get(name)?.imports ?? []) visit(next);
  };
  visit('main.js');
  const names = (await readdir(dist, { recursive: true })).filter((n) => n.endsWith('.js')).sort((a, b) => (a === 'main.js' ? -1 : b === 'main.js' ? 1 : a.localeCompare(b)));
  const files: BundleFile[] = [];
  for (const name of names) {
    const code = await readFile(join(dist, name), 'utf8');
    files.push({ name, code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).byteLength, modules: chunks.get(name)?.modules ?? [], parts: chunks.get(name)?.parts ?? {} });
  }
  await writeFile(join(dist, 'index.html'), '<!doctype html><meta charset="utf-8"><title>app</title><script type="module" src="/main.js"></script>\n');
  await writeFile(join(dist, 'plugin.wasm'), wasm);
  return {
    variant,
    siteDir: dist,
    initial: [...initial].sort(),
    parts,
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    totalGzip: files.reduce((sum, f) => sum + f.gzipBytes, 0),
  };
}

/** What a page running a bundle did. */
export interface PageRun {
  /** The page's text once the app ran (the hook's result, as JSON). */
  text: string;
  /** Every JavaScript file the page (and its workers) fetched, by name. */
  fetched: string[];
  /** Their gzip sizes summed: what the variant really costs a visitor. */
  fetchedGzip: number;
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Serves the built site on 127.0.0.1 (cross-origin isolated, so worker isolation works) and runs
 * it in Chromium until the app has written its result; reports what it fetched.
 *
 * @example
 * ```ts
 * const run = await runInPage(await buildFrontendApp('main-thread', options), '/usr/bin/chromium');
 * expect(JSON.parse(run.text)).toEqual({ ok: 1 });
 * ```
 */
export async function runInPage(bundle: FrontendBundle, chromiumPath: string, timeoutMs = 20_000): Promise<PageRun> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
    const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.wasm') ? 'application/wasm' : 'text/html';
    readFile(join(bundle.siteDir, path)).then(
      (body) => {
        res.writeHead(200, { 'content-type': type, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const userDataDir = await mkdtemp(join(tmpdir(), 'reed-app-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  try {
    const fetched = new Set<string>();
    // Context-wide: the worker's own script fetch is counted too.
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === origin && url.pathname.endsWith('.js')) fetched.add(url.pathname.slice(1));
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => void errors.push(e.message));
    page.on('console', (m) => void errors.push(`${m.type()}: ${m.text()}`));
    await page.goto(`${origin}/`);
    try {
      await page.waitForFunction(() => document.body !== null && document.body.textContent !== '', undefined, { timeout: timeoutMs });
    } catch (err) {
      throw new Error(`${bundle.variant}: the app did not finish: ${String(err)}\n${errors.join('\n')}`);
    }
    const text = await page.evaluate(() => document.body.textContent ?? '');
    const names = [...fetched].sort();
    const sizes = new Map(bundle.files.map((f) => [f.name, f.gzipBytes]));
    return { text, fetched: names, fetchedGzip: names.reduce((sum, n) => sum + (sizes.get(n) ?? 0), 0) };
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
