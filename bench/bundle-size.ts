/**
 * What the package costs a web page: a vanilla Vite app importing the browser entry and running
 * one plugin, built for production with Vite's JS API (test/support/frontend-app.ts), run in
 * Chromium, and every JavaScript file the page fetched summed, gzip -9. The baseline, built and
 * run the same way, is Extism alone calling the same export (what any Extism host pays). Run
 * alone: `npm run bench:one -- bench/bundle-size.ts`.
 *
 * Sizes, not times: the time columns stay empty; the ratio is ours / raw Extism, and the
 * main-thread row's target is the absolute goal (≤ 50 KB gzip).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../scripts/lib/build-assemblyscript.ts';
import { CHROMIUM_PATH } from '../test/runtimes/browser/run-chromium.ts';
import { buildFrontendApp, runInPage, type FrontendVariant, type PageRun } from '../test/support/frontend-app.ts';
import { printTable, type BenchResult } from './support/measure.ts';

/** The goal for pre-instrumented plugins on the main thread, gzip bytes. */
const MAIN_THREAD_GOAL = 50_000;

const ROWS: Array<{ variant: FrontendVariant; name: string }> = [
  { variant: 'main-thread', name: 'frontend app, pre-instrumented plugin on the main thread' },
  { variant: 'worker', name: "frontend app, the same plugin under isolation: 'worker'" },
  { variant: 'raw-bytes', name: 'frontend app, raw module bytes instrumented in the page' },
  { variant: 'wasi-worker', name: "frontend app, a WASI plugin under isolation: 'worker' (its own worker's chunk)" },
];

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

async function measure(variant: FrontendVariant): Promise<PageRun & { emittedGzip: number; parts: Record<string, number> }> {
  // The built package (npm run build), resolved as users get it: `#runtime` through package.json.
  const bundle = await buildFrontendApp(variant, { packageEntry: join(REPO_ROOT, 'dist', 'browser.js'), outDir: join(REPO_ROOT, 'build', 'bundle-size', variant) });
  const run = await runInPage(bundle, CHROMIUM_PATH);
  if (run.text !== JSON.stringify({ ok: 1 })) throw new Error(`${variant}: the app answered ${run.text}`);
  // The parts of what the page fetched (not of every chunk emitted).
  const parts: Record<string, number> = {};
  for (const file of bundle.files.filter((f) => run.fetched.includes(f.name))) {
    for (const [part, bytes] of Object.entries(file.parts)) parts[part] = (parts[part] ?? 0) + bytes;
  }
  return { ...run, emittedGzip: bundle.totalGzip, parts };
}

/**
 * Builds and runs every variant and returns their results.
 *
 * @example
 * ```ts
 * printTable(await runBundleSizeBench());
 * ```
 */
export async function runBundleSizeBench(): Promise<BenchResult[]> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
  const baseline = await measure('raw-extism');
  const results: BenchResult[] = [];
  for (const { variant, name } of ROWS) {
    const ours = await measure(variant);
    const ratio = ours.fetchedGzip / baseline.fetchedGzip;
    const goal = variant === 'main-thread';
    const largest = Object.entries(ours.parts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([part, bytes]) => `${part} ${kb(bytes)}`)
      .join(', ');
    results.push({
      name,
      candidateUs: Number.NaN,
      baselineUs: Number.NaN,
      ratio,
      target: goal ? `<= ${kb(MAIN_THREAD_GOAL)} gzip` : 'report',
      pass: goal ? ours.fetchedGzip <= MAIN_THREAD_GOAL : true,
      details: `fetched ${kb(ours.fetchedGzip)} gzip (${ours.fetched.join(', ')}) vs raw Extism ${kb(baseline.fetchedGzip)}; emitted ${kb(ours.emittedGzip)}; largest fetched parts before minifying: ${largest}`,
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await runBundleSizeBench());
}
