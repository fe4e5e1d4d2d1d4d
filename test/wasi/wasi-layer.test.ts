/**
 * The WASI layer (src/wasi/) through the real PluginManager and Extism, with a hand-written WAT
 * probe (wasi-probe.wat) importing wasi_snapshot_preview1: streams as log lines, errno answers
 * for what is not granted, clocks and randomness (real and deterministic), args and env,
 * proc_exit, reactor initialization, fuel charged for copies; and the same answers from the
 * plugin's own worker. A neighbour plugin keeps working throughout.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, precompile, type PluginEvent } from '@reedcms/plugins';
import { instrument } from '@reedcms/plugins/instrument';
import { compileWat } from '../support/wat.ts';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { DETERMINISTIC_EPOCH_NS, DETERMINISTIC_STEP_NS } from '../../src/wasi/wasi-clock.ts';
import { Errno } from '../../src/wasi/wasi-constants.ts';

const PROBE_HOOKS = ['stdio', 'errnos', 'entropy', 'args', 'random_big', 'random_none', 'inits', 'exit0', 'exit7', 'flood'].map((h) => `Hook = "wasi_${h}"`);
const LIMITS = { fuel: 1_000_000, maxLogBytes: 64 * 1024 };

let probe: Uint8Array;
beforeAll(async () => {
  probe = await compileWat(await readFile(join(import.meta.dirname, 'wasi-probe.wat'), 'utf8'), 'wasi-probe.wat');
});

function probeManifest(id: string, extra = ''): string {
  return manifestToml(id, PROBE_HOOKS, extra);
}

/** Splits a probe's hex dump into little-endian u64s and the random bytes. */
function entropyOf(hex: string): { realtime: bigint; monotonic: bigint; random: string } {
  const u64 = (from: number) =>
    BigInt(
      `0x${hex
        .slice(from, from + 16)
        .match(/../g)!
        .reverse()
        .join('')}`,
    );
  return { realtime: u64(0), monotonic: u64(16), random: hex.slice(32) };
}

async function neighbour(manager: PluginManager): Promise<void> {
  await manager.load({ manifest: manifestToml('good', ['Hook = "before_render"']), wasm: await readFixture('echo') });
}

async function expectNeighbourHealthy(manager: PluginManager): Promise<void> {
  const page = { title: 'Still fine ✓', n: Math.random() };
  await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, page)).resolves.toEqual(page);
}

