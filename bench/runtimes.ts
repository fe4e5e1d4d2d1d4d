/**
 * The same hook call timed on Node, Deno, workerd and Chromium, each against a raw Extism call of
 * the same export on the same instrumented module, on the same runtime, in the same run (so the
 * ratio is our dispatch overhead there: JSON, limits bookkeeping, the hook chain). Fuel metering
 * is in both sides; bench/limits.ts measures its cost. Run alone: `npm run bench:one -- bench/runtimes.ts`.
 *
 * @example
 * ```sh
 * npm run build && npx tsx bench/runtimes.ts
 * ```
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import createPlugin from '@extism/extism';
// The compiled package (npm run build), as users import it.
import * as pkg from '@reedcms/plugins';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { buildWorker } from '../examples/edge/cloudflare/build.ts';
import { REPO_ROOT } from '../scripts/lib/build-assemblyscript.ts';
import { denoSourceImportMap, runtimeAliases } from '../scripts/lib/runtime-aliases.ts';
import { buildFixtures, FIXTURE_BUILD_DIR } from '../scripts/lib/build-fixtures.ts';
import { reedPlugins } from '../src/vite/index.ts';
import { freePort, startProcess, waitForHttp } from '../test/runtimes/support/processes.ts';
import { benchHook, ECHO_MANIFEST } from './runtimes/hook-bench.ts';
import { printTable, type BenchResult } from './support/measure.ts';

const OPS = 2000;
const ROUNDS = 7;
const CHROMIUM = '/usr/bin/chromium';
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

function row(runtime: string, oursUs: number, rawUs: number): BenchResult {
  const ratio = oursUs / rawUs;
  return { name: `hook call on ${runtime} vs raw Extism`, candidateUs: oursUs, baselineUs: rawUs, ratio, target: 'report', pass: true, details: `echo, ~230 B JSON, ${OPS} calls × ${ROUNDS} rounds` };
}

async function echoPluginDir(): Promise<string> {
  const dir = join(REPO_ROOT, 'build', 'bench-runtimes', 'plugins');
  await mkdir(join(dir, 'echo'), { recursive: true });
  await writeFile(join(dir, 'echo', 'plugin.toml'), ECHO_MANIFEST);
  await writeFile(join(dir, 'echo', 'plugin.wasm'), await readFile(join(FIXTURE_BUILD_DIR, 'echo.wasm')));
  return dir;
}

async function onNode(bytes: Uint8Array): Promise<BenchResult> {
  const module = await pkg.precompile(bytes, {}, pkg.parseManifest(ECHO_MANIFEST).limits);
  const r = await benchHook({ pkg: pkg as never, createPlugin: createPlugin as never, module, ops: OPS, rounds: ROUNDS });
  return row('node', r.oursUs, r.rawUs);
}

function onDeno(): BenchResult {
  const out = spawnSync(bin('deno'), ['run', '--allow-read', '--allow-env', ...denoSourceImportMap(), 'bench/runtimes/deno-bench.ts', join(FIXTURE_BUILD_DIR, 'echo.wasm')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`deno bench printed nothing:\n${out.stdout}\n${out.stderr}`);
  const r = JSON.parse(line) as { oursUs: number; rawUs: number };
  return row('deno', r.oursUs, r.rawUs);
}

async function onWorkerd(pluginDir: string): Promise<BenchResult> {
  const port = await freePort();
  const config = await buildWorker({ entry: join(REPO_ROOT, 'bench', 'runtimes', 'worker.ts'), outDir: join(REPO_ROOT, 'build', 'bench-workerd'), pluginDir }, port);
  const server = startProcess(bin('workerd'), ['serve', config]);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/run?ops=1`, server);
    const time = async (side: string) => {
      const start = performance.now();
      const response = await fetch(`${base}/run?side=${side}&ops=${OPS}`);
      if (!response.ok) throw new Error(`${side}: ${response.status} ${await response.text()}`);
      return ((performance.now() - start) * 1000) / OPS;
    };
    await time('ours');
    await time('raw');
    const ours: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        ours.push(await time('ours'));
        raw.push(await time('raw'));
      } else {
        raw.push(await time('raw'));
        ours.push(await time('ours'));
      }
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;
    return { ...row('workerd', median(ours), median(raw)), details: `echo, ~230 B JSON, ${OPS} calls per HTTP request × ${ROUNDS} (timed from outside: workerd's clock stands still)` };
  } finally {
    await server.stop();
  }
}

async function onChromium(pluginDir: string): Promise<BenchResult | undefined> {
  if (!existsSync(CHROMIUM)) {
    console.warn(`!!! ${CHROMIUM} missing: Chromium not benchmarked`);
    return undefined;
  }
  const server = await createServer({
    configFile: false,
    root: join(REPO_ROOT, 'bench', 'runtimes'),
    logLevel: 'warn',
    resolve: {
      alias: { '@reedcms/plugins': join(REPO_ROOT, 'src', 'browser.ts'), ...runtimeAliases(join(REPO_ROOT, 'src', 'browser.ts'), 'browser') },
      conditions: ['browser', 'module', 'import', 'default'],
    },
    plugins: [reedPlugins({ pluginDir })],
    server: { host: '127.0.0.1', port: 0, fs: { allow: [REPO_ROOT] } },
    build: { target: 'esnext' },
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction(() => (window as { __reedBench?: unknown }).__reedBench !== undefined, undefined, { timeout: 120_000 });
    const r = (await page.evaluate(() => (window as { __reedBench?: unknown }).__reedBench)) as { oursUs: number; rawUs: number } | { error: string };
    if ('error' in r) throw new Error(r.error);
    return row('chromium', r.oursUs, r.rawUs);
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * Runs the bench on every runtime; returns one row per runtime.
 *
 * @example
 * ```ts
 * printTable(await runRuntimesBench());
 * ```
 */
export async function runRuntimesBench(): Promise<BenchResult[]> {
  await buildFixtures();
  const bytes = new Uint8Array(await readFile(join(FIXTURE_BUILD_DIR, 'echo.wasm')));
  const pluginDir = await echoPluginDir();
  const results = [await onNode(bytes), onDeno(), await onWorkerd(pluginDir)];
  const browser = await onChromium(pluginDir);
  if (browser !== undefined) results.push(browser);
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(await runRuntimesBench());
