/**
 * `stats(id)` carries the per-call limits beside the figures they bound, so a UI can draw fuel
 * used against the fuel budget and linear memory against its cap after every call.
 */
import { describe, expect, it } from 'vitest';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { captureLogger } from '../support/capture-logger.ts';
import { readFixture } from '../support/fixtures.ts';

const MiB = 1024 * 1024;
const manifest = (limits = '') => `id = "echo"\nname = "Echo"\nversion = "1.0.0"\ncapabilities = [ { Hook = "transform_data" } ]\n${limits}`;

describe('stats: fuel budget and memory cap', () => {
  it('reports the host budget and cap, and per-call figures within them', async () => {
    const manager = new PluginManager({ logger: captureLogger(), limits: { fuel: 2_000_000, memoryBytes: 8 * MiB } });
    await manager.load({ manifest: manifest(), wasm: await readFixture('echo') });
    const loaded = manager.stats('echo');
    expect(loaded).toMatchObject({ fuel: { budget: 2_000_000 }, memory: { cap: 8 * MiB } });
    await manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'x' });
    const small = manager.stats('echo');
    await manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'x'.repeat(50_000) });
    const large = manager.stats('echo');
    expect(small.fuel.last).toBeGreaterThan(0);
    // Per call, not cumulative: the larger input costs more fuel than the small one did.
    expect(large.fuel.last!).toBeGreaterThan(small.fuel.last!);
    expect(large.fuel.last!).toBeLessThanOrEqual(2_000_000);
    expect(large.fuel.total).toBe(loaded.fuel.total + small.fuel.last! + large.fuel.last!);
    expect(large.memory.bytes).toBeGreaterThan(0);
    expect(large.memory.bytes).toBeLessThanOrEqual(8 * MiB);
    expect(large.memory.peak).toBeGreaterThanOrEqual(large.memory.bytes);
    await manager.shutdown();
  });

  it("reports the plugin's own lower request as its budget, and null when fuel is off", async () => {
    const asked = new PluginManager({ logger: captureLogger(), limits: { fuel: 2_000_000 } });
    await asked.load({ manifest: manifest('[limits]\nfuel = 500000\nmemory_bytes = 2097152\n'), wasm: await readFixture('echo') });
    expect(asked.stats('echo')).toMatchObject({ fuel: { budget: 500_000 }, memory: { cap: 2 * MiB } });
    await asked.shutdown();
    const unmetered = new PluginManager({ logger: captureLogger(), limits: { fuel: false } });
    await unmetered.load({ manifest: manifest(), wasm: await readFixture('echo') });
    await unmetered.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'x' });
    expect(unmetered.stats('echo').fuel).toMatchObject({ budget: null, last: null });
    await unmetered.shutdown();
  });

  it('has no budget or cap for a JS plugin', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ plugin: { metadata: { id: 'js', name: 'JS', version: '1.0.0' } } });
    expect(manager.stats('js')).toMatchObject({ fuel: { budget: null }, memory: { cap: null } });
    await manager.shutdown();
  });
});
