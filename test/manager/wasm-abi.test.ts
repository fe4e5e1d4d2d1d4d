/**
 * AssemblyScript plugins built from source with our SDK, driven through PluginManager: the
 * guest ABI end to end (hooks, events in and out, commands, logs, config, UTF-8, errors).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Events, Hooks, PluginManager, type PluginEvent } from '@reedcms/plugins';
import { examplePluginDir, readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

let manager: PluginManager;
let logger: CapturingLogger;

function start(config: ConstructorParameters<typeof PluginManager>[0] = {}): PluginManager {
  logger = captureLogger();
  manager = new PluginManager({ logger, logLevel: 'debug', ...config });
  return manager;
}

afterEach(async () => {
  await manager.shutdown();
});

describe('AssemblyScript fixtures through the manager', () => {
  it('round-trips non-ASCII text with exact UTF-8 lengths', async () => {
    start();
    await manager.load({ manifest: manifestToml('unicode', ['Hook = "transform_data"']), wasm: await readFixture('unicode') });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'Grüße, ' })).resolves.toEqual({ text: 'Grüße, → ✓ 日本語 😀' });
  });

  it('passes guest logs to the host logger with the plugin id, at their levels', async () => {
    start();
    await manager.load({ manifest: manifestToml('chatty', ['Hook = "transform_data"']), wasm: await readFixture('logger') });
    await manager.hooks.execute(Hooks.TRANSFORM_DATA, 'hi');
    expect(logger.lines.filter(([, m]) => m.startsWith('[chatty]'))).toEqual([
      ['debug', '[chatty] debug: "hi"'],
      ['info', '[chatty] info: "hi"'],
      ['warn', '[chatty] warn: "hi"'],
      ['error', '[chatty] error: "hi"'],
    ]);
  });

  it('filters guest logs below the configured level', async () => {
    start({ logLevel: 'warn' });
    await manager.load({ manifest: manifestToml('quiet', ['Hook = "transform_data"']), wasm: await readFixture('logger') });
    await manager.hooks.execute(Hooks.TRANSFORM_DATA, 'x');
    expect(logger.lines.filter(([, m]) => m.startsWith('[quiet]')).map(([level]) => level)).toEqual(['warn', 'error']);
  });

  it('delivers declared events through on_event, and not undeclared ones', async () => {
    start();
    await manager.load({ manifest: manifestToml('listener', ['Event = "content.*"']), wasm: await readFixture('echo') });
    await manager.events.publish({ type: Events.CONTENT_CREATED, data: { id: 1 } });
    await manager.events.publish({ type: 'system.tick', data: {} });
    await manager.events.publish({ type: Events.CONTENT_DELETED, data: { id: 1 } });
    expect(logger.lines.filter(([, m]) => m.startsWith('[listener] event:')).map(([, m]) => m)).toEqual(['[listener] event: content.created', '[listener] event: content.deleted']);
  });

  it('lets a guest publish a declared event type, with its own id as source', async () => {
    start();
    const seen: PluginEvent[] = [];
    manager.events.subscribe('content.updated', (e) => {
      seen.push(e);
    });
    await manager.load({ manifest: manifestToml('publisher', ['Hook = "after_save"', 'Event = "content.updated"']), wasm: await readFixture('publisher') });
    await manager.hooks.execute(Hooks.AFTER_SAVE, { slug: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen.map((e) => [e.type, e.source, e.data])).toEqual([['content.updated', 'publisher', { from: 'publisher' }]]);
  });

  it('refuses a guest publishing an undeclared event type, and tells the guest', async () => {
    start();
    const seen: PluginEvent[] = [];
    manager.events.subscribe('content.updated', (e) => {
      seen.push(e);
    });
    await manager.load({ manifest: manifestToml('sneaky', ['Hook = "after_save"']), wasm: await readFixture('publisher') });
    await manager.hooks.execute(Hooks.AFTER_SAVE, {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual([]);
    expect(logger.lines).toContainEqual(['warn', '[sneaky] publish refused']);
  });

  it('keeps guest state between calls on one instance and serializes concurrent calls', async () => {
    start();
    await manager.load({ manifest: manifestToml('counter', ['Hook = "transform_data"']), wasm: await readFixture('counter') });
    const results = (await Promise.all(Array.from({ length: 50 }, (_, i) => manager.hooks.execute(Hooks.TRANSFORM_DATA, { i })))) as unknown as Array<{ count: number; input: { i: number } }>;
    // Each call saw its own input, and the counts are exactly 1..50 (no call lost or doubled).
    expect(results.map((r) => r.input.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('reports an AssemblyScript abort as E_TRAP with the abort message, and recovers', async () => {
    start();
    await manager.load({ manifest: manifestToml('aborter', ['Hook = "transform_data"']), wasm: await readFixture('abort') });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'x', { errorPolicy: 'fail' })).rejects.toMatchObject({
      code: 'E_TRAP',
      pluginId: 'aborter',
      message: expect.stringMatching(/aborted: .*cannot transform "x".*abort\.ts:\d+/),
    });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'y', { errorPolicy: 'fail' })).rejects.toMatchObject({ message: expect.stringContaining('cannot transform "y"') });
    expect(manager.stats('aborter')).toMatchObject({ faults: 2, restarts: 1 });
  });

  it('turns fail() in initialize and a trap in initialize into E_INIT', async () => {
    start();
    await expect(manager.load({ manifest: manifestToml('failinit'), wasm: await readFixture('fail-init') })).rejects.toMatchObject({
      code: 'E_INIT',
      pluginId: 'failinit',
      message: expect.stringContaining('init refused'),
    });
    await expect(manager.load({ manifest: manifestToml('trapinit'), wasm: await readFixture('trap-init') })).rejects.toMatchObject({
      code: 'E_INIT',
      pluginId: 'trapinit',
      cause: expect.objectContaining({ code: 'E_TRAP' }),
    });
  });
});

describe('example plugins through the manager', () => {
  it('seo, reading-time and content-validator do their jobs with their config', async () => {
    start({ plugins: { seo: { base_url: 'https://example.com' }, 'reading-time': { words_per_minute: 2 }, 'content-validator': { max_body_chars: 20 } } });
    for (const id of ['seo', 'reading-time', 'content-validator']) await manager.load({ dir: examplePluginDir(id) });

    const page = (await manager.hooks.execute(Hooks.BEFORE_RENDER, { path: '/a', title: 'A', body: 'one two three four five', meta: {} })) as unknown as {
      meta: { wordCount: number; readingTime: number };
    };
    expect(page.meta).toEqual({ wordCount: 5, readingTime: 3 });

    const rendered = (await manager.hooks.execute(Hooks.AFTER_RENDER, {
      path: '/posts/é',
      title: 'Café <b>',
      html: '<html><head><title>x</title></head><body></body></html>',
      meta: { description: 'Über "quotes"' },
    })) as { html: string };
    expect(rendered.html).toContain('<link rel="canonical" href="https://example.com/posts/é">');
    expect(rendered.html).toContain('<meta property="og:title" content="Café &lt;b&gt;">');
    expect(rendered.html).toMatch(/<meta name="description" content="Über &(quot|#34);quotes&(quot|#34);">/);
    expect(rendered.html.indexOf('og:title')).toBeLessThan(rendered.html.indexOf('</head>'));

    const saved = await manager.hooks.execute(Hooks.BEFORE_SAVE, { type: 'article', title: '  Hello World  ', body: 'short' }, { errorPolicy: 'fail' });
    expect(saved).toEqual({ type: 'article', title: 'Hello World', body: 'short', slug: 'hello-world' });
    await expect(manager.hooks.execute(Hooks.BEFORE_SAVE, { type: 'article', title: 'Long', body: 'x'.repeat(21) }, { errorPolicy: 'fail' })).rejects.toMatchObject({
      code: 'E_GUEST',
      pluginId: 'content-validator',
      message: expect.stringContaining('more than the 20 allowed'),
    });
    await manager.events.publish({ type: Events.CONTENT_CREATED, data: {} });
    await expect(manager.command('content-validator', 'stats')).resolves.toEqual({ validated: 1, rejected: 1, events: 1 });
  });
});
