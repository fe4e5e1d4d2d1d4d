/**
 * Plugins answering each other's events: the chain is cut after a bounded number of hops, the
 * event loop keeps running meanwhile, and the refusal is reported as `plugin.denied`.
 */
import { describe, expect, it } from 'vitest';
import { PluginManager, type PluginEvent } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

describe('event chains between plugins', () => {
  it('cuts an endless ping-pong between two plugins and keeps the host responsive', async () => {
    const manager = new PluginManager({ logger: captureLogger(), plugins: { a: { publish: 'ping.a' }, b: { publish: 'ping.b' } } });
    const pings: PluginEvent[] = [];
    manager.events.subscribe('ping.*', (e) => {
      pings.push(e);
    });
    const denied = new Promise<PluginEvent>((resolve) => manager.events.subscribe('plugin.denied', resolve));
    for (const id of ['a', 'b']) await manager.load({ manifest: manifestToml(id, ['Event = "ping.*"']), wasm: await readFixture('relay') });

    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await manager.events.publish({ type: 'ping.start', data: { hop: 0 } });
    const refusal = await denied;
    clearInterval(timer);

    expect(refusal.data).toMatchObject({ what: 'event', limit: 'maxEventChainDepth', reason: expect.stringContaining('event chain') });
    // Both relays answer the host's start event: one chain (one trigger) with two branches,
    // each cut after 8 plugin-published hops, reported once.
    expect(pings[0]?.type).toBe('ping.start');
    const hops = pings.slice(1).map((e) => (e.data as { hop: number }).hop);
    expect(pings.slice(1).every((e) => e.type === `ping.${e.source}`)).toBe(true);
    expect(Math.max(...hops)).toBe(8);
    expect(pings.length).toBeLessThanOrEqual(1 + 2 * 8);
    expect(ticks).toBeGreaterThan(0); // timers ran while the chain was going
    await manager.shutdown();
  });

  it("refuses a plugin publishing the host's own event types, whatever it declares", async () => {
    const manager = new PluginManager({ logger: captureLogger(), plugins: { forger: { publish: 'plugin.error' } } });
    const forged: PluginEvent[] = [];
    manager.events.subscribe(
      (e) => e.type === 'plugin.error' && e.source === 'forger',
      (e) => {
        forged.push(e);
      },
    );
    const denied = new Promise<PluginEvent>((resolve) => manager.events.subscribe('plugin.denied', resolve));
    await manager.load({ manifest: manifestToml('forger', ['Event = "*"']), wasm: await readFixture('relay') });
    await manager.events.publish({ type: 'content.created', data: {} });
    expect((await denied).data).toMatchObject({ pluginId: 'forger', type: 'plugin.error', reason: expect.stringContaining("host's own") });
    expect(forged).toEqual([]);
    await manager.shutdown();
  });
});
