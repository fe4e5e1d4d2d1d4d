/**
 * Logs, events and the payload fast path through the manager: per-plugin log levels,
 * `plugin.log` events bounded by the log limit, `plugin.denied` for refused publications (inline
 * and in worker isolation), and large payloads byte-exact through FastIO inline and through the
 * stock fallback in a worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginEvent } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

let manager: PluginManager;
let logger: CapturingLogger;
let events: PluginEvent[];

function start(config: ConstructorParameters<typeof PluginManager>[0] = {}): PluginManager {
  logger = captureLogger();
  events = [];
  manager = new PluginManager({ logger, ...config });
  manager.events.subscribe((e) => void events.push(e));
  return manager;
}

afterEach(async () => {
  await manager?.shutdown();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const ofType = (type: string) => events.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);

describe('guest logs', () => {
  it('honours per-plugin log levels over the default', async () => {
    start({ logLevel: 'warn', logLevels: { chatty: 'debug' } });
    await manager.load({ manifest: manifestToml('chatty', ['Hook = "transform_data"']), wasm: await readFixture('logger') });
    await manager.load({ manifest: manifestToml('quiet', ['Hook = "transform_data"']), wasm: await readFixture('logger') });
    await manager.hooks.execute(Hooks.TRANSFORM_DATA, 'x');
    const levels = (id: string) => logger.lines.filter(([, m]) => m.startsWith(`[${id}]`)).map(([level]) => level);
    expect(levels('chatty')).toEqual(['debug', 'info', 'warn', 'error']);
    expect(levels('quiet')).toEqual(['warn', 'error']);
  });

  it('publishes each kept line as plugin.log { pluginId, level, message, call }', async () => {
    start({ logLevel: 'info' });
    await manager.load({ manifest: manifestToml('chatty', ['Hook = "transform_data"']), wasm: await readFixture('logger') });
    await manager.hooks.execute(Hooks.TRANSFORM_DATA, 'hi');
    await settle();
    expect(ofType('plugin.log')).toEqual([
      { pluginId: 'chatty', level: 'info', message: 'info: "hi"', call: expect.stringMatching(/^chatty#\d+$/) },
      { pluginId: 'chatty', level: 'warn', message: 'warn: "hi"', call: expect.stringMatching(/^chatty#\d+$/) },
      { pluginId: 'chatty', level: 'error', message: 'error: "hi"', call: expect.stringMatching(/^chatty#\d+$/) },
    ]);
    expect(events.find((e) => e.type === 'plugin.log')?.source).toBe('chatty');
  });

  it('bounds plugin.log events by maxLogBytes per call, like the logger', async () => {
    start({ limits: { maxLogBytes: 4_096 } });
    await manager.load({ manifest: manifestToml('flood', ['Hook = "transform_data"']), wasm: await readFixture('log-flood') }).catch(() => undefined);
    await manager.hooks.execute(Hooks.TRANSFORM_DATA, {}).catch(() => undefined);
    await settle();
    const logged = ofType('plugin.log').filter((d) => d.pluginId === 'flood');
    const bytes = logged.reduce((n, d) => n + String(d.message).length, 0);
    expect(logged.length).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(4_096 + 200);
    expect(logged.at(-1)?.message).toMatch(/log limit of 4096 bytes per call reached/);
  });
});

describe('events from guests', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    it(`publishes declared types and reports refused ones as plugin.denied (${isolation})`, async () => {
      start({ isolation });
      await manager.load({ manifest: manifestToml('publisher', ['Hook = "after_save"', 'Event = "content.updated"']), wasm: await readFixture('publisher') });
      await manager.load({ manifest: manifestToml('sneaky', ['Hook = "after_save"']), wasm: await readFixture('publisher') });
      await manager.hooks.execute(Hooks.AFTER_SAVE, { slug: 'x' });
      await settle();
      expect(events.filter((e) => e.type === 'content.updated').map((e) => [e.source, e.data])).toEqual([['publisher', { from: 'publisher' }]]);
      expect(ofType('plugin.denied')).toEqual([{ pluginId: 'sneaky', what: 'event', type: 'content.updated', reason: expect.stringMatching(/declares no matching Event capability/) }]);
      expect(logger.lines).toContainEqual(['warn', '[sneaky] publish refused']);
    });
  }

  it('does not deliver plugin.log / plugin.denied to WASM plugins (no feedback loops)', async () => {
    start();
    await manager.load({ manifest: manifestToml('listener', ['Event = "plugin.*"']), wasm: await readFixture('echo') });
    await manager.events.publish({ type: 'plugin.log', data: { pluginId: 'x', level: 'info', message: 'm' } });
    await manager.events.publish({ type: 'plugin.denied', data: { pluginId: 'x', what: 'http', reason: 'r' } });
    await manager.events.publish({ type: 'plugin.custom', data: {} });
    await settle();
    const seen = logger.lines.filter(([, m]) => m.startsWith('[listener] event:')).map(([, m]) => m);
    expect(seen.filter((m) => !m.endsWith('plugin.loaded'))).toEqual(['[listener] event: plugin.custom']);
  });
});

describe('payload fast path', () => {
  const page = (bytes: number) => ({ path: '/', title: 'T', html: `<html><head><title>T</title></head><body>${'é'.repeat(bytes / 2)}</body></html>`, meta: { a: 1 } });
  const expected = (p: ReturnType<typeof page>) => ({ ...p, html: p.html.replace('</head>', '<meta name=generator content=reed></head>') });

  for (const [isolation, fast] of [
    ['inline', true],
    ['worker', false],
  ] as const) {
    it(`round-trips 1 MiB byte-exact (${isolation}: ${fast ? 'bulk copies' : 'stock fallback'})`, async () => {
      start({ isolation, limits: { fuel: 200_000_000 } });
      await manager.load({ manifest: manifestToml('payload', ['Hook = "after_render"', 'Command = "probe"']), wasm: await readFixture('payload') });
      const p = page(1024 * 1024);
      expect(await manager.hooks.execute(Hooks.AFTER_RENDER, p)).toEqual(expected(p));
      expect(await manager.command('payload', 'probe')).toEqual({ fast });
    });
  }

  it('takes the stock path when the plugin turns FastIO off, with the same result', async () => {
    start({ plugins: { payload: { fast_io: '0' } }, limits: { fuel: 200_000_000 } });
    await manager.load({ manifest: manifestToml('payload', ['Hook = "after_render"', 'Command = "probe"']), wasm: await readFixture('payload') });
    const p = page(70_000);
    expect(await manager.hooks.execute(Hooks.AFTER_RENDER, p)).toEqual(expected(p));
    expect(await manager.command('payload', 'probe')).toEqual({ fast: false });
  });
});
