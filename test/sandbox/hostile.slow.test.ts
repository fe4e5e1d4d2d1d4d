/**
 * Hostile plugins (WAT sources in ./hostile, AssemblyScript ones in test/fixtures/as/assembly)
 * each end with their exact error code within their budget, in both isolation modes, and a
 * well-behaved plugin in the same manager returns correct results right after.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuestError, Hooks, PluginManager, type PluginEvent, type PluginError } from '@reedcms/plugins';
import { compileWat } from '../support/wat.ts';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { echoPluginWat, manifestToml } from '../support/wat-plugins.ts';
import { LIMIT_IMPORT } from '../../src/plugin/limits.ts';
import { hookExportName } from '../../src/hooks/hook-names.ts';
import { expectNeighbourHealthy as expectHealthy, loadNeighbour } from '../support/neighbour.ts';

const HOSTILE_DIR = join(import.meta.dirname, 'hostile');
const LIMITS = {
  fuel: 20_000_000,
  memoryBytes: 16 * 1024 * 1024,
  maxCallDepth: 1_000,
  maxOutputBytes: 1024 * 1024,
  maxLogBytes: 64 * 1024,
  timeoutMs: 10_000,
};

async function hostileWat(name: string): Promise<Uint8Array> {
  return compileWat(await readFile(join(HOSTILE_DIR, `${name}.wat`), 'utf8'), `${name}.wat`);
}

interface Case {
  name: string;
  wasm: () => Promise<Uint8Array>;
  input: unknown;
  code: string;
  limit?: string;
}

const CASES: Case[] = [
  { name: 'infinite-loop', wasm: () => hostileWat('infinite-loop'), input: {}, code: 'E_FUEL', limit: 'fuel' },
  { name: 'loop-through-calls', wasm: () => hostileWat('loop-through-calls'), input: {}, code: 'E_FUEL', limit: 'fuel' },
  { name: 'mutual-recursion', wasm: () => hostileWat('mutual-recursion'), input: {}, code: 'E_STACK', limit: 'maxCallDepth' },
  { name: 'unbounded-recursion', wasm: () => hostileWat('unbounded-recursion'), input: {}, code: 'E_STACK', limit: 'maxCallDepth' },
  { name: 'memory-grow-bomb', wasm: () => hostileWat('memory-grow-bomb'), input: {}, code: 'E_MEMORY', limit: 'memoryBytes' },
  { name: 'alloc-bomb', wasm: () => readFixture('alloc-bomb'), input: {}, code: 'E_MEMORY', limit: 'memoryBytes' },
  { name: 'output-flood', wasm: () => readFixture('output-flood'), input: 2_000_000, code: 'E_LIMIT', limit: 'maxOutputBytes' },
  { name: 'log-flood', wasm: () => readFixture('log-flood'), input: {}, code: 'E_LIMIT', limit: 'maxLogBytes' },
  { name: 'unreachable', wasm: () => hostileWat('unreachable'), input: {}, code: 'E_TRAP' },
  { name: 'divide-by-zero', wasm: () => hostileWat('divide-by-zero'), input: {}, code: 'E_TRAP' },
];

for (const isolation of ['inline', 'worker'] as const) {
  describe(`hostile plugins, ${isolation} isolation`, () => {
    let manager: PluginManager;
    let logger: CapturingLogger;
    const errorEvents: PluginEvent[] = [];

    beforeAll(async () => {
      logger = captureLogger();
      manager = new PluginManager({ isolation, limits: LIMITS, logger });
      manager.events.subscribe('plugin.error', (e) => {
        errorEvents.push(e);
      });
      // The neighbour: echoes before_render.
      await loadNeighbour(manager);
    });

    afterAll(async () => {
      await manager.shutdown();
    });

    const expectNeighbourHealthy = (): Promise<void> => expectHealthy(manager);

    for (const c of CASES) {
      it(`${c.name} ends with ${c.code}, twice (the instance is replaced), and the neighbour is unaffected`, async () => {
        await manager.load({ manifest: manifestToml(c.name, ['Hook = "transform_data"']), wasm: await c.wasm() });
        try {
          await runCase(c);
        } finally {
          await manager.unload(c.name);
        }
      });
    }

    async function runCase(c: Case): Promise<void> {
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = (await manager.hooks.execute(Hooks.TRANSFORM_DATA, c.input, { errorPolicy: 'fail' }).catch((e: unknown) => e)) as PluginError & {
          limit?: { name: string; value: number };
        };
        expect(error).toMatchObject({ code: c.code, pluginId: c.name, operation: 'hook_transform_data' });
        if (c.limit !== undefined) expect(error.limit).toEqual({ name: c.limit, value: LIMITS[c.limit as keyof typeof LIMITS] });
        await expectNeighbourHealthy();
      }
      const stats = manager.stats(c.name);
      expect(stats).toMatchObject({ faults: 2, consecutiveFaults: 2 });
      if (isolation === 'inline' && c.code === 'E_FUEL') expect(stats.fuel.last).toBe(LIMITS.fuel);
      if (isolation === 'inline' && c.code !== 'E_FUEL') expect(stats.fuel.last).toBeLessThanOrEqual(LIMITS.fuel);
    }

    it('trap-in-initialize fails the load with E_INIT caused by E_TRAP', async () => {
      const error = await manager.load({ manifest: manifestToml('trap-init', ['Hook = "transform_data"']), wasm: await hostileWat('trap-in-initialize') }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_INIT', pluginId: 'trap-init', cause: expect.objectContaining({ code: 'E_TRAP' }) });
      await expectNeighbourHealthy();
    });

    it('a module declaring a 65,536-page memory minimum is refused at load with E_MEMORY', async () => {
      const error = await manager.load({ manifest: manifestToml('huge-min', ['Hook = "transform_data"']), wasm: await hostileWat('huge-memory-minimum') }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_MEMORY', pluginId: 'huge-min' });
      expect(manager.plugins().map((p) => p.id)).toEqual(['good']);
      await expectNeighbourHealthy();
    });

    it('quarantines a plugin after repeated faults, skips its handlers, and reload brings it back', async () => {
      const events: PluginEvent[] = [];
      const off = manager.events.subscribe('plugin.quarantined', (e) => {
        events.push(e);
      });
      await manager.load({ manifest: manifestToml('repeat', ['Hook = "transform_data"']), wasm: await hostileWat('unreachable') });
      for (let i = 0; i < 5; i++) await manager.hooks.execute(Hooks.TRANSFORM_DATA, { i });
      expect(manager.plugins().find((p) => p.id === 'repeat')?.state).toBe('quarantined');
      expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ pluginId: 'repeat', faults: 5, code: 'E_TRAP' })]);
      // Skipped now: the data passes through untouched and no new fault is counted.
      await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { skipped: true })).resolves.toEqual({ skipped: true });
      expect(manager.stats('repeat').faults).toBe(5);
      await manager.reload('repeat');
      expect(manager.plugins().find((p) => p.id === 'repeat')?.state).toBe('active');
      expect(manager.stats('repeat').consecutiveFaults).toBe(0);
      off();
      await manager.unload('repeat');
      await expectNeighbourHealthy();
    });
  });
}

describe('wall-clock timeout (worker isolation)', () => {
  it('an unmetered infinite loop ends with E_TIMEOUT, and the plugin works again afterwards', async () => {
    const manager = new PluginManager({ isolation: 'worker', limits: { fuel: false, timeoutMs: 300 }, logger: captureLogger() });
    // Loops forever on inputs longer than 4 bytes, returns at once otherwise.
    const wasm = await compileWat(`(module
      (import "extism:host/env" "input_length" (func $len (result i64)))
      (func (export "hook_transform_data") (result i32)
        (if (i64.gt_u (call $len) (i64.const 4)) (then (loop $forever (br $forever))))
        (i32.const 0)))`);
    await manager.load({ manifest: manifestToml('spinner', ['Hook = "transform_data"']), wasm });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'spin forever', { errorPolicy: 'fail' })).rejects.toMatchObject({
      code: 'E_TIMEOUT',
      pluginId: 'spinner',
      limit: { name: 'timeoutMs', value: 300 },
    });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'ok', { errorPolicy: 'fail' })).resolves.toBe('ok');
    await manager.shutdown();
  });
});

describe("the engine's own stack overflow (no call-depth limit)", () => {
  // A worker reports the RangeError as a plain object: it was E_TRAP there, E_STACK inline.
  for (const isolation of ['inline', 'worker'] as const) {
    it(`unbounded recursion ends with E_STACK (${isolation}); the neighbour still answers`, async () => {
      const manager = new PluginManager({ isolation, limits: { ...LIMITS, maxCallDepth: 0 }, logger: captureLogger() });
      try {
        await manager.load({ manifest: manifestToml('deep', ['Hook = "transform_data"']), wasm: await hostileWat('unbounded-recursion') });
        await loadNeighbour(manager);
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' })).rejects.toMatchObject({
          code: 'E_STACK',
          pluginId: 'deep',
          message: expect.stringContaining("overflowed the engine's call stack"),
        });
        await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { ok: 1 })).resolves.toEqual({ ok: 1 });
      } finally {
        await manager.shutdown();
      }
    });
  }
});

describe('wall-clock timeout while the host works for the guest (worker isolation)', () => {
  it("a worker stopped in the middle of a host call leaves no timer of Extism's running", async () => {
    // Extism's side of a host call waits for the worker to read its reply, with a 0 ms interval
    // running meanwhile; a stopped worker never reads it. Node-only probe of live timers.
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const manager = new PluginManager({ isolation: 'worker', limits: { fuel: false, timeoutMs: 300 }, logger: captureLogger() });
    const wasm = await compileWat(`(module
      (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
      (import "extism:host/env" "var_get" (func $var_get (param i64) (result i64)))
      (func (export "hook_transform_data") (result i32)
        (loop $forever (drop (call $var_get (call $alloc (i64.const 1)))) (br $forever))
        (i32.const 0)))`);
    try {
      await manager.load({ manifest: manifestToml('caller', ['Hook = "transform_data"']), wasm });
      const before = timers();
      for (let i = 0; i < 4; i++) await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, i, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_TIMEOUT' });
      // The release runs for 3 s after each stop.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(timers()).toBeLessThanOrEqual(before);
    } finally {
      await manager.shutdown();
    }
  });

  it('an unmetered guest calling the host in an endless loop ends with E_TIMEOUT, and the plugin works again afterwards', async () => {
    const manager = new PluginManager({ isolation: 'worker', limits: { fuel: false, timeoutMs: 300 }, logger: captureLogger() });
    // On inputs longer than 4 bytes: var_get (served on the host's thread) for ever.
    const wasm = await compileWat(`(module
      (import "extism:host/env" "input_length" (func $len (result i64)))
      (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
      (import "extism:host/env" "var_get" (func $var_get (param i64) (result i64)))
      (func (export "hook_transform_data") (result i32)
        (if (i64.gt_u (call $len) (i64.const 4)) (then (loop $forever (drop (call $var_get (call $alloc (i64.const 1)))) (br $forever))))
        (i32.const 0)))`);
    try {
      await manager.load({ manifest: manifestToml('caller', ['Hook = "transform_data"']), wasm });
      await loadNeighbour(manager);
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'call the host for ever', { errorPolicy: 'fail' })).rejects.toMatchObject({
          code: 'E_TIMEOUT',
          pluginId: 'caller',
          limit: { name: 'timeoutMs', value: 300 },
        });
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'ok', { errorPolicy: 'fail' })).resolves.toBe('ok');
        await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { attempt })).resolves.toEqual({ attempt });
      }
    } finally {
      await manager.shutdown();
    }
  });
});

describe('hostile start code (the start function, _initialize)', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    const cases = [
      { fixture: 'start-loop', fuel: true, code: 'E_FUEL', limit: { name: 'fuel', value: LIMITS.fuel }, words: 'ran out of fuel' },
      { fixture: 'initialize-trap', fuel: true, code: 'E_TRAP', limit: undefined, words: 'trapped: unreachable' },
      // Unmetered, only a worker's wall clock can stop it (inline it would hold the thread).
      ...(isolation === 'worker' ? [{ fixture: 'start-loop', fuel: false, code: 'E_TIMEOUT', limit: { name: 'timeoutMs', value: 300 }, words: 'took longer than 300 ms' }] : []),
    ] as const;
    it(`data-out-of-bounds fails the load with E_WASM (${isolation}); the neighbour still answers`, async () => {
      const manager = new PluginManager({ isolation, limits: LIMITS, logger: captureLogger() });
      try {
        await loadNeighbour(manager);
        for (let attempt = 0; attempt < 2; attempt++) {
          await expect(manager.load({ manifest: manifestToml('broken', ['Hook = "transform_data"']), wasm: await hostileWat('data-out-of-bounds') })).rejects.toMatchObject({
            code: 'E_WASM',
            pluginId: 'broken',
            operation: 'instantiate',
            message: expect.stringContaining('data segment is out of bounds'),
          });
          await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { attempt })).resolves.toEqual({ attempt });
        }
      } finally {
        await manager.shutdown();
      }
    });

    for (const c of cases) {
      it(`${c.fixture}${c.fuel ? '' : ' (fuel off)'} fails the load with ${c.code} naming the start code (${isolation}); the neighbour still answers`, async () => {
        const limits = c.fuel ? LIMITS : { ...LIMITS, fuel: false as const, timeoutMs: 300 };
        const manager = new PluginManager({ isolation, limits, logger: captureLogger() });
        try {
          await loadNeighbour(manager);
          for (let attempt = 0; attempt < 2; attempt++) {
            const error = (await manager.load({ manifest: manifestToml('starter', ['Hook = "transform_data"']), wasm: await hostileWat(c.fixture) }).catch((e: unknown) => e)) as GuestError;
            expect(error).toBeInstanceOf(GuestError);
            expect(error).toMatchObject({ code: c.code, pluginId: 'starter', operation: 'instantiate' });
            expect(error.message).toContain(`the module's start code (its start function or _initialize) ${c.words}`);
            expect(error.limit).toEqual(c.limit);
            await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { attempt })).resolves.toEqual({ attempt });
          }
          expect(manager.plugins().map((p) => p.id)).toEqual(['good']);
        } finally {
          await manager.shutdown();
        }
      });
    }
  }
});

describe('limits from the manifest', () => {
  it('a plugin may ask for less fuel than the host allows, never more', async () => {
    const manager = new PluginManager({ limits: { fuel: 50_000 }, logger: captureLogger() });
    await manager.load({ manifest: manifestToml('modest', ['Hook = "transform_data"'], '[limits]\nfuel = 20000'), wasm: await hostileWat('infinite-loop') });
    await manager.load({
      manifest: manifestToml('greedy', ['Hook = "before_render"'], '[limits]\nfuel = 900000000'),
      wasm: await compileWat((await readFile(join(HOSTILE_DIR, 'infinite-loop.wat'), 'utf8')).replace('hook_transform_data', 'hook_before_render')),
    });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_FUEL', limit: { name: 'fuel', value: 20_000 } });
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, {}, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_FUEL', limit: { name: 'fuel', value: 50_000 } });
    expect(manager.stats('modest').fuel.last).toBe(20_000);
    expect(manager.stats('greedy').fuel.last).toBe(50_000);
    await manager.shutdown();
  });

  it('input over maxInputBytes is refused before the call with E_LIMIT', async () => {
    const manager = new PluginManager({ limits: { maxInputBytes: 1000 }, logger: captureLogger() });
    await manager.load({ manifest: manifestToml('small', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'é'.repeat(600), { errorPolicy: 'fail' })).rejects.toMatchObject({
      code: 'E_LIMIT',
      limit: { name: 'maxInputBytes', value: 1000 },
    });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'é'.repeat(400), { errorPolicy: 'fail' })).resolves.toBe('é'.repeat(400));
    expect(manager.stats('small').calls).toBe(3); // initialize, the refused call, the good one
    await manager.shutdown();
  });

  it('reports the fuel each call used, deterministically', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: manifestToml('counted', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
    const used: Array<number | null> = [];
    for (let i = 0; i < 3; i++) {
      await manager.hooks.execute(Hooks.TRANSFORM_DATA, { same: 'input' });
      used.push(manager.stats('counted').fuel.last);
    }
    expect(used[0]).toBeGreaterThan(0);
    expect(new Set(used).size).toBe(1);
    // More bytes cost more fuel: the guest's own work on them, and the host's copies for it
    // (test/engine/direct-io.test.ts pins the host's charge exactly).
    await manager.hooks.execute(Hooks.TRANSFORM_DATA, { same: 'input', but: 'longer'.repeat(100) });
    expect(manager.stats('counted').fuel.last).toBeGreaterThan(used[0] as number);
    await manager.shutdown();
  });
});

describe('quarantine is fail-closed and blames only the plugin', () => {
  it('a quarantined guard plugin keeps denying (a guard never fails open)', async () => {
    const manager = new PluginManager({ logger: captureLogger(), quarantineAfter: 3 });
    const wasm = await compileWat((await readFile(join(HOSTILE_DIR, 'unreachable.wat'), 'utf8')).replace('hook_transform_data', 'hook_auth_check'));
    await manager.load({ manifest: manifestToml('flaky-guard', ['Hook = "auth_check"']), wasm });
    for (let i = 0; i < 3; i++) await expect(manager.hooks.execute(Hooks.AUTH_CHECK, { i })).resolves.toMatchObject({ allowed: false, pluginId: 'flaky-guard' });
    expect(manager.plugins()[0]?.state).toBe('quarantined');
    await expect(manager.hooks.execute(Hooks.AUTH_CHECK, { after: true })).resolves.toMatchObject({ allowed: false, pluginId: 'flaky-guard', reason: expect.stringContaining('quarantined') });
    expect(manager.stats('flaky-guard').faults).toBe(3); // denied without calling it again
    await manager.shutdown();
  });

  it("the host's own oversized or unserializable input never quarantines a plugin", async () => {
    const manager = new PluginManager({ logger: captureLogger(), quarantineAfter: 2, limits: { maxInputBytes: 100 } });
    await manager.load({ manifest: manifestToml('innocent', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (let i = 0; i < 4; i++) {
      await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'x'.repeat(500), { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_LIMIT' });
      await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, cyclic, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_INPUT' });
    }
    expect(manager.plugins()[0]?.state).toBe('active');
    expect(manager.stats('innocent')).toMatchObject({ faults: 0, consecutiveFaults: 0, lastError: expect.objectContaining({ code: 'E_INPUT' }) });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'ok')).resolves.toBe('ok');
    await manager.shutdown();
  });
});

describe('precompiled modules', () => {
  it("a module instrumented with a bigger budget elsewhere still gets this host's fuel limit", async () => {
    const { instrument } = await import('@reedcms/plugins/instrument');
    const bytes = instrument(await hostileWat('infinite-loop'), { defaultFuel: 10_000_000_000n, memoryMaxPages: 16, limitImport: LIMIT_IMPORT }).bytes;
    const manager = new PluginManager({ logger: captureLogger(), limits: { fuel: 5_000 } });
    await manager.load({ manifest: manifestToml('prebuilt', ['Hook = "transform_data"']), wasm: new WebAssembly.Module(bytes) });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_FUEL', limit: { name: 'fuel', value: 5_000 } });
    expect(manager.stats('prebuilt').fuel.last).toBe(5_000);
    await manager.shutdown();
  });
});

describe('hostile plugins asking the host for memory blocks', () => {
  // The module's own guard refuses the block before Extism creates it, in both modes (in a
  // worker Extism's kernel runs beside the guest, out of the host's reach).
  for (const isolation of ['inline', 'worker'] as const) {
    it(`a block of 2^40 bytes ends the call with E_LIMIT (${isolation}); the neighbour still answers`, async () => {
      const manager = new PluginManager({ isolation, limits: LIMITS, logger: captureLogger() });
      try {
        await manager.load({ manifest: manifestToml('storm', ['Hook = "after_render"']), wasm: await hostileWat('block-storm') });
        await manager.load({ manifest: manifestToml('good', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
        await expect(manager.hooks.execute(Hooks.AFTER_RENDER, {}, { errorPolicy: 'fail' })).rejects.toMatchObject({
          pluginId: 'storm',
          code: 'E_LIMIT',
          limit: { name: 'maxOutputBytes', value: LIMITS.maxOutputBytes },
        });
        expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, { ok: 1 })).toEqual({ ok: 1 });
      } finally {
        await manager.shutdown();
      }
    });

    // host-buffer-bomb.wat: each export traps on the first block the host refuses.
    const bombs = [
      [Hooks.TRANSFORM_DATA, 'one alloc of 4,000,000,000 bytes'],
      [Hooks.BEFORE_RENDER, '1,000 allocs of 4 MiB'],
      [Hooks.AFTER_RENDER, 'an alloc of 2^64 - 1 bytes'],
      [Hooks.ROUTE_MATCH, '10,000 var_get copies of a 1 MiB variable'],
    ] as const;
    for (const [hook, what] of bombs) {
      it(`${what} ends with E_LIMIT, twice, in ${isolation} isolation; the neighbour still answers`, async () => {
        const manager = new PluginManager({ isolation, limits: LIMITS, logger: captureLogger() });
        try {
          await manager.load({ manifest: manifestToml('bomb', [`Hook = "${hook}"`]), wasm: await hostileWat('host-buffer-bomb') });
          await manager.load({ manifest: manifestToml('good', ['Hook = "validate_data"']), wasm: await compileWat(echoPluginWat(['hook_validate_data'])) });
          for (let attempt = 0; attempt < 2; attempt++) {
            await expect(manager.hooks.execute(hook, { attempt }, { errorPolicy: 'fail' })).rejects.toMatchObject({
              pluginId: 'bomb',
              operation: hookExportName(hook),
              code: 'E_LIMIT',
              limit: { name: 'maxOutputBytes', value: LIMITS.maxOutputBytes },
            });
            await expect(manager.hooks.execute(Hooks.VALIDATE_DATA, { attempt })).resolves.toMatchObject({ valid: true });
          }
          expect(manager.stats('bomb')).toMatchObject({ faults: 2 });
        } finally {
          await manager.shutdown();
        }
      });
    }
  }

  for (const isolation of ['inline', 'worker'] as const) {
    it(`a plugin logging the words of a refusal cannot pass its own trap off as the host limit (${isolation})`, async () => {
      const manager = new PluginManager({ isolation, limits: LIMITS, logger: captureLogger() });
      try {
        await manager.load({ manifest: manifestToml('liar', ['Hook = "transform_data"']), wasm: await hostileWat('fake-refusal') });
        const error = await manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' }).then(
          () => undefined,
          (err: unknown) => err as GuestError,
        );
        expect(error).toBeInstanceOf(GuestError);
        expect(error).toMatchObject({ code: 'E_TRAP', pluginId: 'liar' });
        expect(error?.limit).toBeUndefined();
      } finally {
        await manager.shutdown();
      }
    });

    it(`a plugin logging the words of a variable refusal cannot fail its own call as the host limit (${isolation})`, async () => {
      const manager = new PluginManager({ isolation, limits: LIMITS, logger: captureLogger() });
      try {
        await manager.load({ manifest: manifestToml('liar', ['Hook = "after_render"']), wasm: await hostileWat('fake-refusal') });
        expect(await manager.hooks.execute(Hooks.AFTER_RENDER, { page: 1 }, { errorPolicy: 'fail' })).toEqual({ page: 1 });
      } finally {
        await manager.shutdown();
      }
    });
  }

  // Refused copies cost no fuel: were they charged, 30,000 of 64 KiB would need 30,720,000 fuel.
  it('30,000 copies of the whole memory into host blocks are held to the per-call budget (inline)', async () => {
    const logger = captureLogger();
    const manager = new PluginManager({ limits: LIMITS, logger });
    try {
      await manager.load({ manifest: manifestToml('storm', ['Hook = "before_render"']), wasm: await hostileWat('block-storm') });
      for (let i = 0; i < 2; i++) expect(await manager.hooks.execute(Hooks.BEFORE_RENDER, { n: i }, { errorPolicy: 'fail' })).toEqual({ n: i });
      expect(manager.stats('storm')).toMatchObject({ faults: 0 });
      // Refusals are logged once per call, not once per refused copy.
      expect(logger.lines.filter(([, message]) => message.includes('memory limit exceeded'))).toHaveLength(2);
    } finally {
      await manager.shutdown();
    }
  });

  it('30,000 config_get copies of a 64 KiB config are held to the per-call budget; config_get still answers (inline)', async () => {
    const config = { blob: 'x'.repeat(64 * 1024) };
    const logger = captureLogger();
    const manager = new PluginManager({ limits: LIMITS, logger, plugins: { hog: config } });
    try {
      await manager.load({ manifest: manifestToml('hog', ['Hook = "transform_data"', 'Hook = "before_render"']), wasm: await hostileWat('config-copies') });
      expect(await manager.hooks.execute(Hooks.BEFORE_RENDER, {}, { errorPolicy: 'fail' })).toBe(JSON.stringify(config).length);
      for (let i = 0; i < 2; i++) expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, { n: i }, { errorPolicy: 'fail' })).toEqual({ n: i });
      expect(logger.lines.filter(([, message]) => message.includes('memory limit exceeded'))).toHaveLength(2);
    } finally {
      await manager.shutdown();
    }
  });

  it('32,000 one-byte blocks in one call complete (the host keeps O(1) books per block), call after call', async () => {
    const manager = new PluginManager({ limits: LIMITS, logger: captureLogger() });
    try {
      await manager.load({ manifest: manifestToml('storm', ['Hook = "transform_data"']), wasm: await hostileWat('block-storm') });
      for (let i = 0; i < 3; i++) expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, { n: i }, { errorPolicy: 'fail' })).toEqual({ n: i });
      expect(manager.stats('storm')).toMatchObject({ faults: 0 });
    } finally {
      await manager.shutdown();
    }
  });
});

describe('hostile plugins making the host copy for them', () => {
  // 10,000,000 fuel buys 40 MB of host-side copies at the memory.copy rate (1 fuel per 4 bytes),
  // more than the ~10 MiB host-buffer budget of one call; each loop copies 1 MiB 2,000 times for
  // about 16,000 fuel of guest instructions. Inline only: in a worker the host cannot reach the
  // module's memory and these functions copy nothing.
  const limits = { ...LIMITS, fuel: 10_000_000 };
  const page = 'x'.repeat(1 << 20);
  const loops = [
    [Hooks.TRANSFORM_DATA, 'reading the input again and again (reed_input_read)'],
    [Hooks.AFTER_RENDER, 'reading the input block again and again (reed_block_read)'],
  ] as const;
  for (const [hook, what] of loops) {
    it(`${what} pays fuel by size and ends with E_FUEL (inline); the neighbour still answers`, async () => {
      const manager = new PluginManager({ limits, logger: captureLogger() });
      const other = hook === Hooks.TRANSFORM_DATA ? Hooks.AFTER_RENDER : Hooks.TRANSFORM_DATA;
      try {
        await manager.load({ manifest: manifestToml('copier', [`Hook = "${hook}"`]), wasm: await hostileWat('copy-storm') });
        await manager.load({ manifest: manifestToml('good', [`Hook = "${other}"`]), wasm: await readFixture('echo') });
        await expect(manager.hooks.execute(hook, page, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_FUEL', pluginId: 'copier', limit: { name: 'fuel' } });
        expect(await manager.hooks.execute(other, { ok: 1 })).toEqual({ ok: 1 });
      } finally {
        await manager.shutdown();
      }
    });
  }

  it('handing over 1 MiB of output 2,000 times is held to the per-call host-buffer budget (refused copies cost no fuel); the last, empty, output wins (inline)', async () => {
    const logger = captureLogger();
    const manager = new PluginManager({ limits, logger });
    try {
      await manager.load({ manifest: manifestToml('copier', ['Hook = "before_render"']), wasm: await hostileWat('copy-storm') });
      for (let i = 0; i < 2; i++) expect(await manager.hooks.execute(Hooks.BEFORE_RENDER, { n: i }, { errorPolicy: 'fail' })).toEqual({ n: i });
      expect(manager.stats('copier')).toMatchObject({ faults: 0 });
      expect(logger.lines.filter(([, message]) => message.includes('memory limit exceeded'))).toHaveLength(2);
    } finally {
      await manager.shutdown();
    }
  });
});

describe('hostile plugins hoarding plugin variables between calls', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    it(`the call that passes maxVarBytes ends with E_LIMIT (${isolation}); the neighbour still answers`, async () => {
      // Room for two 1 MiB values and their 8-byte keys (the inline kernel counts keys too).
      const maxVarBytes = 2 * 1024 * 1024 + 1024;
      const manager = new PluginManager({ isolation, limits: { ...LIMITS, maxVarBytes }, logger: captureLogger() });
      try {
        await manager.load({ manifest: manifestToml('hoard', ['Hook = "after_render"']), wasm: await hostileWat('var-hoard') });
        await manager.load({ manifest: manifestToml('good', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
        // 1 MiB and 2 MiB of variables fit; the third call would hold 3 MiB.
        for (let call = 1; call <= 2; call++) expect(await manager.hooks.execute(Hooks.AFTER_RENDER, { call }, { errorPolicy: 'fail' })).toEqual({ call });
        await expect(manager.hooks.execute(Hooks.AFTER_RENDER, { call: 3 }, { errorPolicy: 'fail' })).rejects.toMatchObject({
          code: 'E_LIMIT',
          pluginId: 'hoard',
          limit: { name: 'maxVarBytes', value: maxVarBytes },
        });
        expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, { ok: 1 })).toEqual({ ok: 1 });
      } finally {
        await manager.shutdown();
      }
    });
  }
});

describe('hostile plugins hoarding plugin variables under long keys', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    it(`keys count towards maxVarBytes: the call that passes it ends with E_LIMIT (${isolation}); the neighbour still answers`, async () => {
      const maxVarBytes = 256 * 1024;
      const manager = new PluginManager({ isolation, limits: { ...LIMITS, maxVarBytes }, logger: captureLogger() });
      try {
        await manager.load({ manifest: manifestToml('hoard', ['Hook = "after_render"']), wasm: await hostileWat('var-key-hoard') });
        await loadNeighbour(manager);
        // Four 64 KiB keys (with empty values) fit; the fifth would hold 320 KiB.
        for (let call = 1; call <= 4; call++) expect(await manager.hooks.execute(Hooks.AFTER_RENDER, { call }, { errorPolicy: 'fail' })).toEqual({ call });
        await expect(manager.hooks.execute(Hooks.AFTER_RENDER, { call: 5 }, { errorPolicy: 'fail' })).rejects.toMatchObject({
          code: 'E_LIMIT',
          pluginId: 'hoard',
          limit: { name: 'maxVarBytes', value: maxVarBytes },
        });
        await expectHealthy(manager);
      } finally {
        await manager.shutdown();
      }
    });
  }
});

describe('hostile plugins flooding the event bus', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    it(`publications past maxEventsPerCall are refused to the guest, once reported, and reset per call (${isolation})`, async () => {
      const manager = new PluginManager({ isolation, limits: { ...LIMITS, maxEventsPerCall: 20 }, logger: captureLogger() });
      const seen: PluginEvent[] = [];
      manager.events.subscribe((e) => void (e.type === 'content.updated' || e.type === 'plugin.denied' ? seen.push(e) : undefined));
      try {
        await manager.load({ manifest: manifestToml('flood', ['Hook = "transform_data"', 'Event = "content.updated"']), wasm: await hostileWat('event-flood') });
        for (let call = 1; call <= 2; call++) {
          // The guest stops at its first refusal: without one it would run out of fuel (E_FUEL).
          expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, { call }, { errorPolicy: 'fail' })).toEqual({ call });
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(seen.filter((e) => e.type === 'content.updated')).toHaveLength(40);
        const denied = seen.filter((e) => e.type === 'plugin.denied').map((e) => e.data);
        expect(denied).toEqual([
          expect.objectContaining({ pluginId: 'flood', what: 'event', limit: 'maxEventsPerCall' }),
          expect.objectContaining({ pluginId: 'flood', what: 'event', limit: 'maxEventsPerCall' }),
        ]);
        expect(manager.stats('flood').faults).toBe(0);
      } finally {
        await manager.shutdown();
      }
    });
  }
});