describe('WASI layer, inline isolation', () => {
  let manager: PluginManager;
  let logger: CapturingLogger;
  const logEvents: PluginEvent[] = [];

  beforeAll(async () => {
    logger = captureLogger();
    manager = new PluginManager({ limits: LIMITS, logger, wasi: { probe: { env: { HOST_ONLY: 'h', MODE: 'host' } } } });
    manager.events.subscribe('plugin.log', (e) => {
      logEvents.push(e);
    });
    await neighbour(manager);
    await manager.load({ manifest: probeManifest('probe', '[wasi]\nargs = ["probe", "--fast"]\nenv = { MODE = "manifest", LANG = "C" }'), wasm: probe });
  });
  afterAll(async () => {
    await manager.shutdown();
  });

  it('fd_write to stdout and stderr become info and warn lines, line-buffered, the partial line flushed at the end of the call', async () => {
    logger.lines.length = 0;
    await expect(manager.hooks.execute('wasi_stdio', { a: 1 }, { errorPolicy: 'fail' })).resolves.toEqual({ a: 1 });
    expect(logger.lines).toEqual([
      ['info', '[probe] hello world'],
      ['info', '[probe] second line'],
      ['warn', '[probe] oops'],
      ['info', '[probe] partial'],
    ]);
    await expectNeighbourHealthy(manager);
  });

  it('answers what is not granted with WASI errnos, never a host exception; stdin reads as empty', async () => {
    const result = (await manager.hooks.execute('wasi_errnos', {}, { errorPolicy: 'fail' })) as string;
    expect(result.split(',').map(Number)).toEqual([
      Errno.BADF, // fd_write to descriptor 5
      Errno.NOTCAPABLE, // fd_write to stdin
      Errno.SUCCESS, // fd_read from stdin…
      0, // …reads 0 bytes
      Errno.SPIPE, // fd_seek on stdout
      Errno.BADF, // fd_prestat_get(3): no preopened directories
      Errno.BADF, // path_open under descriptor 3
      Errno.NOSYS, // sock_send
      Errno.INVAL, // clock_time_get on an unknown clock
      Errno.FAULT, // fd_write of an iovec past the end of memory
    ]);
    await expectNeighbourHealthy(manager);
  });

  it('reads the host clock and crypto.getRandomValues', async () => {
    const a = entropyOf((await manager.hooks.execute('wasi_entropy', {}, { errorPolicy: 'fail' })) as string);
    const b = entropyOf((await manager.hooks.execute('wasi_entropy', {}, { errorPolicy: 'fail' })) as string);
    // The host's clock, not the deterministic one; monotonic never goes back.
    expect(a.realtime > DETERMINISTIC_EPOCH_NS + 86_400_000_000_000n).toBe(true);
    expect(b.monotonic >= a.monotonic).toBe(true);
    expect(a.random).toMatch(/^[0-9a-f]{32}$/);
    expect(a.random).not.toBe(b.random);
  });

  it('args and env come from the manifest, the host config winning key by key', async () => {
    await expect(manager.hooks.execute('wasi_args', {}, { errorPolicy: 'fail' })).resolves.toBe('probe|--fast|#HOST_ONLY=h|LANG=C|MODE=host|');
  });

  it('charges fuel for the bytes random_get writes (1 per 4 bytes)', async () => {
    await manager.hooks.execute('wasi_random_none', {}, { errorPolicy: 'fail' });
    const none = manager.stats('probe').fuel.last as number;
    await manager.hooks.execute('wasi_random_big', {}, { errorPolicy: 'fail' });
    const big = manager.stats('probe').fuel.last as number;
    expect(big - none).toBe(65_536 / 4);
  });

  it('_initialize runs once per instance, before any call', async () => {
    await expect(manager.hooks.execute('wasi_inits', {}, { errorPolicy: 'fail' })).resolves.toBe(1);
    await expect(manager.hooks.execute('wasi_inits', {}, { errorPolicy: 'fail' })).resolves.toBe(1);
  });

  it('proc_exit(0) ends the call with the output so far; the instance is replaced and initialized again', async () => {
    const restarts = manager.stats('probe').restarts;
    await expect(manager.hooks.execute('wasi_exit0', {}, { errorPolicy: 'fail' })).resolves.toEqual({ ok: 1 });
    await expect(manager.hooks.execute('wasi_inits', {}, { errorPolicy: 'fail' })).resolves.toBe(1);
    expect(manager.stats('probe').restarts).toBe(restarts + 1);
    await expectNeighbourHealthy(manager);
  });

  it('proc_exit with a nonzero code ends the call with E_GUEST naming the code; the next call works', async () => {
    await expect(manager.hooks.execute('wasi_exit7', {}, { errorPolicy: 'fail' })).rejects.toMatchObject({
      code: 'E_GUEST',
      pluginId: 'probe',
      operation: 'hook_wasi_exit7',
      message: expect.stringContaining('exited with code 7'),
    });
    await expect(manager.hooks.execute('wasi_inits', {}, { errorPolicy: 'fail' })).resolves.toBe(1);
    await expectNeighbourHealthy(manager);
  });

  it('stdout counts against maxLogBytes: past it the lines are dropped and the call ends with E_LIMIT', async () => {
    await manager.load({ manifest: probeManifest('flood', '[limits]\nmax_log_bytes = 4096'), wasm: probe });
    try {
      await expect(manager.hooks.execute('wasi_flood', {}, { errorPolicy: 'fail' })).rejects.toMatchObject({
        code: 'E_LIMIT',
        pluginId: 'flood',
        limit: { name: 'maxLogBytes', value: 4096 },
      });
      const lines = logger.lines.filter(([, m]) => m.startsWith('[flood] xxx'));
      expect(lines.length).toBe(Math.floor(4096 / 99));
    } finally {
      await manager.unload('flood');
    }
    await expectNeighbourHealthy(manager);
  });
});

