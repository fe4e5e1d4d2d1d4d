/**
 * Drives Debian's Chromium (headless, through playwright-core) to a conformance page and
 * collects its results.
 *
 * @example
 * ```ts
 * const results = await runInChromium('http://127.0.0.1:5173/index.html');
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { CaseResult } from '../../conformance/suite.ts';

/** Where Debian's chromium package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless flags for a container without a GPU or sandbox (the playground tests share them). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Opens each URL in a fresh headless Chromium page and waits for `window.__reedResults`.
 *
 * @example
 * ```ts
 * const [main, isolated] = await runInChromium([`${url}index.html`, `${url}isolated.html`]);
 * ```
 */
export async function runInChromium(urls: readonly string[], timeoutMs = 60_000): Promise<CaseResult[][]> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'reed-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const all: CaseResult[][] = [];
    for (const url of urls) {
      const page = await context.newPage();
      const logs: string[] = [];
      page.on('console', (m) => void logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => void logs.push(`pageerror: ${e.message}`));
      try {
        await page.goto(url);
        await page.waitForFunction(() => (window as { __reedResults?: unknown }).__reedResults !== undefined, undefined, { timeout: timeoutMs });
      } catch (err) {
        throw new Error(`${url}: ${String(err)}\n${logs.join('\n').slice(-4000)}`);
      }
      const results = (await page.evaluate(() => (window as { __reedResults?: unknown }).__reedResults)) as CaseResult[] | { error: string };
      if (!Array.isArray(results)) throw new Error(`${url}: the suite crashed: ${results.error}\n${logs.join('\n').slice(-4000)}`);
      all.push(results);
      await page.close();
    }
    return all;
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}
