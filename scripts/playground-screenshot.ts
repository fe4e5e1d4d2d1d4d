/**
 * Takes docs/playground.png: the built playground in Chromium, the seo example run once.
 *
 * @example
 * ```sh
 * node --import tsx scripts/playground-screenshot.ts
 * ```
 */
import { join } from 'node:path';
import { REPO_ROOT } from './lib/build-assemblyscript.ts';
import { launchBrowser, openExample, openPlayground, run } from '../test/playground/support/browser.ts';
import { buildSite, serveSite } from '../test/playground/support/site.ts';

await buildSite();
const site = await serveSite();
const browser = await launchBrowser();
try {
  const page = await openPlayground(browser, site.url);
  await openExample(page, 'seo');
  await run(page);
  await page.screenshot({ path: join(REPO_ROOT, 'docs', 'playground.png') });
  console.log('wrote docs/playground.png');
} finally {
  await browser.close();
  await site.close();
}
