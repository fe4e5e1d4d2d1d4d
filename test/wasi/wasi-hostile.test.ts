/**
 * Hostile WASI plugins (WAT sources in test/sandbox/hostile/wasi-*.wat) through the real
 * PluginManager: each ends with its exact error within its budget, the host's own work and
 * memory stay bounded (fuel per copied byte, a bounded line buffer, bounded file handles), and a
 * well-behaved neighbour in the same manager keeps working, inline and in the plugin's own worker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginError } from '@reedcms/plugins';
import { compileWat } from '../support/wat.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { expectNeighbourHealthy as expectHealthy, loadNeighbour } from '../support/neighbour.ts';

const HOSTILE_DIR = join(import.meta.dirname, '..', 'sandbox', 'hostile');
const LIMITS = { fuel: 2_000_000, maxLogBytes: 16 * 1024, maxFileHandles: 7, timeoutMs: 10_000 };
const MOUNT = '[filesystem]\nmounts = [{ path = "/data" }]';
const FILESYSTEM = { 'wasi-handle-hoard': { '/data': { files: { 'a.txt': 'a' } } } };

const hostile = async (name: string) => compileWat(await readFile(join(HOSTILE_DIR, `${name}.wat`), 'utf8'), `${name}.wat`);

const FUEL_CASES = ['wasi-random-storm', 'wasi-stdout-flood', 'wasi-iovec-storm'];

for (const isolation of ['inline', 'worker'] as const) {
  describe(`hostile WASI plugins, ${isolation} isolation`, () => {
    let manager: PluginManager;
    let logger: CapturingLogger;

    beforeAll(async () => {
      logger = captureLogger();
      manager = new PluginManager({ isolation, limits: LIMITS, logger, filesystem: FILESYSTEM });
      await loadNeighbour(manager);
    });
    afterAll(async () => {
      await manager.shutdown();
    });

    const expectNeighbourHealthy = (): Promise<void> => expectHealthy(manager);

    async function load(name: string, extra = ''): Promise<void> {
      await manager.load({ manifest: manifestToml(name, ['Hook = "transform_data"'], extra), wasm: await hostile(name) });
    }

    for (const name of FUEL_CASES) {
      it(`${name} ends with E_FUEL, twice (the instance is replaced), and the neighbour is unaffected`, async () => {
        await load(name);
        try {
          logger.lines.length = 0;
          for (let attempt = 0; attempt < 2; attempt++) {
            const error = (await manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' }).catch((e: unknown) => e)) as PluginError & { limit?: unknown };
            expect(error).toMatchObject({ code: 'E_FUEL', pluginId: name, operation: 'hook_transform_data' });
            expect(error.limit).toEqual({ name: 'fuel', value: LIMITS.fuel });
            // A worker's instance is out of the host's reach: its fuel is not read back.
            if (isolation === 'inline') expect(manager.stats(name).fuel.last).toBe(LIMITS.fuel);
            await expectNeighbourHealthy();
          }
          // Whatever the plugin wrote, the host logged at most maxLogBytes per call of it.
          const logged = logger.lines.filter(([, m]) => m.startsWith(`[${name}] x`)).reduce((n, [, m]) => n + m.length - name.length - 3, 0);
          expect(logged).toBeLessThanOrEqual(2 * LIMITS.maxLogBytes);
        } finally {
          await manager.unload(name);
        }
      });
    }

    it('wasi-handle-hoard gets exactly maxFileHandles open files, then EMFILE; the call succeeds', async () => {
      await load('wasi-handle-hoard', MOUNT);
      try {
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' })).resolves.toBe(`00${LIMITS.maxFileHandles},33`);
        // Handles live with the instance: the next call finds them all still taken.
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' })).resolves.toBe('000,33');
        await expectNeighbourHealthy();
      } finally {
        await manager.unload('wasi-handle-hoard');
      }
    });
  });
}
