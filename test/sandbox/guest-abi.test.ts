/**
 * The guest ABI's edges a hostile or careless plugin can reach, in both isolation modes: output
 * that only breaks the next plugin (too deep, or growing when re-encoded) fails its producer; a
 * nonzero export return is a failure; initialize's output is ignored; guest text reaches the
 * host's logs with its control characters escaped. Modules are WAT sources in ./hostile.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginEvent } from '@reedcms/plugins';
import { compileWat } from '../support/wat.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { buildWatPlugin, echoPluginWat, manifestToml } from '../support/wat-plugins.ts';

const HOSTILE_DIR = join(import.meta.dirname, 'hostile');
const hostileWat = async (name: string) => compileWat(await readFile(join(HOSTILE_DIR, `${name}.wat`), 'utf8'), `${name}.wat`);
const LIMITS = { fuel: 20_000_000, timeoutMs: 20_000 };

for (const isolation of ['inline', 'worker'] as const) {
  describe(`guest ABI edges, ${isolation} isolation`, () => {
    let manager: PluginManager;
    let logger: CapturingLogger;
    const errors: PluginEvent[] = [];

    beforeAll(async () => {
      logger = captureLogger();
      manager = new PluginManager({ isolation, limits: LIMITS, logger });
      manager.events.subscribe('plugin.error', (e) => void errors.push(e));
      // The next filter in every chain: a stock-ABI echo, which reads plain JSON (no frames).
      await manager.load({ manifest: manifestToml('next', ['Hook = "transform_data"'], 'priority = 200'), wasm: await buildWatPlugin(echoPluginWat(['hook_transform_data'])) });
    });

    afterAll(async () => {
      await manager.shutdown();
    });

    async function expectProducerBlamed(id: string, wat: string, code: string, limit?: string): Promise<void> {
      await manager.load({ manifest: manifestToml(id, ['Hook = "transform_data"'], 'priority = 1'), wasm: await hostileWat(wat) });
      try {
        errors.length = 0;
        const page = { title: 'kept', n: 1 };
        // Skip policy: the producer is skipped, and the next filter gets the data unchanged.
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, page)).resolves.toEqual(page);
        expect(errors.map((e) => e.data)).toEqual([expect.objectContaining({ pluginId: id, code })]);
        const error = (errors[0]?.data as { error?: { limit?: unknown } }).error;
        if (limit !== undefined) expect(error?.limit).toMatchObject({ name: limit });
        expect(manager.stats('next')).toMatchObject({ faults: 0 });
        expect(manager.stats('next').lastError).toBeUndefined();
      } finally {
        await manager.unload(id);
      }
    }

    it('a filter returning a 100,000-deep array fails as its own E_OUTPUT, not as the next plugin’s input', async () => {
      await expectProducerBlamed('deep', 'deep-json-output', 'E_OUTPUT');
    });

    it('a 2 MiB frame of U+0001 that re-encodes to ~12 MiB fails as its own E_LIMIT (maxOutputBytes)', async () => {
      await expectProducerBlamed('control-frame', 'control-char-frame', 'E_LIMIT', 'maxOutputBytes');
    });

    it('a nonzero export return without error_set is E_GUEST naming the code; the instance is kept', async () => {
      await manager.load({ manifest: manifestToml('rc', ['Hook = "transform_data"', 'Command = "calls"']), wasm: await hostileWat('nonzero-return') });
      try {
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { long: 'enough to fail' }, { errorPolicy: 'fail' })).rejects.toMatchObject({
          code: 'E_GUEST',
          pluginId: 'rc',
          operation: 'hook_transform_data',
          message: expect.stringContaining('returned 7'),
        });
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, [1])).resolves.toEqual([1]);
        expect(manager.stats('rc')).toMatchObject({ restarts: 0, faults: 1 });
      } finally {
        await manager.unload('rc');
      }
    });

    it('ignores what initialize and on_event leave as output (6 MB of zeros)', async () => {
      await manager.load({ manifest: manifestToml('noisy', ['Hook = "transform_data"', 'Event = "content.*"']), wasm: await hostileWat('noisy-initialize') });
      try {
        await manager.events.publish({ type: 'content.created', data: {} });
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { a: 1 }, { errorPolicy: 'fail' })).resolves.toEqual({ a: 1 });
        expect(manager.stats('noisy').faults).toBe(0);
      } finally {
        await manager.unload('noisy');
      }
    });

    it('E_FUEL says when the plugin asked for more fuel than the host grants, and how to raise it', async () => {
      await manager.load({ manifest: manifestToml('greedy', ['Hook = "transform_data"'], '[limits]\nfuel = 50000000'), wasm: await hostileWat('infinite-loop') });
      try {
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' })).rejects.toMatchObject({
          code: 'E_FUEL',
          limit: { name: 'fuel', value: LIMITS.fuel },
          message: expect.stringContaining("the plugin asks for 50000000, capped by the host: raise the host's limits.fuel"),
        });
      } finally {
        await manager.unload('greedy');
      }
    });

    it('escapes ANSI sequences, newlines and bidi overrides in guest logs and error messages', async () => {
      await manager.load({ manifest: manifestToml('ansi', ['Hook = "transform_data"']), wasm: await hostileWat('escape-sequences') });
      try {
        logger.lines.length = 0;
        const error = (await manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' }).catch((e: unknown) => e)) as Error & { code?: string };
        expect(error).toMatchObject({ code: 'E_GUEST', pluginId: 'ansi' });
        expect(error.message).toContain('\\u001b[2J\\u001b[31mpwned\\u000a[core] admin password reset\\u202e');
        // Worker mode delivers logs asynchronously: give the last line a moment.
        await new Promise((resolve) => setTimeout(resolve, 50));
        const text = logger.lines.map(([, line]) => line).join('\n');
        expect(text).toContain('[ansi] \\u001b[2J');
        expect(text).not.toMatch(/[\u001b\u202e]/);
        expect(logger.lines.some(([, line]) => line.startsWith('[core]'))).toBe(false);
      } finally {
        await manager.unload('ansi');
      }
    });
  });
}
