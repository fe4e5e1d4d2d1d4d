/**
 * What a frontend bundle of the browser entry holds, built for production from the source
 * (test/support/frontend-app.ts) and run in Chromium: with pre-instrumented plugins on the main
 * thread, nothing loaded before the first `import()` carries Extism (its in-page plugin or its
 * worker script), the module rewriter, the WASI layer, the JSON Schema validator, the manifest
 * reader or semver, and the page fetches none of them; worker isolation fetches Extism and its
 * worker script (its own file) and works; raw bytes fetch the rewriter (and the manifest reader,
 * for their TOML) and work; a WASI plugin under worker isolation fetches its own worker's chunk
 * (emitted by Vite from the browser adapter's `new Worker(new URL(…))`, holding no Extism),
 * which no other page fetches. Structure, not sizes (bench/bundle-size.ts measures those).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { buildFrontendApp, runInPage, type FrontendBundle, type FrontendVariant } from '../support/frontend-app.ts';
import { CHROMIUM_PATH } from './browser/run-chromium.ts';

/** Extism's worker script as it ships inside Extism's browser build. */
const INLINE_WORKER = 'data:text/javascript;base64,';
/**
 * Modules a main-thread page with pre-instrumented plugins (no schema, no dependencies) must not
 * load: Extism (inline guests run on the host's own kernel), the rewriter, the WASI layer, the
 * JSON Schema validator, the manifest reader (the Vite plugin hands over checked metadata) and
 * semver.
 */
const LAZY_MODULES = [
  'src/instrument/index.ts',
  'src/instrument/code-rewriter.ts',
  'src/plugin/apply-limits.ts',
  'src/wasi/wasi-instance.ts',
  'src/wasi/wasi-functions.ts',
  '@extism/extism/dist/browser/mod.js',
  'src/schema/bounded-schema.ts',
  '@cfworker/json-schema/dist/esm/validate.js',
  'src/manifest/parse-manifest.ts',
  'smol-toml/dist/parse.js',
  'valibot/dist/index.mjs',
  'semver/classes/range.js',
];

const built: Partial<Record<FrontendVariant, FrontendBundle>> = {};
const build = async (variant: FrontendVariant) =>
  (built[variant] ??= await buildFrontendApp(variant, { packageEntry: join(REPO_ROOT, 'src', 'browser.ts'), outDir: join(REPO_ROOT, 'build', 'bundle-contents', variant) }));

/** The chunk of a WASI plugin's own worker (src/engine/worker-web-entry.ts), as Vite names it. */
const isWasiWorker = (name: string) => /(^|\/)worker-web-entry-[\w-]+\.js$/.test(name);

/** The files of `bundle` holding a module whose id ends with `path`. */
const filesWith = (bundle: FrontendBundle, path: string) => bundle.files.filter((f) => f.modules.some((id) => id.endsWith(path))).map((f) => f.name);

describe('the browser entry in a production frontend bundle', () => {
  beforeAll(async () => {
    for (const variant of ['main-thread', 'worker', 'raw-bytes', 'wasi-worker'] as const) await build(variant);
  }, 180_000);

  it('main thread, pre-instrumented: the initial files hold no Extism, rewriter, WASI layer, schema validator, manifest reader or semver', async () => {
    const bundle = await build('main-thread');
    const initial = bundle.files.filter((f) => bundle.initial.includes(f.name));
    expect(initial.map((f) => f.name)).toContain('main.js');
    for (const file of bundle.files) expect(file.code.includes(INLINE_WORKER), file.name).toBe(false);
    const worker = bundle.files.filter((f) => f.name.includes('extism-worker'));
    expect(worker).toHaveLength(1);
    expect(bundle.initial).not.toContain(worker[0]?.name);
    for (const path of LAZY_MODULES) {
      const holders = filesWith(bundle, path);
      expect(
        holders.filter((name) => bundle.initial.includes(name)),
        path,
      ).toEqual([]);
    }
    // Each is there, in a chunk loaded by import(), for the plugins that need it.
    for (const path of LAZY_MODULES) expect(filesWith(bundle, path), path).toHaveLength(1);
    // So is a WASI plugin's own worker, for worker isolation: a chunk no initial file holds.
    const wasiWorker = bundle.files.filter((f) => isWasiWorker(f.name));
    expect(wasiWorker).toHaveLength(1);
    expect(bundle.initial).not.toContain(wasiWorker[0]?.name);
  });

  describe.skipIf(!existsSync(CHROMIUM_PATH))('in Chromium', () => {
    it('main thread: runs the plugin and fetches none of the modules loaded by import()', async () => {
      const bundle = await build('main-thread');
      const run = await runInPage(bundle, CHROMIUM_PATH);
      expect(JSON.parse(run.text)).toEqual({ ok: 1 });
      expect(run.fetched).toContain('main.js');
      expect(run.fetched.filter((name) => name.includes('extism-worker'))).toEqual([]);
      expect(run.fetched.filter(isWasiWorker)).toEqual([]);
      const lazy = LAZY_MODULES.flatMap((path) => filesWith(bundle, path));
      expect(run.fetched.filter((name) => lazy.includes(name))).toEqual([]);
    }, 120_000);

    it("isolation: 'worker' fetches Extism and the worker script from its own file and runs the plugin", async () => {
      const bundle = await build('worker');
      const run = await runInPage(bundle, CHROMIUM_PATH);
      expect(JSON.parse(run.text)).toEqual({ ok: 1 });
      expect(run.fetched.filter((name) => name.includes('extism-worker'))).toHaveLength(1);
      const extism = filesWith(bundle, '@extism/extism/dist/browser/mod.js');
      expect(extism).toHaveLength(1);
      expect(bundle.initial).not.toContain(extism[0]);
      expect(run.fetched).toContain(extism[0]);
      expect(run.fetched.filter(isWasiWorker)).toEqual([]);
    }, 120_000);

    it("a WASI plugin under isolation: 'worker' fetches its own worker's chunk, which holds no Extism, and runs", async () => {
      const bundle = await build('wasi-worker');
      const run = await runInPage(bundle, CHROMIUM_PATH);
      expect(JSON.parse(run.text)).toEqual({ ok: 1 });
      expect(run.fetched.filter(isWasiWorker)).toHaveLength(1);
      // Extism is not involved: the plugin's worker runs the guest on the host's own kernel.
      expect(run.fetched.filter((name) => name.includes('extism-worker'))).toEqual([]);
      expect(run.fetched.filter((name) => filesWith(bundle, '@extism/extism/dist/browser/mod.js').includes(name))).toEqual([]);
    }, 120_000);

    it('raw bytes fetch the rewriter and the manifest reader and run the plugin', async () => {
      const bundle = await build('raw-bytes');
      const run = await runInPage(bundle, CHROMIUM_PATH);
      expect(JSON.parse(run.text)).toEqual({ ok: 1 });
      const rewriter = filesWith(bundle, 'src/instrument/code-rewriter.ts');
      expect(rewriter).toHaveLength(1);
      expect(run.fetched).toContain(rewriter[0]);
      // Their manifest is TOML text, read in the page.
      expect(run.fetched).toContain(filesWith(bundle, 'src/manifest/parse-manifest.ts')[0]);
    }, 120_000);
  });
});
