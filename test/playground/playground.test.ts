/**
 * The playground as a visitor uses it: the built site (vite build) served on 127.0.0.1 with
 * COOP/COEP, driven in Debian's Chromium. Examples come prebuilt; edits are compiled by the
 * AssemblyScript compiler in the page's worker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { PLUGIN_BUILD_DIR, toPackageImports } from '../../playground/vite/playground-plugin.ts';
import { launchBrowser, openExample, openPlayground, replaceEditorText, run, type PlaygroundBrowser } from './support/browser.ts';
import { buildSite, serveSite } from './support/site.ts';

let site: { url: string; close: () => Promise<void> };
let browser: PlaygroundBrowser;

beforeAll(async () => {
  await buildSite();
  site = await serveSite();
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const text = async (page: import('playwright-core').Page, selector: string) => (await page.locator(selector).textContent()) ?? '';

describe('the playground', () => {
  it('runs the seo example: meta tags in the output, fuel used against its budget', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'seo');
    expect(await page.inputValue('#target')).toBe('after_render');
    expect(await run(page)).toBe('hook: ok');
    const output = await text(page, '#output');
    expect(output).toContain('<meta name=\\"description\\" content=\\"A first look at sandboxed plugins.\\">');
    expect(output).toContain('og:title');
    expect(Number(await text(page, '#fuel-used'))).toBeGreaterThan(0);
    const meter = page.locator('#fuel-meter');
    expect(Number(await meter.getAttribute('data-used'))).toBeGreaterThan(0);
    expect(Number(await meter.getAttribute('data-max'))).toBeGreaterThan(Number(await meter.getAttribute('data-used')));
    expect(Number(await page.locator('#memory-meter').getAttribute('data-used'))).toBeGreaterThan(0);
    expect(await text(page, '#diff')).toContain('+ ');
    await page.close();
  });

  it('opens examples instrumented at site build time, and instruments in the tab when the limits differ', async () => {
    const requested: string[] = [];
    const page = await openPlayground(browser, site.url, (p) => p.on('request', (r) => void requested.push(new URL(r.url()).pathname)));
    const rewriterFetched = () => requested.some((path) => /\/apply-limits-[\w-]+\.js$/.test(path));
    // seo opens with the default limits: its prebuilt module, and the rewriter is not downloaded.
    expect(await text(page, '#instrumented')).toBe('prebuilt');
    expect(await run(page)).toBe('hook: ok');
    expect(Number(await page.locator('#fuel-meter').getAttribute('data-max'))).toBe(20_000_000);
    expect(rewriterFetched()).toBe(false);
    // A fuel budget the module was not built for: the raw module is instrumented here, under it.
    await page.fill('#limit-fuel', '20000001');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#instrumented')).toBe('in the tab');
    expect(Number(await page.locator('#fuel-meter').getAttribute('data-max'))).toBe(20_000_001);
    expect(rewriterFetched()).toBe(true);
    // Back to the limits it was built for: the prebuilt module again.
    await page.fill('#limit-fuel', '20000000');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#instrumented')).toBe('prebuilt');
    // A lower budget ends the endless loop there, not at the default.
    await openExample(page, 'endless-loop');
    await page.fill('#limit-fuel', '2000000');
    expect(await run(page)).toBe('hook: failed with E_FUEL');
    expect(await text(page, '#instrumented')).toBe('in the tab');
    expect(Number(await page.locator('#fuel-meter').getAttribute('data-used'))).toBe(2_000_000);
    // The memory cap is written into the module too: a lower one is the one the bomb meets.
    await openExample(page, 'memory-bomb');
    await page.fill('#limit-memoryBytes', '4194304');
    expect(await run(page)).toBe('hook: failed with E_MEMORY');
    expect(await text(page, '#instrumented')).toBe('in the tab');
    expect(Number(await page.locator('#memory-meter').getAttribute('data-max'))).toBe(4_194_304);
    expect(Number(await page.locator('#memory-meter').getAttribute('data-used'))).toBeLessThanOrEqual(4_194_304);
    await page.close();
  });

  it('shows a guard verdict and the findings of a collect hook', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'publish-rules');
    expect(await page.inputValue('#target')).toBe('publish_check');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#shape')).toBe('guard verdict: denied (a document needs a title before it is published) by publish-rules');
    await replaceEditorText(page, '#input', '{"title":"Named","body":"A draft.","meta":{}}');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#shape')).toBe('guard verdict: allowed');
    expect(await page.locator('#findings').isHidden()).toBe(true);

    await page.selectOption('#target', 'validate_data');
    await replaceEditorText(page, '#input', '{"title":" ","body":"A draft nobody has named yet.","meta":{}}');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#shape')).toBe('collect: invalid, 3 finding(s)');
    expect(await page.locator('#findings li').allTextContents()).toEqual([
      'title: is required (publish-rules)',
      'body: has 6 word(s); write at least 10 (publish-rules)',
      'meta.description: is missing: search results show it (publish-rules)',
    ]);
    await replaceEditorText(page, '#input', '{"title":"Named","body":"one two three four five six seven eight nine ten","meta":{"description":"Ten words."}}');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#shape')).toBe('collect: valid, 0 finding(s)');
    expect(await page.locator('#findings').isHidden()).toBe(true);
    await page.close();
  });

  it('builds edited source in the browser, and shows a type error at its line', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'seo');
    const original = toPackageImports(await readFile(join(REPO_ROOT, 'examples/plugins/seo/assembly/index.ts'), 'utf8'));
    const edited = original.replace(`'<meta property="og:title" content="'`, `'<meta property="og:headline" content="'`);
    expect(edited).not.toBe(original);
    await replaceEditorText(page, '#source', edited);
    expect(await run(page, 100_000)).toBe('hook: ok');
    expect(await text(page, '#output')).toContain('og:headline');
    expect(await text(page, '#status')).toMatch(/^hook|after_render/);

    const lines = edited.split('\n');
    const at = lines.findIndex((l) => l.startsWith('export function hook_after_render')) + 1;
    lines.splice(at, 0, '  const broken: i32 = "not a number";');
    await replaceEditorText(page, '#source', lines.join('\n'));
    expect(await run(page, 180_000)).toMatch(/^build failed \(1 error/);
    const diagnostics = await text(page, '#diagnostics');
    expect(diagnostics).toContain(`assembly/index.ts:${at + 1}:`);
    expect(diagnostics).toMatch(/TS2322/);
    await page.waitForSelector('#source .cm-lintRange-error');
    // Nothing crashed: the page still runs a plugin.
    await openExample(page, 'reading-time');
    expect(await run(page)).toBe('hook: ok');
    await page.close();
  }, 240_000);

  it('stops the endless loop with E_FUEL while the page keeps ticking', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'endless-loop');
    // A budget large enough that the runaway call lasts long enough to observe the page during it.
    await page.fill('#limit-fuel', '1000000000');
    await page.evaluate(() => {
      const w = window as unknown as { __gaps: number[] };
      w.__gaps = [];
      let last = performance.now();
      setInterval(() => {
        const now = performance.now();
        w.__gaps.push(now - last);
        last = now;
      }, 4);
    });
    await page.evaluate(() => void ((window as unknown as { __gaps: number[] }).__gaps.length = 0));
    const status = await run(page);
    const gaps = await page.evaluate(() => (window as unknown as { __gaps: number[] }).__gaps.slice());
    expect(status).toBe('hook: failed with E_FUEL');
    expect(await text(page, '#error-help')).toContain('fuel');
    const callMs = Number((await text(page, '#call-time')).replace(' ms', ''));
    expect(Number(await page.locator('#fuel-meter').getAttribute('data-used'))).toBeGreaterThanOrEqual(1_000_000_000);
    // The page was never frozen for the whole call: it ticked throughout.
    expect(gaps.length).toBeGreaterThan(2);
    expect(Math.max(...gaps)).toBeLessThan(callMs);
    await page.close();
  });

  it('shows the memory cap refusal and E_STACK, and keeps working', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'memory-bomb');
    expect(await run(page)).toBe('hook: failed with E_MEMORY');
    expect(await text(page, '#error-help')).toContain('memoryBytes');
    expect(await text(page, '#error-message')).toMatch(/memory/);
    await openExample(page, 'recursion-bomb');
    expect(await run(page)).toBe('hook: failed with E_STACK');
    expect(await text(page, '#error-help')).toContain('maxCallDepth');
    await openExample(page, 'seo');
    expect(await run(page)).toBe('hook: ok');
    await page.close();
  });

  it('round-trips the whole state through a share link', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'reading-time');
    await replaceEditorText(page, '#input', '{"title":"Shared","body":"one two three","meta":{}}');
    await page.fill('#limit-fuel', '1234567');
    await page.fill('#limit-memoryBytes', '4194304');
    await replaceEditorText(page, '#config', '{"words_per_minute": 3}');
    await page.click('#share');
    await page.waitForSelector('#share-link:not([hidden])');
    const link = await page.inputValue('#share-link');
    expect(link).toMatch(/#s=[A-Za-z0-9_-]+$/);

    const copy = await openPlayground(browser, link);
    expect(await text(copy, '#status')).toBe('opened from the link');
    expect(await copy.inputValue('#example')).toBe('reading-time');
    expect(await copy.inputValue('#limit-fuel')).toBe('1234567');
    expect(await copy.inputValue('#limit-memoryBytes')).toBe('4194304');
    expect(await text(copy, '#input .cm-content')).toBe('{"title":"Shared","body":"one two three","meta":{}}');
    // Identical state: sharing again from the new page gives the same link.
    await copy.click('#share');
    await copy.waitForSelector('#share-link:not([hidden])');
    expect(await copy.inputValue('#share-link')).toBe(link);
    // And it runs as shared: 3 words at 3 words a minute.
    expect(await run(copy)).toBe('hook: ok');
    expect(await text(copy, '#output')).toContain('"readingTime": 1');
    expect(await text(copy, '#output')).toContain('"wordCount": 3');
    await page.close();
    await copy.close();
  });

  it('logs a mocked HTTP request and a denied host with its reason', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'http-client');
    expect(await page.inputValue('#target')).toBe('command:fetch');
    expect(await run(page)).toBe('command: ok');
    const requests = await text(page, '#requests');
    expect(requests).toContain('GET https://api.example.com/greeting → 200 (mock)');
    expect(requests).toMatch(/https:\/\/evil\.example\.net\/steal → refused: .+/);
    expect(await text(page, '#denied')).toMatch(/^http: .+evil\.example\.net/);
    expect(await text(page, '#output')).toContain('hello from the mock');
    await page.close();
  });

  it('calls a command, publishes an event, and shows config errors per field', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'content-validator');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#output')).toContain('"slug": "creme-brulee-at-home"');
    await page.selectOption('#target', 'event:content.created');
    expect(await run(page)).toBe('event: ok');
    await page.selectOption('#target', 'command:stats');
    await replaceEditorText(page, '#input', '{}');
    expect(await run(page)).toBe('command: ok');
    expect(await text(page, '#output')).toMatch(/"validated": 1,\s*"rejected": 0,\s*"events": 1/);
    await replaceEditorText(page, '#config', '{"max_body_chars": 0, "surprise": true}');
    expect(await run(page)).toBe('load: failed with E_CONFIG');
    const issues = await text(page, '#config-issues');
    expect(issues).toContain('max_body_chars');
    expect(issues).toContain('surprise');
    await page.close();
  });

  it('runs in worker isolation on the cross-origin isolated site', async () => {
    const page = await openPlayground(browser, site.url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await openExample(page, 'seo');
    await page.selectOption('#isolation', 'worker');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#output')).toContain('og:title');
    await openExample(page, 'endless-loop');
    await page.selectOption('#isolation', 'worker');
    expect(await run(page)).toBe('hook: failed with E_FUEL');
    await page.close();
  });

  it('runs an uploaded .wasm and plugin.toml, and downloads them back', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'trap');
    await page.setInputFiles('#upload', [join(PLUGIN_BUILD_DIR, 'seo.wasm'), join(REPO_ROOT, 'examples/plugins/seo/plugin.toml')]);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('uploaded'), undefined, { timeout: 60_000 });
    await page.selectOption('#target', 'after_render');
    await replaceEditorText(page, '#input', '{"path":"/u","title":"Uploaded","html":"<html><head></head><body></body></html>","meta":{}}');
    expect(await run(page)).toBe('hook: ok');
    expect(await text(page, '#output')).toContain('og:title\\" content=\\"Uploaded');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-wasm')]);
    expect(download.suggestedFilename()).toBe('plugin.wasm');
    expect(new Uint8Array(await readFile((await download.path())!))).toEqual(new Uint8Array(await readFile(join(PLUGIN_BUILD_DIR, 'seo.wasm'))));
    const [toml] = await Promise.all([page.waitForEvent('download'), page.click('#download-toml')]);
    expect(toml.suggestedFilename()).toBe('plugin.toml');
    expect(await readFile((await toml.path())!, 'utf8')).toContain('id = "seo"');
    await page.close();
  });

  it('ends the log flood, event flood and trap demos with their codes, showing what they left', async () => {
    const page = await openPlayground(browser, site.url);
    await openExample(page, 'log-flood');
    expect(await run(page)).toBe('hook: failed with E_LIMIT');
    expect(await text(page, '#error-message')).toMatch(/log/i);
    expect(await page.locator('#logs li').count()).toBeGreaterThan(0);
    await openExample(page, 'event-flood');
    expect(await run(page)).toBe('hook: failed with E_FUEL');
    const published = await page.locator('#events li').count();
    expect(published).toBeGreaterThan(0);
    // With fuel to spare, the per-call event limit refuses the rest.
    await page.fill('#limit-fuel', '500000000');
    await page.fill('#limit-maxEventsPerCall', '50');
    await run(page);
    expect(await page.locator('#events li').count()).toBe(50);
    expect(await text(page, '#denied')).toContain('maxEventsPerCall');
    await openExample(page, 'trap');
    expect(await run(page)).toBe('hook: failed with E_TRAP');
    expect(await text(page, '#logs')).toContain('abort: cannot transform');
    await page.close();
  });
});
