/**
 * The playground in Chromium: page load to the first hook result (examples prebuilt) next to
 * the same load-and-call in Node; the in-browser AssemblyScript build of the seo example next
 * to `asc` of the same source in Node, in the same run; and the built site's size: the JS and
 * CSS a visitor downloads before asking for the compiler, and the lazy compiler chunks
 * (target: the first load under 250 KB gzip). Run alone: `npm run bench:one -- bench/playground.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { REPO_ROOT, ascFlags } from '../scripts/lib/build-assemblyscript.ts';
import { PLUGIN_BUILD_DIR } from '../playground/vite/playground-plugin.ts';
import { launchBrowser, openPlayground, run } from '../test/playground/support/browser.ts';
import { SITE_DIR, buildSite, serveSite } from '../test/playground/support/site.ts';
import { median, printTable, type BenchResult } from './support/measure.ts';

const KB = 1000;
const WORK = join(REPO_ROOT, 'build', 'bench-playground');
const SEO = join(REPO_ROOT, 'examples', 'plugins', 'seo');

/** gzip -9 size of a built asset, by its URL path. */
function gzipSize(urlPath: string): number {
  return gzipSync(readFileSync(join(SITE_DIR, decodeURIComponent(urlPath))), { level: 9 }).byteLength;
}

const isCode = (path: string) => /\.(js|css|html)$/.test(path);

