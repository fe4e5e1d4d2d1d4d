/**
 * Hostile tables and the host-wide memory budget (issue 11, items 1, 2 and 4), in both
 * isolation modes through the real PluginManager and Extism: huge declared tables, table.grow
 * bombs, table.fill storms and imported tables end with their exact typed errors; many plugins
 * growing share one budget, the one that would pass it is refused by name, unloading frees it;
 * and `stats(id).memory` reports the same figures inline and in a worker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, Hooks, PluginManager, precompile, type PluginError } from '@reedcms/plugins';
import { compileWat } from '../support/wat.ts';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { expectNeighbourHealthy as expectHealthy, loadNeighbour } from '../support/neighbour.ts';
import { hostBufferBytes, resolveLimits } from '../../src/plugin/limits.ts';

const HOSTILE_DIR = join(import.meta.dirname, 'hostile');
const MiB = 1024 * 1024;
const PAGE = 65_536;
/** An input long enough (over 40 bytes of JSON) to make the growers grow. */
const GROW = 'please grow, please grow, please grow, please grow';
const LIMITS = { fuel: 20_000_000, memoryBytes: 16 * MiB, maxCallDepth: 1_000, timeoutMs: 10_000 };

async function hostileWat(name: string): Promise<Uint8Array> {
  return compileWat(await readFile(join(HOSTILE_DIR, `${name}.wat`), 'utf8'), `${name}.wat`);
}

type Failure = PluginError & { limit?: { name: string; value: number } };

