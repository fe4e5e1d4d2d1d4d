/**
 * The three example plugins (examples/plugins/<id>), built from source and run through real
 * Extism with realistic inputs. Expected values are computed independently in the test.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { examplePluginDir } from '../support/fixtures.ts';
import { callText, loadGuest, type Guest } from './extism-harness.ts';

async function start(id: string, config: Record<string, unknown> = {}): Promise<Guest> {
  const wasm = new Uint8Array(await readFile(join(examplePluginDir(id), 'plugin.wasm')));
  const guest = await loadGuest(wasm, { config });
  await guest.plugin.call('initialize', JSON.stringify({ pluginId: id, config }));
  return guest;
}

const escapeAttr = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll("'", '&#39;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

describe('manifests', () => {
  it.each(['seo', 'reading-time', 'content-validator'])('%s declares only capabilities it exports', async (id) => {
    const manifest = parseToml(await readFile(join(examplePluginDir(id), 'plugin.toml'), 'utf8')) as {
      id: string;
      capabilities: Record<string, string>[];
    };
    expect(manifest.id).toBe(id);
    const wasm = await readFile(join(examplePluginDir(id), 'plugin.wasm'));
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(new Uint8Array(wasm))).map((e) => e.name);
    expect(exports).toContain('initialize');
    for (const cap of manifest.capabilities) {
      if (cap.Hook) expect(exports).toContain(`hook_${cap.Hook.replace(/[^A-Za-z0-9_]/g, '_')}`);
      if (cap.Event) expect(exports).toContain('on_event');
      if (cap.Command) expect(exports).toContain('handle_command');
    }
  });
});

describe('seo', () => {
  const page = (over: Record<string, unknown> = {}) => ({
    path: '/posts/grüße',
    title: 'Grüße & "Quotes" <b> 日本語',
    html: '<html><head><title>t</title></head><body><p>Hi</p></body></html>',
    meta: { description: "It's → ✓ 😀", author: 'ann' },
    ...over,
  });

  it('inserts description, og:title, og:description and canonical before </head>, escaped', async () => {
    const { plugin } = await start('seo', { base_url: 'https://example.com/' });
    const input = page();
    const out = JSON.parse(await callText(plugin, 'hook_after_render', JSON.stringify(input)));
    const tags =
      `<meta name="description" content="${escapeAttr(input.meta.description)}">` +
      `<meta property="og:title" content="${escapeAttr(input.title)}">` +
      `<meta property="og:description" content="${escapeAttr(input.meta.description)}">` +
      `<link rel="canonical" href="https://example.com/posts/grüße">`;
    expect(out.html).toBe(input.html.replace('</head>', `${tags}</head>`));
    expect(out.html).toContain('content="Grüße &amp; &quot;Quotes&quot; &lt;b&gt; 日本語"');
    // Everything else is passed through.
    expect({ ...out, html: input.html }).toEqual(input);
  });

  it('uses an empty base_url by default and skips description tags without a description', async () => {
    const { plugin } = await start('seo');
    const input = page({ meta: {} });
    const out = JSON.parse(await callText(plugin, 'hook_after_render', JSON.stringify(input)));
    expect(out.html).not.toContain('description');
    expect(out.html).toContain('<link rel="canonical" href="/posts/grüße"></head>');
  });

  it('does not duplicate tags the head already has', async () => {
    const { plugin } = await start('seo', { base_url: 'https://x.test' });
    const html = '<html><HEAD><link rel="canonical" href="/keep"></HEAD><body></body></html>';
    const out = JSON.parse(await callText(plugin, 'hook_after_render', JSON.stringify(page({ html }))));
    expect(out.html.match(/rel="canonical"/g)).toHaveLength(1);
    expect(out.html).toContain('og:title');
    expect(out.html.indexOf('og:title')).toBeLessThan(out.html.indexOf('</HEAD>'));
  });

  it('returns empty output (page unchanged) when there is no </head>', async () => {
    const { plugin } = await start('seo');
    expect(await plugin.call('hook_after_render', JSON.stringify(page({ html: '<p>fragment</p>' })))).toBeNull();
  });

  it('fails clearly on input that is not a JSON object', async () => {
    const { plugin } = await start('seo');
    await expect(plugin.call('hook_after_render', '[1]')).rejects.toThrow(/after_render input must be a JSON object/);
  });
});

describe('reading-time', () => {
  it('sets wordCount and readingTime = ceil(words / 200) by default, keeping other meta', async () => {
    const { plugin } = await start('reading-time');
    for (const n of [0, 1, 200, 201, 450]) {
      const body = Array.from({ length: n }, (_, i) => `${i % 3 ? ' ' : '\n\t'}w${i}`).join('');
      const input = { path: '/a', title: 'A', body, meta: { author: 'ann' } };
      const out = JSON.parse(await callText(plugin, 'hook_before_render', JSON.stringify(input)));
      expect(out.meta).toEqual({ author: 'ann', wordCount: n, readingTime: Math.max(1, Math.ceil(n / 200)) });
      expect(out.body).toBe(body);
    }
  });

  it('honours words_per_minute from config', async () => {
    const { plugin } = await start('reading-time', { words_per_minute: 100 });
    const body = Array.from({ length: 450 }, () => 'lorem').join(' ');
    const out = JSON.parse(await callText(plugin, 'hook_before_render', JSON.stringify({ path: '/', title: '', body, meta: {} })));
    expect(out.meta).toEqual({ wordCount: 450, readingTime: 5 });
  });

  it('ignores Markdown markers, counts non-ASCII words, creates meta when missing', async () => {
    const { plugin } = await start('reading-time');
    const body = '# Title\n\n- item one\n- item two\n\n> **bold** text — Grüße aus Köln 日本語';
    // Title, item, one, item, two, **bold**, text, Grüße, aus, Köln, 日本語 (#, -, >, — are not words)
    const out = JSON.parse(await callText(plugin, 'hook_before_render', JSON.stringify({ path: '/', title: 'x', body })));
    expect(out.meta).toEqual({ wordCount: 11, readingTime: 1 });
  });

  it('rejects a words_per_minute below 1 at initialize', async () => {
    const wasm = new Uint8Array(await readFile(join(examplePluginDir('reading-time'), 'plugin.wasm')));
    const { plugin } = await loadGuest(wasm, { config: { words_per_minute: 0 } });
    await expect(plugin.call('initialize', '{}')).rejects.toThrow(/words_per_minute must be a number/);
  });
});

describe('content-validator', () => {
  it('trims the title and derives a slug when absent', async () => {
    const { plugin } = await start('content-validator');
    const out = JSON.parse(await callText(plugin, 'hook_before_save', JSON.stringify({ type: 'article', title: '  Hello, Wörld! Ça va?  ', body: 'b' })));
    expect(out).toEqual({ type: 'article', title: 'Hello, Wörld! Ça va?', body: 'b', slug: 'hello-world-ca-va' });
    const kept = JSON.parse(await callText(plugin, 'hook_before_save', JSON.stringify({ type: 'article', title: 'X', body: '', slug: 'custom' })));
    expect(kept.slug).toBe('custom');
    const cjk = JSON.parse(await callText(plugin, 'hook_before_save', JSON.stringify({ type: 'article', title: '日本語', body: '' })));
    expect(cjk.slug).toBe('untitled');
  });

  it('rejects an empty title and an oversized body (counted in code points)', async () => {
    const { plugin } = await start('content-validator', { max_body_chars: 10 });
    await expect(plugin.call('hook_before_save', JSON.stringify({ type: 'article', title: '  \n ', body: '' }))).rejects.toThrow('title is required');
    await expect(plugin.call('hook_before_save', JSON.stringify({ type: 'article', title: 't', body: 'x'.repeat(11) }))).rejects.toThrow('body has 11 characters, more than the 10 allowed');
    const emoji = JSON.parse(await callText(plugin, 'hook_before_save', JSON.stringify({ type: 'article', title: 't', body: '😀'.repeat(10) })));
    expect(emoji.body).toBe('😀'.repeat(10));
  });

  it('uses 100000 characters as the default limit', async () => {
    const { plugin } = await start('content-validator');
    await callText(plugin, 'hook_before_save', JSON.stringify({ type: 'article', title: 't', body: 'x'.repeat(100_000) }));
    await expect(plugin.call('hook_before_save', JSON.stringify({ type: 'article', title: 't', body: 'x'.repeat(100_001) }))).rejects.toThrow(/100001 characters, more than the 100000 allowed/);
  });

  it('counts events and reports stats through the command', async () => {
    const guest = await start('content-validator');
    const save = (doc: object) => guest.plugin.call('hook_before_save', JSON.stringify(doc)).catch(() => null);
    await save({ type: 'article', title: 'a', body: '' });
    await save({ type: 'article', title: 'b', body: '' });
    await save({ type: 'article', title: '', body: '' });
    await guest.plugin.call('on_event', JSON.stringify({ type: 'content.created', data: { id: 1 } }));
    const stats = JSON.parse(await callText(guest.plugin, 'handle_command', JSON.stringify({ command: 'stats', args: {} })));
    expect(stats).toEqual({ validated: 2, rejected: 1, events: 1 });
    expect(guest.logs.some((l) => l.level === 'info' && l.message.includes('content.created'))).toBe(true);
    await expect(guest.plugin.call('handle_command', JSON.stringify({ command: 'nope', args: {} }))).rejects.toThrow('unknown command "nope"');
  });
});
