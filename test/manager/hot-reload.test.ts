/**
 * Hot reload under load: 10,000 concurrent hook calls while the plugin is reloaded 100 times,
 * alternating between two versions. No call fails or is lost, and every result comes from one
 * version or the other (never a mix, never "neither").
 */
import { describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginEvent } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

describe('hot reload', () => {
  it('swaps versions atomically under 10,000 concurrent calls and 100 reloads', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const errors: PluginEvent[] = [];
    manager.events.subscribe('plugin.error', (e) => {
      errors.push(e);
    });
    const versions = {
      a: { manifest: manifestToml('live', ['Hook = "transform_data"'], '', '1.0.0'), wasm: await readFixture('versioned-a') },
      b: { manifest: manifestToml('live', ['Hook = "transform_data"'], '', '2.0.0'), wasm: await readFixture('versioned-b') },
    };
    await manager.load(versions.a);

    // Calls go out in waves while the reloads run, so they land before, during and after swaps.
    const calls: Array<Promise<{ input: { i: number }; version: string }>> = [];
    const firing = (async () => {
      for (let wave = 0; wave < 100; wave++) {
        for (let j = 0; j < 100; j++) {
          const i = wave * 100 + j;
          calls.push(manager.hooks.execute(Hooks.TRANSFORM_DATA, { i }, { errorPolicy: 'fail' }) as Promise<unknown> as Promise<{ input: { i: number }; version: string }>);
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })();
    const reloads = (async () => {
      for (let n = 1; n <= 100; n++) {
        await manager.reload('live', n % 2 === 1 ? versions.b : versions.a);
        // Let some calls through between swaps, so they land on both versions.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })();
    await Promise.all([firing, reloads]);
    const results = await Promise.allSettled(calls);
    expect(results).toHaveLength(10_000);

    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toEqual([]);
    const values = results.map((r) => (r as PromiseFulfilledResult<{ input: { i: number }; version: string }>).value);
    expect(values.every((v, i) => v.input.i === i)).toBe(true);
    const seen = new Set(values.map((v) => v.version));
    expect([...seen].every((v) => v === 'a' || v === 'b')).toBe(true);
    expect(seen.size).toBe(2); // both versions answered some calls
    expect(errors).toEqual([]);
    expect(manager.plugins()).toMatchObject([{ id: 'live', state: 'active', metadata: { version: '1.0.0' } }]); // 100 reloads: back on a
    await manager.shutdown();
  }, 120_000);

  it('keeps the old version when the new one fails to initialize, and in-flight calls finish', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: manifestToml('keep', ['Hook = "transform_data"']), wasm: await readFixture('versioned-a') });
    const inflight = Array.from({ length: 200 }, (_, i) => manager.hooks.execute(Hooks.TRANSFORM_DATA, { i }, { errorPolicy: 'fail' }));
    const failed = manager.reload('keep', { manifest: manifestToml('keep', [], '', '9.0.0'), wasm: await readFixture('fail-init') });
    await expect(failed).rejects.toMatchObject({ code: 'E_INIT', pluginId: 'keep' });
    const results = (await Promise.all(inflight)) as unknown as Array<{ version: string }>;
    expect(results.every((r) => r.version === 'a')).toBe(true);
    expect(manager.plugins()).toMatchObject([{ id: 'keep', state: 'active', metadata: { version: '1.0.0' } }]);
    await manager.shutdown();
  });
});