async function failure(promise: Promise<unknown>): Promise<Failure> {
  return (await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as Failure;
}

for (const isolation of ['inline', 'worker'] as const) {
  describe(`hostile tables, ${isolation} isolation`, () => {
    let manager: PluginManager;

    beforeAll(async () => {
      manager = new PluginManager({ isolation, limits: LIMITS, logger: captureLogger() });
      await loadNeighbour(manager);
    });

    afterAll(async () => {
      await manager.shutdown();
    });

    const expectNeighbourHealthy = (): Promise<void> => expectHealthy(manager);

    async function loadHostile(id: string, fixture: string, limits = ''): Promise<void> {
      await manager.load({ manifest: manifestToml(id, ['Hook = "transform_data"'], limits), wasm: await hostileWat(fixture) });
    }

    it('64 tables of 10,000,000 externref are refused at load with E_MEMORY (maxTableElements), and the host lives', async () => {
      const error = await failure(loadHostile('huge-tables', 'huge-tables'));
      expect(error).toMatchObject({ code: 'E_MEMORY', pluginId: 'huge-tables', limit: { name: 'maxTableElements', value: DEFAULT_LIMITS.maxTableElements } });
      expect(manager.plugins().map((p) => p.id)).toEqual(['good']);
      await expectNeighbourHealthy();
    });

    it('a table.grow of 7,000,000 per call is refused at the cap (E_MEMORY, maxTableElements), and host memory stays put', async () => {
      await loadHostile('grow-bomb', 'table-grow-bomb');
      try {
        for (let attempt = 0; attempt < 4; attempt++) {
          const error = await failure(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' }));
          expect(error).toMatchObject({ code: 'E_MEMORY', pluginId: 'grow-bomb', operation: 'hook_transform_data', limit: { name: 'maxTableElements', value: DEFAULT_LIMITS.maxTableElements } });
          expect(manager.stats('grow-bomb').memory).toMatchObject({ bytes: 0, peak: 0 });
          await expectNeighbourHealthy();
        }
        expect(manager.stats('grow-bomb')).toMatchObject({ faults: 4, restarts: 3 });
      } finally {
        await manager.unload('grow-bomb');
      }
    });

    it('a plugin asking for a smaller table cap in [limits] gets it', async () => {
      await loadHostile('small-tables', 'table-grower', '[limits]\nmax_table_elements = 100');
      try {
        const error = await failure(manager.hooks.execute(Hooks.TRANSFORM_DATA, GROW, { errorPolicy: 'fail' }));
        expect(error).toMatchObject({ code: 'E_MEMORY', pluginId: 'small-tables', limit: { name: 'maxTableElements', value: 100 } });
        await expectNeighbourHealthy();
      } finally {
        await manager.unload('small-tables');
      }
    });

    it('a module instrumented at build time keeps its own table cap and reports it', async () => {
      const module = await precompile(await hostileWat('table-grower'), { ...LIMITS, maxTableElements: 1000 });
      await manager.load({ manifest: manifestToml('prebuilt', ['Hook = "transform_data"']), wasm: module });
      try {
        const error = await failure(manager.hooks.execute(Hooks.TRANSFORM_DATA, GROW, { errorPolicy: 'fail' }));
        expect(error).toMatchObject({ code: 'E_MEMORY', pluginId: 'prebuilt', limit: { name: 'maxTableElements', value: 1000 } });
        expect(manager.stats('prebuilt').memory).toMatchObject({ bytes: 0, peak: 0 });
        await expectNeighbourHealthy();
      } finally {
        await manager.unload('prebuilt');
      }
    });

    it('a table.fill storm over 5,000,000 funcref entries ends with E_FUEL', async () => {
      await loadHostile('fill-storm', 'table-fill-storm');
      try {
        const error = await failure(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' }));
        expect(error).toMatchObject({ code: 'E_FUEL', pluginId: 'fill-storm', limit: { name: 'fuel', value: LIMITS.fuel } });
        if (isolation === 'inline') expect(manager.stats('fill-storm').fuel.last).toBe(LIMITS.fuel);
        await expectNeighbourHealthy();
      } finally {
        await manager.unload('fill-storm');
      }
    });

    it('an imported table the host does not provide is refused with E_LINK', async () => {
      const error = await failure(loadHostile('imports-table', 'imported-table'));
      expect(error).toMatchObject({ code: 'E_LINK', pluginId: 'imports-table' });
      expect(error.message).toMatch(/env\.table \(table\)/);
      await expectNeighbourHealthy();
    });

    it('a GC module allocating a 1 GB array (array.new_default) is refused at load with a typed error', async () => {
      // By hand (wabt lacks GC): (type $a (array (mut i8))) (func (export "hook_transform_data") (result i32)
      //   (drop (array.new_default $a (i32.const 1000000000))) (i32.const 0))
      const name = [...new TextEncoder().encode('hook_transform_data')];
      // The bytes grouped by section, as the formatter would not keep them:
      // prettier-ignore
      const gc = new Uint8Array([
        0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
        1, 8, 2, 0x5e, 0x78, 0x01, 0x60, 0x00, 0x01, 0x7f,
        3, 2, 1, 1,
        7, 23, 1, 19, ...name, 0x00, 0x00,
        10, 16, 1, 14, 0, 0x41, 0x80, 0x94, 0xeb, 0xdc, 0x03, 0xfb, 0x07, 0x00, 0x1a, 0x41, 0x00, 0x0b,
      ]);
      const error = await failure(manager.load({ manifest: manifestToml('gc-array', ['Hook = "transform_data"']), wasm: gc }));
      // Node 20's V8 does not accept GC at all (E_WASM); where an engine does, the rewriter refuses it.
      expect(error).toMatchObject({ code: WebAssembly.validate(gc) ? 'E_INSTRUMENT' : 'E_WASM', pluginId: 'gc-array' });
      await expectNeighbourHealthy();
    });

    it('stats(id).memory reports linear memory and table bytes after each call and the peak since load', async () => {
      await loadHostile('mem', 'memory-grower');
      await loadHostile('tab', 'table-grower');
      try {
        expect(manager.stats('mem').memory).toMatchObject({ bytes: PAGE, peak: PAGE });
        expect(manager.stats('tab').memory).toMatchObject({ bytes: 0, peak: 0 });
        await manager.hooks.execute(Hooks.TRANSFORM_DATA, GROW, { errorPolicy: 'fail' });
        await manager.hooks.execute(Hooks.TRANSFORM_DATA, GROW, { errorPolicy: 'fail' });
        expect(manager.stats('mem').memory).toMatchObject({ bytes: PAGE + 8 * MiB, peak: PAGE + 8 * MiB });
        expect(manager.stats('tab').memory).toMatchObject({ bytes: 2 * 16_384 * 8, peak: 2 * 16_384 * 8 });
        await manager.hooks.execute(Hooks.TRANSFORM_DATA, 'no', { errorPolicy: 'fail' });
        expect(manager.stats('mem').memory.bytes).toBe(PAGE + 8 * MiB);
      } finally {
        await manager.unload('mem');
        await manager.unload('tab');
      }
    });
  });

  describe(`host-wide memory budget, ${isolation} isolation`, () => {
    // In a worker each plugin also holds its per-call host buffers in the budget for its whole
    // life (the host cannot see them one by one there): room for the four plugins' buffers.
    const IO = { maxInputBytes: 64 * 1024, maxOutputBytes: 64 * 1024, maxLogBytes: 64 * 1024 };
    const HOST_RESERVE = isolation === 'worker' ? hostBufferBytes(resolveLimits({ ...LIMITS, ...IO })) : 0;
    const BUDGET = 32 * MiB + 4 * HOST_RESERVE;
    let manager: PluginManager;

    beforeAll(async () => {
      manager = new PluginManager({ isolation, limits: { ...LIMITS, ...IO }, memoryBudgetBytes: BUDGET, logger: captureLogger() });
      await loadNeighbour(manager);
      const grower = await hostileWat('memory-grower');
      for (const id of ['g1', 'g2', 'g3']) await manager.load({ manifest: manifestToml(id, ['Command = "grow"']), wasm: grower });
    });

    afterAll(async () => {
      await manager.shutdown();
    });

    /** Inputs over 40 bytes make the grower grow by 4 MiB; shorter ones do not. */
    const grow = (id: string) => manager.command(id, 'grow', 'please grow, please grow');
    const total = () => ['good', 'g1', 'g2', 'g3'].filter((id) => manager.plugins().some((p) => p.id === id)).reduce((sum, id) => sum + manager.stats(id).memory.bytes, 0);

    it('the plugin whose grow would pass the budget is refused by name; the others go on; unload frees budget', async () => {
      for (let i = 0; i < 3; i++) await grow('g1');
      for (let i = 0; i < 3; i++) await grow('g2');
      await grow('g3');
      expect(manager.stats('g1').memory.bytes).toBe(PAGE + 12 * MiB);
      expect(manager.stats('g3').memory.bytes).toBe(PAGE + 4 * MiB);
      // 12 + 12 + 4 MiB and a few pages: 4 MiB more for g3 would pass 32 MiB.
      const error = await failure(grow('g3'));
      expect(error).toMatchObject({ code: 'E_MEMORY', pluginId: 'g3', operation: 'handle_command', limit: { name: 'memoryBudgetBytes', value: BUDGET } });
      expect(total()).toBeLessThanOrEqual(BUDGET);
      // The others go on (calls that do not grow), and so does the neighbour.
      await expect(manager.command('g1', 'grow', 'no')).resolves.toBeUndefined();
      await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { ok: 1 })).resolves.toEqual({ ok: 1 });
      // g2 leaves: its 12 MiB go back, and g3 (on a fresh instance: the trap dropped its old one) grows again.
      await manager.unload('g2');
      await grow('g3');
      await grow('g3');
      expect(manager.stats('g3')).toMatchObject({ restarts: 1, memory: { bytes: PAGE + 8 * MiB, peak: PAGE + 8 * MiB } });
      expect(total()).toBeLessThanOrEqual(BUDGET);
    });

    it('a load whose declared memory does not fit what is left is refused with E_MEMORY (memoryBudgetBytes)', async () => {
      const big = await compileWat('(module (memory 200) (func (export "hook_transform_data") (result i32) (i32.const 0)))');
      const error = await failure(manager.load({ manifest: manifestToml('big', ['Hook = "transform_data"']), wasm: big }));
      expect(error).toMatchObject({ code: 'E_MEMORY', pluginId: 'big', limit: { name: 'memoryBudgetBytes', value: BUDGET } });
      expect(manager.plugins().map((p) => p.id)).not.toContain('big');
      // Nothing leaked: after the failed load the same room is left.
      await manager.unload('g3');
      await manager.load({ manifest: manifestToml('big', ['Hook = "transform_data"']), wasm: big });
      expect(manager.stats('big').memory.bytes).toBe(200 * PAGE);
    });
  });
}

describe('host buffers of worker plugins in the memory budget', () => {
  it('a load that fits inline is refused in a worker, whose per-call host buffers are held up front', async () => {
    const reserve = hostBufferBytes(resolveLimits(LIMITS));
    // Room for the echo plugin's memory inline, not for it plus a worker call's host buffers.
    const budget = reserve;
    for (const isolation of ['inline', 'worker'] as const) {
      const manager = new PluginManager({ isolation, limits: LIMITS, memoryBudgetBytes: budget, logger: captureLogger() });
      try {
        const load = manager.load({ manifest: manifestToml('echo', ['Hook = "before_render"']), wasm: await readFixture('echo') });
        if (isolation === 'inline') {
          await expect(load).resolves.toBe('echo');
          await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { ok: 1 })).resolves.toEqual({ ok: 1 });
        } else {
          await expect(load).rejects.toMatchObject({
            code: 'E_MEMORY',
            pluginId: 'echo',
            limit: { name: 'memoryBudgetBytes', value: budget },
            message: expect.stringContaining('host buffers per call in worker isolation'),
          });
        }
      } finally {
        await manager.shutdown();
      }
    }
  });
});
