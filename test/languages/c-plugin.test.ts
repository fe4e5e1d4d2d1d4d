/**
 * A C plugin (test/fixtures/c/plugin.c on sdk/c/reed.h and wasi-libc, built from source by the
 * test setup with Debian's clang) through the real PluginManager: a filter hook, a command,
 * printf to stdout and stderr as log lines, log_info, config and time(); the hostile commands
 * (malloc bomb, stack bomb) end with their limit while a neighbour goes on. WASI plugins run
 * inline only: in worker isolation the load is refused with E_UNSUPPORTED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginError } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { nativeSkipReason } from '../support/native-fixtures.ts';

const skip = nativeSkipReason('c-plugin');
const LIMITS = { fuel: 20_000_000, memoryBytes: 16 * 1024 * 1024, maxCallDepth: 1_000, timeoutMs: 10_000 };
const MANIFEST = manifestToml('cplug', ['Hook = "before_render"', 'Command = "greet"', 'Command = "malloc-bomb"', 'Command = "stack-bomb"', 'Command = "exit"', 'Command = "exit-3"']);

async function withNeighbour(manager: PluginManager): Promise<() => Promise<void>> {
  await manager.load({ manifest: manifestToml('good', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
  return async () => {
    const data = { still: 'fine ✓', n: Math.random() };
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, data, { errorPolicy: 'fail' })).resolves.toEqual(data);
  };
}

describe.skipIf(skip !== undefined)('C plugin, inline isolation', () => {
  let manager: PluginManager;
  let logger: CapturingLogger;
  let expectNeighbourHealthy: () => Promise<void>;

  beforeAll(async () => {
    logger = captureLogger();
    manager = new PluginManager({ limits: LIMITS, logger, deterministic: true, plugins: { cplug: { suffix: '?!' } } });
    expectNeighbourHealthy = await withNeighbour(manager);
    await manager.load({ manifest: MANIFEST, wasm: await readFixture('c-plugin') });
  });
  afterAll(async () => {
    await manager.shutdown();
  });

  it('runs a filter hook with config and time() (the deterministic clock: 2024), printf becoming an info line', async () => {
    logger.lines.length = 0;
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'hello' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'HELLO?!', year: 2024 });
    expect(logger.lines).toEqual([['info', '[cplug] c: shouted HELLO']]);
  });

  it('runs a command; log_info, stderr (warn) and a partial stdout line (flushed at the end of the call) reach the log', async () => {
    logger.lines.length = 0;
    await expect(manager.command('cplug', 'greet', {})).resolves.toEqual({ greeting: 'hello from C' });
    expect(logger.lines).toEqual([
      ['info', '[cplug] c: greet via log_info'],
      ['warn', '[cplug] c: a warning on stderr'],
      ['info', '[cplug] c: partial line without a newline'],
    ]);
  });

  it('exit(0) ends the command with its output; exit(3) with E_GUEST naming the code', async () => {
    await expect(manager.command('cplug', 'exit', {})).resolves.toEqual({ exited: true });
    await expect(manager.command('cplug', 'exit-3', {})).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'cplug', message: expect.stringContaining('exited with code 3') });
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'again' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'AGAIN?!', year: 2024 });
  });

  const HOSTILE = [
    { command: 'malloc-bomb', code: 'E_MEMORY', limit: { name: 'memoryBytes', value: LIMITS.memoryBytes } },
    { command: 'stack-bomb', code: 'E_STACK', limit: { name: 'maxCallDepth', value: LIMITS.maxCallDepth } },
  ];
  for (const h of HOSTILE) {
    it(`${h.command} ends with ${h.code}, twice (the instance is replaced), and the neighbour is unaffected`, async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = (await manager.command('cplug', h.command, {}).catch((e: unknown) => e)) as PluginError & { limit?: unknown };
        expect(error).toMatchObject({ code: h.code, pluginId: 'cplug', operation: 'handle_command' });
        expect(error.limit).toEqual(h.limit);
        await expectNeighbourHealthy();
      }
      // The plugin itself recovers on a fresh instance.
      await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'after' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'AFTER?!', year: 2024 });
    });
  }
});

describe.skipIf(skip !== undefined)('C plugin, worker isolation', () => {
  it('is refused with E_UNSUPPORTED (WASI is served inline only), and the neighbour goes on', async () => {
    const manager = new PluginManager({ isolation: 'worker', limits: LIMITS, logger: captureLogger() });
    try {
      const expectNeighbourHealthy = await withNeighbour(manager);
      await expect(manager.load({ manifest: MANIFEST, wasm: await readFixture('c-plugin') })).rejects.toMatchObject({ code: 'E_UNSUPPORTED', pluginId: 'cplug' });
      await expectNeighbourHealthy();
    } finally {
      await manager.shutdown();
    }
  });
});
