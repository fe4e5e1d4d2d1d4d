/**
 * Load, reload, unload and shutdown racing each other: lifecycle steps of one plugin run one at
 * a time, nothing is left registered or running behind the manager's back, and a reload is
 * held to the same dependency rules as a load.
 */
import { describe, expect, it } from 'vitest';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

describe('lifecycle races', () => {
  it('reload racing unload leaves nothing registered, and a later load runs exactly once', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    // echo has on_event, so the plugin holds a subscription as well as a hook handler.
    const source = { manifest: manifestToml('c', ['Hook = "transform_data"', 'Event = "content.*"']), wasm: await readFixture('echo') };
    const subscribersBefore = manager.events.subscriberCount();
    await manager.load(source);
    expect(manager.events.subscriberCount()).toBe(subscribersBefore + 1);
    const outcomes = await Promise.allSettled([manager.reload('c'), manager.unload('c')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(manager.plugins()).toEqual([]);
    expect(manager.hooks.describe(Hooks.TRANSFORM_DATA)).toEqual([]);
    expect(manager.events.subscriberCount()).toBe(subscribersBefore);
    await manager.load(source);
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { n: 1 })).resolves.toEqual({ n: 1 });
    expect(manager.stats('c').calls).toBe(2); // initialize + exactly one hook call
    expect(manager.hooks.describe(Hooks.TRANSFORM_DATA)).toHaveLength(1);
    await manager.shutdown();
  });

  it('unload racing a load waits for it, then unloads', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const loading = manager.load({ manifest: manifestToml('slow', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const unloading = manager.unload('slow').catch((e: unknown) => e);
    await loading;
    const unloaded = await unloading;
    // Either the unload saw no plugin yet (E_NOT_FOUND) or it waited and unloaded it.
    if (unloaded === undefined) expect(manager.plugins()).toEqual([]);
    else expect(unloaded).toMatchObject({ code: 'E_NOT_FOUND' });
    await manager.shutdown();
  });

  it('shutdown racing a load: the load either completes and is unloaded, or is refused; nothing keeps running', async () => {
    const manager = new PluginManager({ logger: captureLogger(), isolation: 'worker' });
    const loading = manager.load({ manifest: manifestToml('late', ['Hook = "transform_data"']), wasm: await readFixture('echo') }).catch((e: unknown) => e);
    const closing = manager.shutdown();
    const [loaded] = await Promise.all([loading, closing]);
    if (typeof loaded !== 'string') expect(loaded).toMatchObject({ code: 'E_CLOSED' });
    expect(manager.plugins()).toEqual([]);
    await expect(manager.load({ manifest: manifestToml('later'), wasm: await readFixture('echo') })).rejects.toMatchObject({ code: 'E_CLOSED' });
  });

  it('a JS plugin whose reload fails keeps its template functions, and a pending version never answers', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ plugin: { metadata: { id: 'slugs', name: 'Slugs', version: '1.0.0' }, initialize: (ctx) => ctx.templates.register('slug', () => 'v1') } });
    let seenDuringReload: unknown;
    const failing = manager.reload('slugs', {
      plugin: {
        metadata: { id: 'slugs', name: 'Slugs', version: '2.0.0' },
        async initialize(ctx) {
          ctx.templates.register('slug', () => 'v2');
          seenDuringReload = await manager.templates.call('slug');
          throw new Error('v2 cannot start');
        },
      },
    });
    await expect(failing).rejects.toMatchObject({ code: 'E_INIT' });
    expect(seenDuringReload).toBe('v1');
    await expect(manager.templates.call('slug')).resolves.toBe('v1');
    expect(manager.plugins()[0]).toMatchObject({ state: 'active', metadata: { version: '1.0.0' } });
    await manager.shutdown();
  });

  it("reload re-checks dependencies: its own, and every dependent's range on it", async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const wasm = await readFixture('echo');
    await manager.load({ manifest: manifestToml('core', [], '', '1.4.0'), wasm });
    await manager.load({ manifest: manifestToml('seo', [], '[[dependencies]]\nplugin_id = "core"\nversion = "^1.0"'), wasm });
    await expect(manager.reload('core', { manifest: manifestToml('core', [], '', '2.0.0'), wasm })).rejects.toMatchObject({
      code: 'E_DEPENDENCY',
      message: expect.stringContaining('would break "seo"'),
    });
    await expect(manager.reload('seo', { manifest: manifestToml('seo', [], '[[dependencies]]\nplugin_id = "nope"'), wasm })).rejects.toMatchObject({ code: 'E_DEPENDENCY' });
    await manager.reload('core', { manifest: manifestToml('core', [], '', '1.5.0'), wasm });
    expect(manager.plugins().map((p) => [p.id, p.state, p.metadata?.version])).toEqual([
      ['core', 'active', '1.5.0'],
      ['seo', 'active', '1.0.0'],
    ]);
    await manager.shutdown();
  });
});