describe('WASI layer, deterministic', () => {
  async function entropyRun(id: string, config: ConstructorParameters<typeof PluginManager>[0]) {
    const manager = new PluginManager({ limits: LIMITS, logger: captureLogger(), ...config });
    try {
      await manager.load({ manifest: probeManifest(id), wasm: probe });
      return [
        entropyOf((await manager.hooks.execute('wasi_entropy', {}, { errorPolicy: 'fail' })) as string),
        entropyOf((await manager.hooks.execute('wasi_entropy', {}, { errorPolicy: 'fail' })) as string),
      ];
    } finally {
      await manager.shutdown();
    }
  }

  it('`deterministic: true` gives a fixed clock and a seeded generator: the same output on every run', async () => {
    const first = await entropyRun('same', { deterministic: true });
    const again = await entropyRun('same', { deterministic: true });
    expect(again).toEqual(first);
    expect(first[0]).toMatchObject({ realtime: DETERMINISTIC_EPOCH_NS + DETERMINISTIC_STEP_NS, monotonic: 2n * DETERMINISTIC_STEP_NS });
    expect(first[1]!.random).not.toBe(first[0]!.random);
    // Another plugin id, another seed.
    const other = await entropyRun('other', { deterministic: true });
    expect(other[0]!.random).not.toBe(first[0]!.random);
  });

  it('a per-plugin setting overrides the manager-wide one', async () => {
    const [off] = await entropyRun('same', { deterministic: true, wasi: { same: { deterministic: false } } });
    expect(off!.realtime > DETERMINISTIC_EPOCH_NS + 86_400_000_000_000n).toBe(true);
    const [on] = await entropyRun('same', { wasi: { same: { deterministic: true } } });
    expect(on!.realtime).toBe(DETERMINISTIC_EPOCH_NS + DETERMINISTIC_STEP_NS);
  });
});

describe('WASI modules that cannot run as plugins', () => {
  let manager: PluginManager;
  beforeAll(async () => {
    manager = new PluginManager({ limits: LIMITS, logger: captureLogger() });
    await neighbour(manager);
  });
  afterAll(async () => {
    await manager.shutdown();
  });

  it('a command module (_start, no _initialize) is refused, saying to build a reactor', async () => {
    const wasm = await compileWat(`(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call $exit (i32.const 0)))
      (func (export "hook_transform_data") (result i32) (i32.const 0)))`);
    await expect(manager.load({ manifest: manifestToml('cmd', ['Hook = "transform_data"']), wasm })).rejects.toMatchObject({
      code: 'E_EXPORT',
      pluginId: 'cmd',
      message: expect.stringContaining('build it as a reactor'),
    });
    await expectNeighbourHealthy(manager);
  });

  it('a module exporting both _initialize and _start is a reactor: only _initialize runs', async () => {
    const wasm = await compileWat(`(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (import "extism:host/user" "reed_output_write" (func $out (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (global $runs (mut i32) (i32.const 48))
      (func (export "_initialize") (global.set $runs (i32.add (global.get $runs) (i32.const 1))))
      (func (export "_start") (call $exit (i32.const 9)))
      (func (export "hook_transform_data") (result i32)
        (i32.store8 (i32.const 0) (global.get $runs))
        (drop (call $out (i32.const 0) (i32.const 1)))
        (i32.const 0)))`);
    await manager.load({ manifest: manifestToml('both', ['Hook = "transform_data"']), wasm });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' })).resolves.toBe(1);
    await manager.unload('both');
  });

  it('a reactor whose _initialize traps fails the load with E_TRAP, named as its start code', async () => {
    const wasm = await compileWat(`(module
      (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
      (memory (export "memory") 1)
      (func (export "_initialize") (unreachable))
      (func (export "hook_transform_data") (result i32) (i32.const 0)))`);
    await expect(manager.load({ manifest: manifestToml('trap-init', ['Hook = "transform_data"']), wasm })).rejects.toMatchObject({
      code: 'E_TRAP',
      pluginId: 'trap-init',
      operation: 'instantiate',
      message: expect.stringContaining("the module's start code (its start function or _initialize) trapped"),
    });
    await expectNeighbourHealthy(manager);
  });

  it('a reactor whose _initialize never ends runs out of fuel: the load fails with E_FUEL', async () => {
    const wasm = await compileWat(`(module
      (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
      (memory (export "memory") 1)
      (func (export "_initialize") (loop $forever (drop (call $yield)) (br $forever)))
      (func (export "hook_transform_data") (result i32) (i32.const 0)))`);
    await expect(manager.load({ manifest: manifestToml('spin-init', ['Hook = "transform_data"']), wasm })).rejects.toMatchObject({
      code: 'E_FUEL',
      pluginId: 'spin-init',
      operation: 'instantiate',
      message: expect.stringContaining("the module's start code (its start function or _initialize) ran out of fuel"),
      limit: { name: 'fuel', value: LIMITS.fuel },
    });
    expect(manager.plugins().map((p) => p.id)).toEqual(['good']);
    await expectNeighbourHealthy(manager);
  });
});

