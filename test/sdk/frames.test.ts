/**
 * Frames end to end (docs/abi.md, "Frames"): real AssemblyScript plugins through the manager
 * and real Extism. A module that reads frames (it imports `reed_frame_version`, as the SDK's
 * `Input.json` does) gets long top-level strings as raw UTF-8 and may send them back the same
 * way; every other module keeps getting JSON text; the results are the same values either way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, PluginError } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

let manager: PluginManager;

afterEach(async () => {
  await manager?.shutdown();
});

const FRAMES_MANIFEST = manifestToml('frames', [
  'Hook = "transform_data"',
  'Hook = "after_render"',
  'Hook = "before_render"',
  'Hook = "inspect", kind = "filter"',
  'Hook = "truncate", kind = "filter"',
  'Command = "bad_frame"',
]);

async function start(config: ConstructorParameters<typeof PluginManager>[0] = {}): Promise<PluginManager> {
  manager = new PluginManager({ logger: captureLogger(), limits: { fuel: 200_000_000 }, ...config });
  await manager.load({ manifest: FRAMES_MANIFEST, wasm: await readFixture('frames') });
  return manager;
}

const paragraph = (text: string) => `<p class="lead">${text}: "quotes", \\ backslashes,\ttabs and <a href="/x">links</a>.</p>\n`;
const pageOf = (text: string, bytes: number) => ({
  path: '/a',
  title: 'T',
  html: `<html><head></head><body>${paragraph(text).repeat(Math.ceil(bytes / 80))}</body></html>`,
  meta: { lang: 'x', n: 1.5 },
});
const TEXTS = { English: 'Greetings from the newsroom', German: 'Grüße aus der Redaktion', emoji: 'Grüße 😀 日本語 𝄞' };

describe('frames through the manager', () => {
  for (const [isolation, sizes] of [
    ['inline', [2_000, 64 * 1024, 1024 * 1024]],
    ['worker', [64 * 1024]],
  ] as const) {
    for (const [language, text] of Object.entries(TEXTS)) {
      it(`round-trips ${language} pages of ${sizes.join(', ')} bytes unchanged, member order kept (${isolation})`, async () => {
        await start({ isolation });
        for (const bytes of sizes) {
          const page = pageOf(text, bytes);
          const result = await manager.hooks.execute(Hooks.TRANSFORM_DATA, page);
          expect(JSON.stringify(result)).toBe(JSON.stringify(page));
        }
      });
    }
  }

  it('hands a long top-level string to the plugin as UTF-8 bytes, and a short one as JSON', async () => {
    await start();
    const big = pageOf(TEXTS.emoji, 64 * 1024);
    expect(await manager.hooks.execute('inspect', big)).toEqual({ bytes: new TextEncoder().encode(big.html).length, held: true });
    expect(await manager.hooks.execute('inspect', { html: 'short é' })).toEqual({ bytes: 8, held: false });
    // Nested long strings stay in the JSON.
    expect(await manager.hooks.execute('inspect', { html: { nested: big.html } })).toEqual({ bytes: 0, held: false });
  });

  it('lets the plugin edit a framed string as a string (decoded, changed, framed back)', async () => {
    await start();
    for (const text of Object.values(TEXTS)) {
      const page = pageOf(text, 64 * 1024);
      expect(await manager.hooks.execute(Hooks.AFTER_RENDER, page)).toEqual({ ...page, html: `${page.html}<!-- ✓ -->` });
    }
  });

  it('gives Input.bytes() of a framed input as its JSON text', async () => {
    await start();
    const page = pageOf(TEXTS.German, 64 * 1024);
    expect(await manager.hooks.execute(Hooks.BEFORE_RENDER, page)).toEqual(page);
  });

  it('rebuilds the exact JSON for Input.bytes() around escaped keys, control characters and other nulls', async () => {
    await start();
    const control = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
    const tricky = `${control}"\\ \u007f \u2028 é 😀 `.repeat(60);
    const data = { before: null, 'k"e\\y\n': tricky, nested: { html: tricky, list: [null, '}', '{"'] }, 'a,b': null, html: tricky, after: [1, { x: null }] };
    expect(await manager.hooks.execute(Hooks.BEFORE_RENDER, data)).toEqual(data);
    expect(await manager.hooks.execute(Hooks.BEFORE_RENDER, tricky)).toBe(tricky);
  });

  it('keeps a leading U+FEFF and keys that UTF-8 cannot carry exact, both ways', async () => {
    await start();
    const html = `\uFEFF<!doctype html>${'y'.repeat(3000)}`;
    for (const data of [{ html }, { '\udc00key': html, other: html }, html]) {
      expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, data, { errorPolicy: 'fail' })).toEqual(data);
    }
  });

  it('sends bytes that are not UTF-8 as JSON (decoded leniently), not as a frame the host refuses', async () => {
    await start();
    const html = `${'a'.repeat(3000)}é`;
    const result = (await manager.hooks.execute('truncate', { html, n: 1 }, { errorPolicy: 'fail' })) as { html: string; n: number };
    // The half character is dropped or replaced (U+FFFD), as the SDK's lenient decoding does.
    expect(result.html.replace('\ufffd', '')).toBe('a'.repeat(3000));
    expect(result.n).toBe(1);
  });

  it('keeps a lone surrogate exact even after the plugin read the string as bytes', async () => {
    await start();
    const page = { html: `<html><head></head>${'x'.repeat(3000)}\udc00</html>` };
    const result = (await manager.hooks.execute(Hooks.AFTER_RENDER, page, { errorPolicy: 'fail' })) as { html: string };
    expect(result.html).toBe(`${page.html}<!-- ✓ -->`);
  });

  it('keeps a string with a lone surrogate exact (it stays in the JSON)', async () => {
    await start();
    const page = { html: `${'x'.repeat(5000)}\udc00${'y'.repeat(10)}` };
    const result = (await manager.hooks.execute(Hooks.TRANSFORM_DATA, page)) as { html: string };
    expect(result.html).toBe(page.html);
  });

  it('counts the frame against maxInputBytes', async () => {
    await start({ limits: { fuel: 200_000_000, maxInputBytes: 50_000 } });
    const page = pageOf(TEXTS.English, 64 * 1024);
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, page, { errorPolicy: 'fail' })).rejects.toMatchObject({
      code: 'E_LIMIT',
      pluginId: 'frames',
      limit: { name: 'maxInputBytes', value: 50_000 },
    });
    expect(JSON.stringify(await manager.hooks.execute(Hooks.TRANSFORM_DATA, pageOf(TEXTS.English, 30_000), { errorPolicy: 'fail' }))).toBe(JSON.stringify(pageOf(TEXTS.English, 30_000)));
  });

  it('reports a malformed frame from the plugin as E_OUTPUT; the plugin and its neighbour go on', async () => {
    await start();
    await manager.load({ manifest: manifestToml('stock', ['Hook = "after_render"']), wasm: await readFixture('payload-stock') });
    const error = await manager.command('frames', 'bad_frame').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: 'E_OUTPUT', pluginId: 'frames' });
    expect((error as PluginError).message).toMatch(/frame is malformed/);
    const page = pageOf(TEXTS.German, 64 * 1024);
    expect(JSON.stringify(await manager.hooks.execute(Hooks.TRANSFORM_DATA, page))).toBe(JSON.stringify(page));
    // The stock module (no reed_frame_version import) got JSON text: its byte search over the
    // JSON found </head> and kept the JSON valid.
    const rendered = (await manager.hooks.execute(Hooks.AFTER_RENDER, page)) as { html: string };
    expect(rendered.html).toBe(`${page.html.replace('</head>', '<meta name=generator content=reed></head>')}<!-- ✓ -->`);
  });
});
