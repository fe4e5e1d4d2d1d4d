/**
 * A guest's log lines and published events carry the call they came from (`<pluginId>#<n>`),
 * so a runner or dashboard can show them per call, in both isolation modes.
 */
import { describe, expect, it } from 'vitest';
import { PluginManager, type PluginEvent } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

for (const isolation of ['inline', 'worker'] as const) {
  describe(`call ids, ${isolation} isolation`, () => {
    it('tags plugin.log lines and plugin-published events with their call', async () => {
      const manager = new PluginManager({ isolation, logger: captureLogger() });
      try {
        await manager.load({ manifest: manifestToml('publisher', ['Hook = "after_save"', 'Event = "content.*"']), wasm: await readFixture('publisher') });
        await manager.load({ manifest: manifestToml('logger', ['Hook = "transform_data"']), wasm: await readFixture('logger') });
        const logs: PluginEvent[] = [];
        const published: PluginEvent[] = [];
        manager.events.subscribe('plugin.log', (e) => logs.push(e));
        manager.events.subscribe('content.*', (e) => published.push(e));
        await manager.hooks.execute('after_save', { id: 1 });
        await manager.hooks.execute('after_save', { id: 2 });
        await manager.hooks.execute('transform_data', { title: 'a' });
        await manager.hooks.execute('transform_data', { title: 'b' });
        for (let i = 0; i < 100 && (published.length < 2 || logs.length === 0); i++) await new Promise((resolve) => setTimeout(resolve, 10));
        // The numbers count every call of the plugin (its start code and initialize first).
        const seq = (call: string | undefined, id: string) => Number(call?.match(new RegExp(`^${id}#(\\d+)$`))?.[1]);
        const [first, second] = published.map((e) => seq(e.call, 'publisher'));
        expect(second).toBe(first! + 1);
        const logCalls = [...new Set(logs.map((e) => (e.data as { call?: string }).call))];
        expect(logCalls).toHaveLength(2);
        const [a, b] = logCalls.map((c) => seq(c, 'logger'));
        expect(b).toBe(a! + 1);
        const byCall = (call: string | undefined) => logs.filter((e) => (e.data as { call?: string }).call === call).map((e) => (e.data as { message: string }).message);
        expect(byCall(logCalls[0])).toEqual(['info: {"title":"a"}', 'warn: {"title":"a"}', 'error: {"title":"a"}']);
        expect(byCall(logCalls[1])).toEqual(['info: {"title":"b"}', 'warn: {"title":"b"}', 'error: {"title":"b"}']);
      } finally {
        await manager.shutdown();
      }
    });
  });
}