/** An asset's name without its content hash. */
const shortName = (path: string) => path.replace(/^assets\//, '').replace(/-[\w-]{8}\./, '.');

/** Node: load the prebuilt seo module into a fresh manager and run after_render once. */
async function nodeFirstResult(page: unknown): Promise<number> {
  const started = performance.now();
  const manager = new PluginManager({ logger: { debug() {}, info() {}, warn() {}, error() {} } });
  await manager.load({ manifest: readFileSync(join(SEO, 'plugin.toml'), 'utf8'), wasm: new Uint8Array(readFileSync(join(PLUGIN_BUILD_DIR, 'seo.wasm'))) });
  await manager.hooks.execute(Hooks.AFTER_RENDER, page);
  const ms = performance.now() - started;
  await manager.shutdown();
  return ms;
}

/** Node: `asc` of the seo source with the repository's flags, process start to exit. */
function nodeAsc(): number {
  mkdirSync(WORK, { recursive: true });
  const asc = join(REPO_ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
  const started = performance.now();
  const r = spawnSync('node', [asc, 'examples/plugins/seo/assembly/index.ts', '--outFile', join(WORK, 'seo.wasm'), '--baseDir', REPO_ROOT, ...ascFlags()], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`asc failed: ${r.stderr}`);
  return performance.now() - started;
}

/**
 * Runs the playground benchmark.
 *
 * @example
 * ```ts
 * printTable(await runPlaygroundBench());
 * ```
 */
export async function runPlaygroundBench(): Promise<BenchResult[]> {
  await buildSite();
  const site = await serveSite();
  const browser = await launchBrowser();
  try {
    // Page load to first result, median of 5 fresh pages, next to the same in Node.
    const browserMs: number[] = [];
    const nodeMs: number[] = [];
    let initial = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const loaded = new Set<string>();
      const started = performance.now();
      const page = await browser.context.newPage();
      page.on('response', (r) => void loaded.add(new URL(r.url()).pathname));
      await page.goto(site.url);
      await page.waitForSelector('body[data-ready="true"]');
      await run(page);
      browserMs.push(performance.now() - started);
      initial = loaded;
      await page.close();
      nodeMs.push(await nodeFirstResult({ path: '/posts/hello', title: 'Hello', html: '<html><head><title>Hello</title></head><body></body></html>', meta: { description: 'x' } }));
    }
    // The page itself ("/") is its index.html.
    const initialFiles = [...initial]
      .map((p) => (p.endsWith('/') ? `${p}index.html` : p))
      .filter(isCode)
      .map((p) => p.replace(/^\//, ''));
    const initialGzip = initialFiles.reduce((sum, p) => sum + gzipSize(p), 0);
    // The plugin modules fetched with it are data, not the page's code: reported beside it.
    const initialModules = [...initial].filter((p) => p.endsWith('.wasm')).map((p) => p.replace(/^\//, ''));

    // In-browser build of the seo example: cold (the compiler loads) and warm, next to asc in Node.
    const page = await openPlayground(browser, site.url);
    const lazy = new Set<string>();
    page.on('response', (r) => void lazy.add(new URL(r.url()).pathname.replace(/^\//, '')));
    const build = async () => {
      const count = await page.locator('#build-time').getAttribute('data-count');
      const started = performance.now();
      await page.click('#build');
      await page.waitForFunction((before) => document.querySelector('#build-time')?.getAttribute('data-count') !== before, count, { timeout: 300_000 });
      const ms = performance.now() - started;
      if ((await page.locator('#build-time').getAttribute('data-ok')) !== 'true') throw new Error(`the in-browser build failed: ${await page.locator('#diagnostics').textContent()}`);
      // Back to a loaded state before the next build.
      await page.waitForFunction(() => (document.querySelector('#status')?.textContent ?? '').startsWith('loaded'), undefined, { timeout: 60_000 });
      return ms;
    };
    const cold = await build();
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push(await build());
    const lazyGzip = [...lazy].filter((p) => p.endsWith('.js')).reduce((sum, p) => sum + gzipSize(p), 0);
    const ascMs: number[] = [];
    for (let i = 0; i < 3; i++) ascMs.push(nodeAsc());
    await page.close();

    const first = median(browserMs);
    const nodeFirst = median(nodeMs);
    const warmMs = median(warm);
    const asc = median(ascMs);
    return [
      {
        name: 'playground: page load to first hook result (seo, prebuilt) vs Node load + call',
        candidateUs: first * 1000,
        baselineUs: nodeFirst * 1000,
        ratio: first / nodeFirst,
        target: 'report',
        pass: true,
        details: `${first.toFixed(0)} ms vs ${nodeFirst.toFixed(1)} ms`,
      },
      {
        name: 'playground: in-browser asc build of seo, first (compiler loads) vs asc in Node (process)',
        candidateUs: cold * 1000,
        baselineUs: asc * 1000,
        ratio: cold / asc,
        target: 'report',
        pass: true,
        details: `${cold.toFixed(0)} ms vs ${asc.toFixed(0)} ms`,
      },
      {
        name: 'playground: in-browser asc build of seo, warm, vs asc in Node (process)',
        candidateUs: warmMs * 1000,
        baselineUs: asc * 1000,
        ratio: warmMs / asc,
        target: 'report',
        pass: true,
        details: `${warmMs.toFixed(0)} ms vs ${asc.toFixed(0)} ms (build, load and instrument)`,
      },
      {
        name: 'playground: first load JS+CSS+HTML gzip (before the compiler) vs 250 KB',
        candidateUs: Number.NaN,
        baselineUs: Number.NaN,
        ratio: initialGzip / (250 * KB),
        target: '<= 1',
        pass: initialGzip <= 250 * KB,
        details: `${(initialGzip / KB).toFixed(1)} KB gzip: ${initialFiles.map((p) => `${shortName(p)} ${(gzipSize(p) / KB).toFixed(1)}`).join(', ')}; plugin modules besides: ${initialModules.map((p) => `${shortName(p)} ${(gzipSize(p) / KB).toFixed(1)}`).join(', ')}`,
      },
      {
        name: 'playground: lazy chunks of the first build (asc + binaryen, the rewriter, the lint gutter) gzip',
        candidateUs: Number.NaN,
        baselineUs: Number.NaN,
        ratio: 1,
        target: 'report',
        pass: true,
        details: `${(lazyGzip / KB).toFixed(0)} KB gzip, loaded on the first Build only`,
      },
    ];
  } finally {
    await browser.close();
    await site.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await runPlaygroundBench());
}