describe('WASI modules compiled ahead of time', () => {
  it('precompile() links WASI as the load does: the module runs', async () => {
    const manager = new PluginManager({ limits: LIMITS, logger: captureLogger() });
    try {
      await manager.load({ manifest: probeManifest('pre'), wasm: await precompile(probe, LIMITS) });
      await expect(manager.hooks.execute('wasi_inits', {}, { errorPolicy: 'fail' })).resolves.toBe(1);
    } finally {
      await manager.shutdown();
    }
  });

  it('a module instrumented without linking names WASI as is: E_LINK saying how to build it', async () => {
    const manager = new PluginManager({ limits: LIMITS, logger: captureLogger() });
    try {
      const module = await WebAssembly.compile(instrument(probe).bytes);
      await expect(manager.load({ manifest: probeManifest('raw'), wasm: module })).rejects.toMatchObject({
        code: 'E_LINK',
        pluginId: 'raw',
        message: expect.stringContaining('precompile()'),
      });
    } finally {
      await manager.shutdown();
    }
  });
});

describe("WASI layer, worker isolation (the plugin's own worker)", () => {
  it('a module importing what the host lacks fails in the worker with E_LINK naming it, and the neighbour goes on', async () => {
    const manager = new PluginManager({ isolation: 'worker', limits: LIMITS, logger: captureLogger() });
    try {
      await neighbour(manager);
      const wasm = await compileWat(
        `(module
          (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
          (import "extism:host/user" "not_served" (func))
          (memory (export "memory") 1)
          (func (export "_initialize"))
          (func (export "hook_wasi_stdio") (result i32) (i32.const 0)))`,
        'missing-import.wat',
      );
      await expect(manager.load({ manifest: manifestToml('lacking', ['Hook = "wasi_stdio"']), wasm })).rejects.toMatchObject({
        code: 'E_LINK',
        pluginId: 'lacking',
        message: expect.stringContaining('not_served'),
      });
      await expectNeighbourHealthy(manager);
    } finally {
      await manager.shutdown();
    }
  });

  it('serves stdio, args and proc_exit as inline; the neighbour goes on', async () => {
    const logger = captureLogger();
    const manager = new PluginManager({ isolation: 'worker', limits: LIMITS, logger, wasi: { probe: { args: ['probe', '--x'], env: { MODE: 'test' } } } });
    try {
      await neighbour(manager);
      await manager.load({ manifest: probeManifest('probe'), wasm: probe });
      const inline = new PluginManager({ limits: LIMITS, logger: captureLogger(), wasi: { probe: { args: ['probe', '--x'], env: { MODE: 'test' } } } });
      try {
        await inline.load({ manifest: probeManifest('probe'), wasm: probe });
        for (const hook of ['wasi_args', 'wasi_errnos', 'wasi_exit0']) {
          const run = (m: PluginManager) => m.hooks.execute(hook, {}, { errorPolicy: 'fail' }).catch((e: unknown) => ({ code: (e as { code?: string }).code }));
          expect(await run(manager), hook).toEqual(await run(inline));
        }
      } finally {
        await inline.shutdown();
      }
      await expect(manager.hooks.execute('wasi_exit7', {}, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'probe' });
      await expectNeighbourHealthy(manager);
    } finally {
      await manager.shutdown();
    }
  });
});
