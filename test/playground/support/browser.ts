/**
 * One headless Chromium (Debian's, through playwright-core) for the playground tests, and the
 * steps a visitor takes on the page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../runtimes/browser/run-chromium.ts';

/** A browser context with its profile folder (removed on close). */
export interface PlaygroundBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Chromium headless.
 */
export async function launchBrowser(): Promise<PlaygroundBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'reed-playground-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1500, height: 1000 } });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the playground at `url` and waits until it is ready (first example loaded);
 * `beforeLoad` sees the page before it navigates (to watch its requests from the start).
 */
export async function openPlayground(browser: PlaygroundBrowser, url: string, beforeLoad?: (page: Page) => void): Promise<Page> {
  const page = await browser.context.newPage();
  beforeLoad?.(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => void errors.push(e.message));
  if (process.env.PLAYGROUND_DEBUG) {
    page.on('console', (m) => console.log(`[page] ${m.type()}: ${m.text()}`));
    page.on('response', (r) => void (r.status() >= 400 && console.log(`[page] ${r.status()} ${r.url()}`)));
    page.on('worker', (w) => console.log(`[page] worker ${w.url()}`));
  }
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 }).catch((err: unknown) => {
    throw new Error(`the playground did not start: ${String(err)}; status: ${errors.join('; ')}`);
  });
  return page;
}

/**
 * Opens a catalog entry from the menu and waits for it to load.
 */
export async function openExample(page: Page, id: string): Promise<void> {
  await page.selectOption('#example', id);
  await page.waitForFunction((want) => document.querySelector('#status')?.textContent === `loaded ${want}`, id, { timeout: 60_000 });
}

/**
 * Clicks Run and waits for the result line (a build first takes longer).
 */
export async function run(page: Page, timeout = 60_000): Promise<string> {
  const before = await page.locator('#result-status').getAttribute('data-run');
  await page.click('#run');
  await page.waitForFunction(
    (prev) => {
      const s = document.querySelector('#result-status');
      const b = document.querySelector<HTMLButtonElement>('#run');
      return s !== null && s.getAttribute('data-run') !== prev && b !== null && !b.disabled;
    },
    before,
    { timeout },
  );
  return (await page.locator('#result-status').textContent()) ?? '';
}

/**
 * Replaces an editor's whole text as a visitor pasting into it would.
 */
export async function replaceEditorText(page: Page, editor: string, text: string): Promise<void> {
  await page.click(`${editor} .cm-content`);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
