/**
 * What a frontend bundle of the browser entry holds, built for production from the source
 * (test/support/frontend-app.ts) and run in Chromium: with pre-instrumented plugins on the main
 * thread, nothing loaded before the first `import()` carries Extism's worker script, the module
 * rewriter or the WASI layer, and the page fetches none of them; worker isolation fetches the
 * worker script (its own file) and works; raw bytes fetch the rewriter and work; a WASI plugin
 * under worker isolation fetches its own worker's chunk (emitted by Vite from the browser
 * adapter's `new Worker(new URL(…))`), which no other page fetches. Structure, not sizes
 * (bench/bundle-size.ts measures those).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { buildFrontendApp, runInPage, type FrontendBundle, type FrontendVariant } from '../support/frontend-app.ts';
import { CHROMIUM_PATH } from './browser/run-chromium.ts';

/** Extism's worker script as it ships inside Extism's browser build. */
const INLINE_WORKER = 'data:text/javascript;base64,';
/** Source modules a main-thread page with pre-instrumented plugins must not load. */
const LAZY_MODULES = ['src/instrument/index.ts', 'src/instrument/code-rewriter.ts', 'src/plugin/apply-limits.ts', 'src/wasi/wasi-instance.ts', 'src/wasi/wasi-functions.ts'];

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

  it('main thread, pre-instrumented: the initial files hold no worker script, no rewriter, no WASI layer', async () => {
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
    // The rewriter is there, in a chunk of its own, for raw bytes.
    expect(filesWith(bundle, 'src/instrument/code-rewriter.ts')).toHaveLength(1);
    // So is a WASI plugin's own worker, for worker isolation: a chunk no initial file holds.
    const wasiWorker = bundle.files.filter((f) => isWasiWorker(f.name));
    expect(wasiWorker).toHaveLength(1);
    expect(bundle.initial).not.toContain(wasiWorker[0]?.name);
  });

  describe.skipIf(!existsSync(CHROMIUM_PATH))('in Chromium', () => {
    it('main thread: runs the plugin and fetches neither the worker script nor the rewriter', async () => {
      const bundle = await build('main-thread');
      const run = await runInPage(bundle, CHROMIUM_PATH);
      expect(JSON.parse(run.text)).toEqual({ ok: 1 });
      expect(run.fetched).toContain('main.js');
      expect(run.fetched.filter((name) => name.includes('extism-worker'))).toEqual([]);
      expect(run.fetched.filter(isWasiWorker)).toEqual([]);
      const lazy = LAZY_MODULES.flatMap((path) => filesWith(bundle, path));
      expect(run.fetched.filter((name) => lazy.includes(name))).toEqual([]);
    }, 120_000);

    it("isolation: 'worker' fetches the worker script from its own file and runs the plugin", async () => {
      const run = await runInPage(await build('worker'), CHROMIUM_PATH);
      expect(JSON.parse(run.text)).toEqual({ ok: 1 });
      expect(run.fetched.filter((name) => name.includes('extism-worker'))).toHaveLength(1);
      expect(run.fetched.filter(isWasiWorker)).toEqual([]);
    }, 120_000);

    it("a WASI plugin under isolation: 'worker' fetches its own worker's chunk and runs", async () => {
      const run = await runInPage(await build('wasi-worker'), CHROMIUM_PATH);
      expect(JSON.parse(run.text)).toEqual({ ok: 1 });
      expect(run.fetched.filter(isWasiWorker)).toHaveLength(1);
      // Extism's worker is not involved: the plugin's worker runs the engine itself.
      expect(run.fetched.filter((name) => name.includes('extism-worker'))).toEqual([]);
    }, 120_000);

    it('raw bytes fetch the rewriter and run the plugin', async () => {
      const bundle = await build('raw-bytes');
      const run = await runInPage(bundle, CHROMIUM_PATH);
      expect(JSON.parse(run.text)).toEqual({ ok: 1 });
      const rewriter = filesWith(bundle, 'src/instrument/code-rewriter.ts');
      expect(rewriter).toHaveLength(1);
      expect(run.fetched).toContain(rewriter[0]);
    }, 120_000);
  });
});
